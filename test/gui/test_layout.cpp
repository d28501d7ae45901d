#include <catch2/catch.hpp>

#include "logic/layout.h"

using namespace digitlab::gui;

namespace {
std::vector<Rect> panels(const Layout& l) {
  return {l.draw, l.samples, l.training, l.sync, l.curves, l.insight, l.status};
}
}  // namespace

TEST_CASE("the layout fills the window without overlap at common sizes") {
  for (auto [w, h] : {std::pair{1280.0f, 800.0f}, {1920.0f, 1080.0f}, {1024.0f, 768.0f}, {2560.0f, 1440.0f}}) {
    CAPTURE(w, h);
    const Layout l = compute_layout(w, h, 20);
    const auto p = panels(l);
    float area = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      CHECK(p[i].x >= 0);
      CHECK(p[i].y >= 0);
      CHECK(p[i].right() <= w + 0.01f);
      CHECK(p[i].bottom() <= h + 0.01f);
      CHECK(p[i].w > 200);
      CHECK(p[i].h > 20);
      area += p[i].w * p[i].h;
      for (std::size_t j = i + 1; j < p.size(); ++j) CHECK_FALSE(overlaps(p[i], p[j]));
    }
    CHECK(area == Approx(w * h));
  }
}

TEST_CASE("below the minimum size the panels keep a readable size") {
  const Layout l = compute_layout(400, 300, 20);
  CHECK(l.draw.w >= 290);
  CHECK(l.status.bottom() >= 600);
}
