#include <catch2/catch.hpp>

#include <vector>

#include "logic/layout.h"

using namespace digitlab::gui;

namespace {

const Panel kAll[] = {Panel::draw, Panel::training, Panel::curves, Panel::insight, Panel::samples, Panel::sync};

std::vector<Rect> shown(const Layout& l) {
  std::vector<Rect> rects{l.title, l.status};
  if (!l.tabs.empty()) rects.push_back(l.tabs);
  for (Panel p : kAll)
    if (l.shown(p)) rects.push_back(l[p]);
  return rects;
}

// Nothing outside the window, nothing on top of anything else.
void check_tiles(const Layout& l, float w, float h) {
  const Rect window{0, 0, w, h};
  const auto rects = shown(l);
  for (std::size_t i = 0; i < rects.size(); ++i) {
    CHECK(contains(window, rects[i]));
    for (std::size_t j = i + 1; j < rects.size(); ++j) CHECK_FALSE(overlaps(rects[i], rects[j]));
  }
}

}  // namespace

TEST_CASE("wide windows show every panel at once, filling the window") {
  for (auto [w, h] : {std::pair{1280.0f, 800.0f}, {1920.0f, 1080.0f}, {2560.0f, 1440.0f}, {1100.0f, 640.0f}}) {
    CAPTURE(w, h);
    const Layout l = compute_layout(w, h, {}, Panel::samples);
    CHECK(l.mode == LayoutMode::columns);
    CHECK(l.tabs.empty());
    float area = l.title.w * l.title.h + l.status.w * l.status.h;
    for (Panel p : kAll) {
      CAPTURE(panel_name(p));
      CHECK(l.shown(p));
      CHECK_FALSE(l.tabbed[static_cast<int>(p)]);
      CHECK(l[p].w > 300);
      area += l[p].w * l[p].h;
    }
    CHECK(area == Approx(w * h));
    check_tiles(l, w, h);
  }
  // A large screen gives the pad's panel more room, not just the same share.
  CHECK(compute_layout(1920, 1080, {}, Panel::draw)[Panel::draw].w > 1.4f * compute_layout(1280, 800, {}, Panel::draw)[Panel::draw].w);
}

TEST_CASE("at 800x600 the pad stays in view and every other panel is one tab away") {
  for (Panel chosen : kAll) {
    CAPTURE(panel_name(chosen));
    const Layout l = compute_layout(800, 600, {}, chosen);
    CHECK(l.mode == LayoutMode::split);
    CHECK(l.shown(Panel::draw));
    CHECK(l[Panel::draw].w >= 380);
    const Panel page = chosen == Panel::draw ? Panel::training : chosen;
    CHECK(l.shown(page));
    int visible = 0;
    for (Panel p : kAll) visible += l.shown(p);
    CHECK(visible == 2);
    CHECK(l[page].y >= l.tabs.bottom());
    CHECK(l[page].h > 400);
    check_tiles(l, 800, 600);
  }
}

TEST_CASE("on a phone one panel fills the column under the tabs, Draw first") {
  const LayoutMetrics touch{20, 60, 42, 44};  // wrapped title and status, finger-sized targets
  for (Panel chosen : kAll) {
    CAPTURE(panel_name(chosen));
    const Layout l = compute_layout(390, 844, touch, chosen);
    CHECK(l.mode == LayoutMode::single);
    for (Panel p : kAll) CHECK(l.shown(p) == (p == chosen));
    CHECK(l[chosen].w == 390);
    CHECK(l[chosen].y == l.tabs.bottom());
    CHECK(l.tabs.h >= 42);  // a tab is a touch target
    CHECK(l[chosen].h > 600);
    check_tiles(l, 390, 844);
  }
}

TEST_CASE("no size leaves a panel out of the window") {
  for (float w : {320.0f, 390.0f, 699.0f, 700.0f, 800.0f, 1099.0f, 1100.0f, 3840.0f})
    for (float h : {480.0f, 600.0f, 639.0f, 640.0f, 844.0f, 2160.0f})
      for (Panel chosen : kAll) {
        CAPTURE(w, h, panel_name(chosen));
        const Layout l = compute_layout(w, h, {}, chosen);
        check_tiles(l, w, h);
        CHECK(l.shown(chosen));
        for (Panel p : kAll) CHECK((l.shown(p) || l.tabbed[static_cast<int>(p)]));
      }
}
