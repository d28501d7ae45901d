#include "app/widgets.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "logic/plot_scale.h"
#include "logic/slider_value.h"

namespace digitlab::gui {

namespace {
// A finger is the pointer: a tooltip shows while it rests on an item, not
// after it is lifted (the pointer stays where the finger was, so a slider's
// tooltip stayed over the next sliders).
bool finger_pointer = false;
}  // namespace

void apply_style(bool touch) {
  finger_pointer = touch;
  ImGuiStyle& style = ImGui::GetStyle();
  // ImGui's default yellow bars carry white text at about 1.9:1; this blue
  // gives white text about 6:1, and the unfilled part is darker still.
  style.Colors[ImGuiCol_PlotHistogram] = {0.18f, 0.38f, 0.72f, 1.0f};
  style.Colors[ImGuiCol_PlotHistogramHovered] = {0.22f, 0.45f, 0.82f, 1.0f};
  style.FrameRounding = 3;
  style.GrabRounding = 3;
  if (!touch) return;
  // Finger-sized: a 15 px font in 40 px tall buttons, tabs and sliders.
  style.FramePadding = {12, 12.5f};
  style.ItemSpacing = {10, 10};
  style.ItemInnerSpacing = {10, 8};
  style.ScrollbarSize = 22;
  style.GrabMinSize = 28;
  style.TouchExtraPadding = {4, 4};
}

namespace {
bool panel_titles = true;
}  // namespace

void show_panel_titles(bool shown) { panel_titles = shown; }

bool begin_panel(const char* title, const Rect& rect) {
  const bool hidden = rect.empty();
  ImGui::SetNextWindowPos(hidden ? ImVec2{-10000, -10000} : ImVec2{rect.x, rect.y}, ImGuiCond_Always);
  ImGui::SetNextWindowSize({std::max(rect.w, 1.0f), std::max(rect.h, 1.0f)}, ImGuiCond_Always);
  ImGui::SetNextWindowCollapsed(hidden, ImGuiCond_Always);
  // No background: the panels tile the window, so the cleared frame is their
  // background. Filling them again would double the pixels a software
  // renderer shades per frame.
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                                 (panel_titles ? 0 : ImGuiWindowFlags_NoTitleBar);
  // A thin frame per panel, behind all windows so popups cover it.
  if (!hidden)
    ImGui::GetBackgroundDrawList()->AddRect({rect.x, rect.y}, {rect.right(), rect.bottom()},
                                            ImGui::GetColorU32(ImGuiCol_Border));
  return ImGui::Begin(title, nullptr, flags) && !hidden;
}

void end_panel(AppState& app, Panel panel) {
  // Drag to scroll: a press on the background and a drag move the content,
  // as a swipe does on a phone (ImGui 1.86 only scrolls with a wheel or the
  // scrollbar). Decided here, after the panel's items: only now is it known
  // whether the press landed on one this frame. Decided in Begin, it went by
  // the item under the previous pointer position, so the first swipe after
  // drawing (the pad still "hovered") and any swipe after a tap on a button
  // did nothing.
  static ImGuiID dragging = 0;
  const ImGuiID id = ImGui::GetID("##drag-scroll");
  const ImGuiIO& io = ImGui::GetIO();
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  if (dragging == id) {
    if (!io.MouseDown[0]) dragging = 0;
    else if (io.MouseDelta.y != 0) ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
  }
  if (ImGui::IsMouseClicked(0) && ImGui::IsWindowHovered() && g.HoveredId == 0 && g.ActiveId == 0) dragging = id;
  app.panel_scroll[static_cast<int>(panel)] = ImGui::GetScrollY();
  ImGui::End();
}

void probability_bars(const std::array<float, kClasses>& probs, int highlight, float width) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const float label_w = ImGui::CalcTextSize("0 ").x;
  const float percent_w = ImGui::CalcTextSize("100%").x;
  const float bar_w = std::max(10.0f, width - label_w - percent_w - 8);
  for (int d = 0; d < kClasses; ++d) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImU32 color = d == highlight ? IM_COL32(255, 196, 64, 255) : IM_COL32(90, 140, 220, 255);
    draw->AddText(p, IM_COL32(220, 220, 220, 255), std::to_string(d).c_str());
    const ImVec2 bar0{p.x + label_w, p.y + 2}, bar1{p.x + label_w + bar_w, p.y + line - 1};
    draw->AddRectFilled(bar0, bar1, IM_COL32(50, 50, 60, 255));
    draw->AddRectFilled(bar0, {bar0.x + bar_w * std::clamp(probs[d], 0.0f, 1.0f), bar1.y}, color);
    char percent[16];
    std::snprintf(percent, sizeof percent, "%.0f%%", probs[d] * 100.0f);
    draw->AddText({bar1.x + 6, p.y}, IM_COL32(200, 200, 200, 255), percent);
    ImGui::Dummy({width, line + 1});
  }
}

// Text turned a quarter left, centred vertically on `centre` with its top at
// centre.x: ImGui draws no rotated text, so the glyphs' vertices are turned
// after they were added.
void vertical_text(ImDrawList* draw, ImVec2 centre, ImU32 color, const char* text) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  const int first = draw->VtxBuffer.Size;
  draw->AddText({centre.x, centre.y}, color, text);
  for (int i = first; i < draw->VtxBuffer.Size; ++i) {
    ImVec2& p = draw->VtxBuffer[i].pos;
    const float dx = p.x - centre.x, dy = p.y - centre.y;
    p = {centre.x + dy, centre.y + size.x / 2 - dx};  // (x, y) -> (y, -x), then centred
  }
}

void line_plot(const PlotOptions& o, const std::vector<PlotSeries>& series, ImVec2 size) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const float line = ImGui::GetTextLineHeight();
  const float left = origin.x + ImGui::CalcTextSize("0.000").x + line + 8;  // tick labels + rotated axis title
  const float right = origin.x + size.x - 8;
  const float top = origin.y + line + 6;                                   // title and legend
  const float bottom = origin.y + size.y - 2 * line - 6;                   // tick labels + axis title
  if (right - left < 40 || bottom - top < 30) return;

  std::vector<double> xs{0.0, o.x_min_span}, ys;
  for (const auto& s : series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  const int x_ticks = std::max(2, static_cast<int>((right - left) / 70));
  const int y_ticks = std::max(2, static_cast<int>((bottom - top) / (2.2f * line)));
  const AxisRange xr = nice_range(data_range(xs, 0.0), x_ticks);
  AxisRange yr = o.fixed_y ? AxisRange{o.y_min, o.y_max} : nice_range(data_range(ys, 0.05), y_ticks);
  yr = {std::max(yr.min, o.y_floor), std::min(yr.max, o.y_ceil)};
  if (yr.max <= yr.min) yr = {yr.min, yr.min + 1};
  const AxisMap mx{xr, left, right}, my{yr, bottom, top};

  const ImU32 grid = IM_COL32(70, 70, 80, 255), text = IM_COL32(200, 200, 200, 255);
  draw->AddText({left, origin.y}, IM_COL32(240, 240, 240, 255), o.title);
  const double x_step = tick_step(xr, x_ticks), y_step = tick_step(yr, y_ticks);
  for (double v : ticks(xr, x_ticks)) {
    const float x = mx(v);
    draw->AddLine({x, top}, {x, bottom}, grid);
    const std::string label = tick_label(v, x_step);
    draw->AddText({x - ImGui::CalcTextSize(label.c_str()).x / 2, bottom + 2}, text, label.c_str());
  }
  for (double v : ticks(yr, y_ticks)) {
    const float y = my(v);
    draw->AddLine({left, y}, {right, y}, grid);
    const std::string label = tick_label(v, y_step);
    draw->AddText({left - ImGui::CalcTextSize(label.c_str()).x - 4, y - line / 2}, text, label.c_str());
  }
  draw->AddRect({left, top}, {right, bottom}, IM_COL32(120, 120, 130, 255));
  const ImVec2 x_label_size = ImGui::CalcTextSize(o.x_label);
  draw->AddText({(left + right - x_label_size.x) / 2, bottom + line + 4}, text, o.x_label);
  vertical_text(draw, {origin.x, (top + bottom) / 2}, text, o.y_label);

  // The legend goes on the title line, right-aligned: never over the curves.
  float legend_x = right;
  for (auto it = series.rbegin(); series.size() > 1 && it != series.rend(); ++it) {
    legend_x -= ImGui::CalcTextSize(it->name).x;
    draw->AddText({legend_x, origin.y}, it->color, it->name);
    legend_x -= line * 0.6f;
    draw->AddLine({legend_x, origin.y + line / 2}, {legend_x + line * 0.45f, origin.y + line / 2}, it->color, 2.0f);
    legend_x -= line * 0.6f;
  }
  draw->PushClipRect({left, top}, {right + 1, bottom + 1}, true);
  for (const PlotSeries& s : series) {
    std::vector<ImVec2> points;
    points.reserve(s.x.size());
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (std::isfinite(s.y[i])) points.push_back({mx(s.x[i]), my(s.y[i])});
    if (points.size() == 1) draw->AddCircleFilled(points[0], 3, s.color);
    else if (points.size() > 1) draw->AddPolyline(points.data(), static_cast<int>(points.size()), s.color, 0, 2.0f);
  }
  draw->PopClipRect();
}

ImU32 color_for_share(float share) {
  share = std::clamp(share, 0.0f, 1.0f);
  const auto mix = [share](float a, float b) { return static_cast<int>(a + (b - a) * std::sqrt(share)); };
  return IM_COL32(mix(25, 250), mix(30, 220), mix(70, 60), 255);
}

// A count as it fits a cell: all its digits, else 1.1k.
std::string compact_count(int n) {
  if (n < 1000) return std::to_string(n);
  char text[16];
  std::snprintf(text, sizeof text, "%.1fk", n / 1000.0);
  return text;
}

void confusion_heat_map(const std::array<std::array<int, kClasses>, kClasses>& confusion, float cell, ImFont* small) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float label_w = line * 1.2f;
  const ImVec2 grid0{origin.x + label_w, origin.y + line + 4};
  const ImU32 text = IM_COL32(220, 220, 220, 255);
  draw->AddText({grid0.x, origin.y}, text, "predicted ->");
  for (int p = 0; p < kClasses; ++p)
    draw->AddText({grid0.x + p * cell + (cell - ImGui::CalcTextSize("0").x) / 2, grid0.y + kClasses * cell + 2}, text,
                  std::to_string(p).c_str());
  // Every count in its cell: in the body font when it fits, else the small
  // one, else shortened (1.1k). Dark ink on bright cells, light on dark.
  const float small_scale = small->FontSize / ImGui::GetFont()->FontSize;
  for (int t = 0; t < kClasses; ++t) {
    int row_total = 0;
    for (int p = 0; p < kClasses; ++p) row_total += confusion[t][p];
    draw->AddText({origin.x + 2, grid0.y + t * cell + (cell - line) / 2}, text, std::to_string(t).c_str());
    for (int p = 0; p < kClasses; ++p) {
      const float share = row_total ? float(confusion[t][p]) / float(row_total) : 0.0f;
      const ImVec2 a{grid0.x + p * cell, grid0.y + t * cell};
      draw->AddRectFilled(a, {a.x + cell - 1, a.y + cell - 1}, color_for_share(share));
      if (confusion[t][p] == 0) continue;
      const ImU32 ink = share > 0.3f ? IM_COL32(10, 10, 10, 255) : IM_COL32(235, 235, 235, 255);
      const std::string full = std::to_string(confusion[t][p]);
      const float room = cell - 3;
      const float w = ImGui::CalcTextSize(full.c_str()).x;
      if (w <= room && line <= room) {
        draw->AddText({a.x + (cell - 1 - w) / 2, a.y + (cell - 1 - line) / 2}, ink, full.c_str());
        continue;
      }
      std::string shown = full;
      float sw = w * small_scale;
      if (sw > room) {
        shown = compact_count(confusion[t][p]);
        sw = ImGui::CalcTextSize(shown.c_str()).x * small_scale;
      }
      const float sh = line * small_scale;
      draw->AddText(small, small->FontSize * ImGui::GetIO().FontGlobalScale, {a.x + (cell - 1 - sw) / 2, a.y + (cell - 1 - sh) / 2},
                    ink, shown.c_str());
    }
    char accuracy[24];
    std::snprintf(accuracy, sizeof accuracy, "%5.1f%%", row_total ? 100.0 * confusion[t][t] / row_total : 0.0);
    draw->AddText({grid0.x + kClasses * cell + 6, grid0.y + t * cell + (cell - line) / 2}, text, accuracy);
  }
  draw->AddText({grid0.x + kClasses * cell + 6, origin.y}, text, "class acc.");
  // The colour scale, explained under the matrix.
  const float scale_y = grid0.y + kClasses * cell + line + 6;
  const float scale_w = kClasses * cell;
  draw->AddText({origin.x, scale_y}, text, "share of the row:");
  const float bar_x = origin.x + ImGui::CalcTextSize("share of the row: ").x;
  const float bar_w = std::max(40.0f, std::min(scale_w * 0.6f, ImGui::GetContentRegionAvail().x - (bar_x - origin.x) - ImGui::CalcTextSize(" 0% 100%").x));
  draw->AddText({bar_x, scale_y}, text, "0%");
  const float g0 = bar_x + ImGui::CalcTextSize("0% ").x;
  constexpr int kSteps = 24;
  for (int i = 0; i < kSteps; ++i)
    draw->AddRectFilled({g0 + bar_w * i / kSteps, scale_y + 2}, {g0 + bar_w * (i + 1) / kSteps + 1, scale_y + line - 2},
                        color_for_share(float(i) / (kSteps - 1)));
  draw->AddText({g0 + bar_w + 4, scale_y}, text, "100%");
  ImGui::Dummy({label_w + kClasses * cell + ImGui::CalcTextSize(" 100.0% class").x, scale_y + line + 2 - origin.y});
}

void note_clickable(AppState& app, const char* name) {
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  app.clickables[name] = {min.x, min.y, max.x - min.x, max.y - min.y};
}

bool clickable(AppState& app, const char* name, const char* label) {
  const bool pressed = ImGui::Button(label);
  note_clickable(app, name);
  return pressed;
}

void section_title(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", text);
  ImGui::Separator();
}

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  item_tooltip(text);
}

void item_tooltip(const char* text) {
  if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
  if (finger_pointer && !ImGui::GetIO().MouseDown[0]) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

std::string number_or_dash(bool known, const char* format, double value) {
  if (!known || !std::isfinite(value)) return "-";
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

namespace {

// What the tooltip says: the table's help, then the range and unit.
std::string setting_tooltip(const SettingInfo& s) {
  std::string text = s.help;
  if (s.kind == SettingKind::number || s.kind == SettingKind::integer) {
    text += "\nRange: " + number_text(s.min) + " to " + number_text(s.max);
    if (*s.unit) text += std::string(" ") + s.unit;
    text += s.log_scale ? " (the slider is logarithmic)." : ".";
  } else if (s.kind == SettingKind::choice) {
    text += "\nChoices:";
    for (const std::string& c : s.choices) text += " " + c;
    text += ".";
  }
  return text + "\nCtrl+click a slider to type a value.";
}

}  // namespace

bool slider_float(const char* label, float* value, float min, float max, const char* format, float width) {
  ImGui::PushID(label);
  ImGui::SetNextItemWidth(width);
  const bool changed = ImGui::SliderFloat("##slider", value, min, max, "", ImGuiSliderFlags_AlwaysClamp);
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::Text(format, *value);
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::TextUnformatted(label);
  ImGui::PopID();
  return changed;
}

bool slider_int(const char* label, int* value, int min, int max, float width) {
  ImGui::PushID(label);
  ImGui::SetNextItemWidth(width);
  const bool changed = ImGui::SliderInt("##slider", value, min, max, "", ImGuiSliderFlags_AlwaysClamp);
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::Text("%d %s", *value, label);
  ImGui::PopID();
  return changed;
}

bool setting_control(AppState& app, const SettingInfo& info, Hyperparameters& hyper, float label_width) {
  const std::string tooltip = setting_tooltip(info);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(info.label);
  item_tooltip(tooltip.c_str());
  const bool stacked = label_width <= 0;  // narrow panel: the control goes under its label
  if (!stacked) ImGui::SameLine(label_width);
  ImGui::PushID(info.name);
  const float value_w = ImGui::CalcTextSize("0.000001 samples").x;
  const float width = std::max(ImGui::GetFontSize() * 5, ImGui::GetContentRegionAvail().x - value_w);
  bool changed = false;
  try {
    switch (info.kind) {
      case SettingKind::choice: {
        const std::string current = setting_text(hyper, info.name);
        ImGui::SetNextItemWidth(width);
        if (ImGui::BeginCombo("##value", current.c_str())) {
          for (const std::string& choice : info.choices)
            if (ImGui::Selectable(choice.c_str(), choice == current) && choice != current) {
              set_setting(hyper, info.name, choice);
              changed = true;
            }
          ImGui::EndCombo();
        }
        break;
      }
      case SettingKind::flag: {
        bool on = setting_number(hyper, info.name) != 0;
        if (ImGui::Checkbox(on ? "on##value" : "off##value", &on)) {
          set_setting(hyper, info.name, on ? 1.0 : 0.0);
          changed = true;
        }
        break;
      }
      case SettingKind::number:
      case SettingKind::integer: {
        // No text on the slider: ImGui centres it under the handle. The
        // value and its unit stand beside it instead.
        ImGui::SetNextItemWidth(width);
        const bool log = info.log_scale || (info.kind == SettingKind::integer && info.max / std::max(1.0, info.min) >= 100);
        const ImGuiSliderFlags flags = (log ? ImGuiSliderFlags_Logarithmic : 0) | ImGuiSliderFlags_AlwaysClamp;
        double value = setting_number(hyper, info.name);
        if (info.kind == SettingKind::integer) {
          int v = static_cast<int>(value);
          changed = ImGui::SliderInt("##value", &v, static_cast<int>(info.min), static_cast<int>(info.max), "", flags);
          value = v;
        } else {
          float v = static_cast<float>(value);
          changed = ImGui::SliderFloat("##value", &v, static_cast<float>(info.min), static_cast<float>(info.max), "", flags);
          value = changed ? slider_value(v, info.min, info.max) : v;
        }
        note_clickable(app, (std::string("setting_") + info.name).c_str());
        item_tooltip(tooltip.c_str());
        if (changed) set_setting(hyper, info.name, value);
        ImGui::SameLine();
        ImGui::Text("%s%s%s", setting_text(hyper, info.name).c_str(), *info.unit ? " " : "", info.unit);
        break;
      }
    }
  } catch (const std::exception& e) {
    app.log.add(e.what());
    changed = false;
  }
  if (info.kind != SettingKind::number && info.kind != SettingKind::integer) item_tooltip(tooltip.c_str());
  ImGui::PopID();
  return changed;
}

}  // namespace digitlab::gui
