// Drawing helpers the windows share: fixed panels, probability bars, line
// plots with axes, and the confusion heat map.
#pragma once
#include <array>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/app_state.h"
#include "digitlab/util/common.h"
#include "digitlab/train/settings.h"
#include "logic/layout.h"

namespace digitlab::gui {

// The look: DigitLab's colours (progress bars dark enough for white text,
// >= 4.5:1), and finger-sized targets (>= 40 px tall) on a touch screen.
void apply_style(bool touch);
// Text for what needs the person's attention: untrained weights, a wait on the server.
inline const ImVec4 kWarningText{1.0f, 0.6f, 0.3f, 1.0f};

// A window pinned to a layout rectangle (the layout follows the display
// size, so nothing overlaps). A panel behind a tab (an empty rectangle) is
// collapsed: Begin returns false and nothing is drawn. Always pair with
// end_panel(), which makes a drag that starts on the panel's background
// scroll it (a swipe on a phone) and notes its scroll for automation.
bool begin_panel(const char* title, const Rect& rect);
void end_panel(AppState& app, Panel panel);
// Panels show their title bar, unless a tab names them (one column on a phone).
void show_panel_titles(bool shown);

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

// Rows are true labels, columns predictions; colour by share of the row,
// with the scale under the matrix. Every count is written in its cell (the
// small font when the body font does not fit). Right: each class's accuracy.
void confusion_heat_map(const std::array<std::array<int, kClasses>, kClasses>& confusion, float cell, ImFont* small);

// A button whose place is reported in the state JSON under `name`, so
// browser and desktop tests click it with a real mouse.
bool clickable(AppState& app, const char* name, const char* label);
// Reports the last item (a tab, say) under `name` the same way.
void note_clickable(AppState& app, const char* name);

// A heading line that separates groups of controls inside a panel.
void section_title(const char* text);
void help_marker(const char* text);
// The last item's tooltip (hover, or a finger resting on it: not once it lifts).
void item_tooltip(const char* text);

// "-" for an unknown value, else the number printed with format.
std::string number_or_dash(bool known, const char* format, double value);

// A slider whose value stands beside it, never under its handle (ImGui
// centres the text on the slider, where the handle covers it).
bool slider_float(const char* label, float* value, float min, float max, const char* format, float width);
bool slider_int(const char* label, int* value, int min, int max, float width);

// One training setting from core's table (digitlab/hyperparameters.h): its
// label, a slider, checkbox or list, the value with its unit beside the
// slider (never under its handle), and a tooltip with what it does and its
// range. Returns true when the value changed (already range-checked).
bool setting_control(AppState& app, const SettingInfo& info, Hyperparameters& hyper, float label_width);
ImU32 color_for_share(float share);  // dark blue (0) to bright yellow (1)

}  // namespace digitlab::gui
