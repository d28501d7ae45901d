// Where each panel goes for a given window size, recomputed every frame so
// the interface follows the window. Three modes:
//   columns  wide windows: every panel at once, in three columns
//   split    medium (800x600): the pad on the left, the rest behind tabs
//   single   narrow (a phone): one column, one page at a time behind tabs,
//            Draw first
// Every panel lies inside the window or behind a tab that is; panels whose
// content is taller than their rectangle scroll. Pure arithmetic, unit-tested.
#pragma once
#include <array>

namespace digitlab::gui {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
  bool empty() const { return w <= 0 || h <= 0; }
};

// The panels, in the order tabs show them.
enum class Panel { draw, training, curves, insight, samples, sync };
constexpr int kPanels = 6;
const char* panel_name(Panel panel);   // "draw", "training", ...: for automation
const char* panel_title(Panel panel);  // "Draw", "Train", ...: on its tab

enum class LayoutMode { columns, split, single };
const char* to_string(LayoutMode mode);

struct LayoutMetrics {
  float line_height = 20;   // the body font's line height with spacing
  float title_height = 24;  // the guidance line, as tall as its wrapped text needs
  float target = 22;        // the height of a button (>= 40 on a touch screen)
  float status_height = 24; // the status bar, as tall as its wrapped text needs
};

struct Layout {
  LayoutMode mode = LayoutMode::columns;
  Rect title;   // the guidance line at the top
  Rect tabs;    // the tab bar (split and single); empty in columns
  std::array<Rect, kPanels> panels;  // empty when the panel is behind a tab not chosen
  std::array<bool, kPanels> tabbed{};  // true: reached through a tab
  Rect status;  // the bottom line
  const Rect& operator[](Panel p) const { return panels[static_cast<int>(p)]; }
  bool shown(Panel p) const { return !(*this)[p].empty(); }
};

// Sizes in ImGui (logical, CSS) pixels. `chosen` is the tab picked in the
// tabbed modes (ignored in columns; the pad's tab when it is not tabbed).
Layout compute_layout(float width, float height, const LayoutMetrics& metrics, Panel chosen);

bool overlaps(const Rect& a, const Rect& b);
bool contains(const Rect& outer, const Rect& inner);

}  // namespace digitlab::gui
