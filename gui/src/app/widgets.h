// Drawing helpers the windows share: fixed panels, probability bars, line
// plots with axes, and the confusion heat map.
#pragma once
#include <array>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/app_state.h"
#include "digitlab/common.h"
#include "logic/layout.h"

namespace digitlab::gui {

// A window pinned to a layout rectangle (the layout follows the display
// size, so nothing overlaps). Always pair with ImGui::End().
bool begin_panel(const char* title, const Rect& rect);

// Ten horizontal bars, one per digit; highlight gets the accent colour.
void probability_bars(const std::array<float, kClasses>& probs, int highlight, float width);

struct PlotSeries {
  const char* name;
  ImU32 color;
  std::vector<double> x, y;
};
struct PlotOptions {
  const char* title;
  const char* x_label;
  const char* y_label;
  bool fixed_y = false;  // use y_min..y_max instead of fitting the data
  double y_min = 0, y_max = 1;
  double x_min_span = 1;  // the x axis shows at least [0, x_min_span]
  double y_floor = -1e300;  // the fitted y axis never extends past these
  double y_ceil = 1e300;
};
void line_plot(const PlotOptions& options, const std::vector<PlotSeries>& series, ImVec2 size);

// Rows are true labels, columns predictions; colour by share of the row.
// Right of the matrix: each class's accuracy.
void confusion_heat_map(const std::array<std::array<int, kClasses>, kClasses>& confusion, float cell);

// A button whose place is reported in the state JSON under `name`, so
// browser and desktop tests click it with a real mouse.
bool clickable(AppState& app, const char* name, const char* label);
// Reports the last item (a tab, say) under `name` the same way.
void note_clickable(AppState& app, const char* name);

// A heading line that separates groups of controls inside a panel.
void section_title(const char* text);
void help_marker(const char* text);
ImU32 color_for_share(float share);  // dark blue (0) to bright yellow (1)

}  // namespace digitlab::gui
