// The top of the screen: what DigitLab is and what to do first, in one
// sentence, and on smaller screens the tabs that lead to each panel.
#include <algorithm>

#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {
namespace {

constexpr const char* kAppName = "DigitLab";
constexpr const char* kGuide =
    "Draw a digit - the net reads it as you draw. Press Start training to watch it learn.";
constexpr ImGuiWindowFlags kBarFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse |
                                       ImGuiWindowFlags_NoBackground;
constexpr float kPadX = 8, kPadY = 4;

void tab_bar(AppState& app) {
  const Layout& l = app.layout;
  if (l.tabs.empty()) return;
  ImGui::SetNextWindowPos({l.tabs.x, l.tabs.y}, ImGuiCond_Always);
  ImGui::SetNextWindowSize({l.tabs.w, l.tabs.h}, ImGuiCond_Always);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {kPadX / 2, 3});
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, {4, 0});
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, {2, ImGui::GetStyle().FramePadding.y});
  if (ImGui::Begin("##tabs", nullptr, kBarFlags)) {
    int count = 0;
    for (int i = 0; i < kPanels; ++i) count += l.tabbed[i];
    const float w = std::floor((ImGui::GetContentRegionAvail().x - 4.0f * (count - 1)) / count);
    bool first = true;
    for (int i = 0; i < kPanels; ++i) {
      if (!l.tabbed[i]) continue;
      const Panel panel = static_cast<Panel>(i);
      if (!first) ImGui::SameLine();
      first = false;
      const bool chosen = l.shown(panel);
      ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(chosen ? ImGuiCol_TabActive : ImGuiCol_Tab));
      if (ImGui::Button(panel_title(panel), {w, l.tabs.h - 6})) app.page = panel;
      ImGui::PopStyleColor();
      note_clickable(app, (std::string("tab_page_") + panel_name(panel)).c_str());
    }
  }
  ImGui::End();
  ImGui::PopStyleVar(3);
}

}  // namespace

float title_height(float width) {
  const float text_w = ImGui::CalcTextSize(kAppName).x + ImGui::CalcTextSize("  ").x;
  const ImVec2 guide = ImGui::CalcTextSize(kGuide, nullptr, false, std::max(40.0f, width - 2 * kPadX - text_w));
  return std::ceil(std::max(guide.y, ImGui::GetTextLineHeight()) + 2 * kPadY + 2);
}

void title_bar(AppState& app) {
  const Rect& r = app.layout.title;
  ImGui::SetNextWindowPos({r.x, r.y}, ImGuiCond_Always);
  ImGui::SetNextWindowSize({r.w, r.h}, ImGuiCond_Always);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {kPadX, kPadY});
  if (ImGui::Begin("##title", nullptr, kBarFlags)) {
    ImGui::TextColored({1.0f, 0.77f, 0.25f, 1.0f}, "%s", kAppName);
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(kGuide);
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
  ImGui::PopStyleVar();
  tab_bar(app);
}

}  // namespace digitlab::gui
