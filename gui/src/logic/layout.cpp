#include "logic/layout.h"

#include <algorithm>
#include <cmath>

namespace digitlab::gui {

namespace {

// Below these the three columns no longer fit their controls.
constexpr float kColumnsMinWidth = 1100;
constexpr float kColumnsMinHeight = 640;
// Below this width the pad and a tab page no longer fit side by side.
constexpr float kSplitMinWidth = 700;

Rect& at(Layout& l, Panel p) { return l.panels[static_cast<int>(p)]; }

}  // namespace

const char* panel_name(Panel panel) {
  switch (panel) {
    case Panel::draw: return "draw";
    case Panel::training: return "training";
    case Panel::curves: return "curves";
    case Panel::insight: return "insight";
    case Panel::samples: return "samples";
    case Panel::sync: return "sync";
  }
  return "?";
}

const char* panel_title(Panel panel) {
  switch (panel) {
    case Panel::draw: return "Draw";
    case Panel::training: return "Train";
    case Panel::curves: return "Curves";
    case Panel::insight: return "Inside";
    case Panel::samples: return "Samples";
    case Panel::sync: return "Server";
  }
  return "?";
}

const char* to_string(LayoutMode mode) {
  switch (mode) {
    case LayoutMode::columns: return "columns";
    case LayoutMode::split: return "split";
    case LayoutMode::single: return "single";
  }
  return "?";
}

Layout compute_layout(float width, float height, const LayoutMetrics& m, Panel chosen) {
  Layout l;
  width = std::max(width, 1.0f);
  height = std::max(height, 1.0f);
  l.mode = width >= kColumnsMinWidth && height >= kColumnsMinHeight ? LayoutMode::columns
           : width >= kSplitMinWidth                                 ? LayoutMode::split
                                                                     : LayoutMode::single;
  l.title = {0, 0, width, std::floor(m.title_height)};
  l.status = {0, std::floor(height - m.status_height), width, height - std::floor(height - m.status_height)};
  const float top = l.title.bottom();
  const float body_h = std::max(0.0f, l.status.y - top);

  if (l.mode == LayoutMode::columns) {
    // The draw column needs room for the pad and the bars beside it; the
    // plot column takes what is left. Wider screens give the pad more.
    const float col_a = std::floor(width * (width >= 1700 ? 0.36f : 0.33f));
    const float col_b = std::floor(width * 0.31f);
    const float col_c = width - col_a - col_b;
    const float draw_h = std::floor(body_h * 0.64f);
    at(l, Panel::draw) = {0, top, col_a, draw_h};
    at(l, Panel::samples) = {0, top + draw_h, col_a, body_h - draw_h};
    const float training_h = std::floor(body_h * 0.62f);
    at(l, Panel::training) = {col_a, top, col_b, training_h};
    at(l, Panel::sync) = {col_a, top + training_h, col_b, body_h - training_h};
    const float curves_h = std::floor(body_h * 0.40f);
    at(l, Panel::curves) = {col_a + col_b, top, col_c, curves_h};
    at(l, Panel::insight) = {col_a + col_b, top + curves_h, col_c, body_h - curves_h};
    return l;
  }

  const float tab_h = std::ceil(std::max(m.target, m.line_height) + 6);
  if (l.mode == LayoutMode::split) {
    // The pad stays in view on the left; every other panel is a tab.
    const float left = std::floor(width * 0.48f);
    at(l, Panel::draw) = {0, top, left, body_h};
    l.tabs = {left, top, width - left, tab_h};
    if (chosen == Panel::draw) chosen = Panel::training;
    for (int i = 1; i < kPanels; ++i) l.tabbed[i] = true;
    at(l, chosen) = {left, top + tab_h, width - left, std::max(0.0f, body_h - tab_h)};
    return l;
  }

  // One column: the tab bar under the title, one panel below it.
  l.tabs = {0, top, width, tab_h};
  l.tabbed.fill(true);
  at(l, chosen) = {0, top + tab_h, width, std::max(0.0f, body_h - tab_h)};
  return l;
}

bool overlaps(const Rect& a, const Rect& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

bool contains(const Rect& outer, const Rect& inner) {
  constexpr float kSlack = 0.5f;  // rounding of fractional sizes
  return inner.x >= outer.x - kSlack && inner.y >= outer.y - kSlack && inner.right() <= outer.right() + kSlack &&
         inner.bottom() <= outer.bottom() + kSlack;
}

}  // namespace digitlab::gui
