// The bottom line: where data comes from, how full the cache is, where
// training runs, how smooth the frames are, and the latest message.
#include <algorithm>

#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {
namespace {

void refresh_frame_summary(AppState& app) {
  if (!app.live_tick) return;
  const double now = now_seconds();
  const std::uint64_t drawn = frames_rendered();
  app.shown_frames = app.frame_interval.summary();
  if (app.last_summary_at > 0) app.drawn_per_s = double(drawn - app.drawn_at_last_summary) / (now - app.last_summary_at);
  app.drawn_at_last_summary = drawn;
  app.last_summary_at = now;
}

}  // namespace

void status_bar(AppState& app) {
  const Rect& r = app.layout.status;
  ImGui::SetNextWindowPos({r.x, r.y}, ImGuiCond_Always);
  ImGui::SetNextWindowSize({r.w, r.h}, ImGuiCond_Always);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {8, 4});
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse |
                                      ImGuiWindowFlags_NoBackground;
  if (ImGui::Begin("##status", nullptr, kFlags)) {
    ImGui::TextUnformatted(app.data.source.c_str());
    if (app.data.cache && app.http) {
      ImGui::SameLine();
      const float fill = float(app.data.cache->size()) / float(std::max<std::size_t>(1, app.data.cache->capacity()));
      char overlay[48];
      std::snprintf(overlay, sizeof overlay, "cache %zu/%zu", app.data.cache->size(), app.data.cache->capacity());
      ImGui::ProgressBar(fill, {ImGui::GetFontSize() * 9, 0}, overlay);
      if (app.data.test_loading.size() > 0) {
        ImGui::SameLine();
        ImGui::Text("test set %zu/%zu", app.data.test_loading.size(), app.data.test_size);
      }
    }
    ImGui::SameLine();
    if (app.threaded) ImGui::TextUnformatted("| training thread");
    else ImGui::TextColored({1, 0.75f, 0.3f, 1}, "| not cross-origin isolated: training in main-loop slices");
    refresh_frame_summary(app);
    ImGui::SameLine();
    ImGui::Text("| frame p50 %.1f ms, p95 %.1f ms, %.0f drawn/s", app.shown_frames.p50_ms, app.shown_frames.p95_ms,
                app.drawn_per_s);
    if (!app.log.lines().empty()) {
      ImGui::SameLine();
      ImGui::TextDisabled("| %s", app.log.lines().back().c_str());
      if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        for (const std::string& line : app.log.latest(12)) ImGui::TextUnformatted(line.c_str());
        ImGui::EndTooltip();
      }
    }
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

}  // namespace digitlab::gui
