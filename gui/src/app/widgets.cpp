#include "app/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "logic/plot_scale.h"

namespace digitlab::gui {

bool begin_panel(const char* title, const Rect& rect) {
  ImGui::SetNextWindowPos({rect.x, rect.y}, ImGuiCond_Always);
  ImGui::SetNextWindowSize({rect.w, rect.h}, ImGuiCond_Always);
  // No background: the panels tile the window, so the cleared frame is their
  // background. Filling them again would double the pixels a software
  // renderer shades per frame.
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground;
  // A thin frame per panel, behind all windows so popups cover it.
  ImGui::GetBackgroundDrawList()->AddRect({rect.x, rect.y}, {rect.right(), rect.bottom()},
                                          ImGui::GetColorU32(ImGuiCol_Border));
  return ImGui::Begin(title, nullptr, kFlags);
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

void line_plot(const PlotOptions& o, const std::vector<PlotSeries>& series, ImVec2 size) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const float line = ImGui::GetTextLineHeight();
  const float left = origin.x + ImGui::CalcTextSize("0.000").x + line + 8;  // tick labels + rotated axis title
  const float right = origin.x + size.x - 8;
  const float top = origin.y + line + 6;                                   // title
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
  // ImGui draws no rotated text; a short vertical title reads well enough stacked.
  float y = (top + bottom) / 2 - line * 0.5f * static_cast<float>(std::strlen(o.y_label));
  for (const char* c = o.y_label; *c; ++c, y += line) draw->AddText({origin.x, y}, text, c, c + 1);

  draw->PushClipRect({left, top}, {right + 1, bottom + 1}, true);
  float legend_x = right - 4;
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    const PlotSeries& s = *it;
    std::vector<ImVec2> points;
    points.reserve(s.x.size());
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (std::isfinite(s.y[i])) points.push_back({mx(s.x[i]), my(s.y[i])});
    if (points.size() == 1) draw->AddCircleFilled(points[0], 3, s.color);
    else if (points.size() > 1) draw->AddPolyline(points.data(), static_cast<int>(points.size()), s.color, 0, 2.0f);
    // Legend, right-aligned inside the plot's top edge.
    legend_x -= ImGui::CalcTextSize(s.name).x;
    draw->AddText({legend_x, top + 2}, s.color, s.name);
    legend_x -= 12;
  }
  draw->PopClipRect();
}

ImU32 color_for_share(float share) {
  share = std::clamp(share, 0.0f, 1.0f);
  const auto mix = [share](float a, float b) { return static_cast<int>(a + (b - a) * std::sqrt(share)); };
  return IM_COL32(mix(25, 250), mix(30, 220), mix(70, 60), 255);
}

void confusion_heat_map(const std::array<std::array<int, kClasses>, kClasses>& confusion, float cell) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float label_w = line * 1.2f;
  const ImVec2 grid0{origin.x + label_w, origin.y + line + 4};
  const ImU32 text = IM_COL32(220, 220, 220, 255);
  draw->AddText({grid0.x, origin.y}, text, "predicted ->");
  for (int t = 0; t < kClasses; ++t) {
    int row_total = 0;
    for (int p = 0; p < kClasses; ++p) row_total += confusion[t][p];
    draw->AddText({origin.x + 2, grid0.y + t * cell + (cell - line) / 2}, text, std::to_string(t).c_str());
    for (int p = 0; p < kClasses; ++p) {
      const float share = row_total ? float(confusion[t][p]) / float(row_total) : 0.0f;
      const ImVec2 a{grid0.x + p * cell, grid0.y + t * cell};
      draw->AddRectFilled(a, {a.x + cell - 1, a.y + cell - 1}, color_for_share(share));
      if (confusion[t][p] > 0 && cell >= line * 1.6f) {
        const std::string n = std::to_string(confusion[t][p]);
        const ImU32 ink = share > 0.5f ? IM_COL32(20, 20, 20, 255) : IM_COL32(230, 230, 230, 255);
        const float w = ImGui::CalcTextSize(n.c_str()).x;
        if (w < cell - 2) draw->AddText({a.x + (cell - w) / 2, a.y + (cell - line) / 2}, ink, n.c_str());
      }
    }
    char accuracy[24];
    std::snprintf(accuracy, sizeof accuracy, "%5.1f%%", row_total ? 100.0 * confusion[t][t] / row_total : 0.0);
    draw->AddText({grid0.x + kClasses * cell + 6, grid0.y + t * cell + (cell - line) / 2}, text, accuracy);
  }
  draw->AddText({grid0.x + kClasses * cell + 6, origin.y}, text, "class acc.");
  ImGui::Dummy({label_w + kClasses * cell + ImGui::CalcTextSize(" 100.0% class").x, line + 4 + kClasses * cell});
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
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

}  // namespace digitlab::gui
