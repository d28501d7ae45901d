// The bottom line: where data comes from and how much has been downloaded,
// where training runs, how smooth the frames are (when asked for), and the
// latest message. Items flow onto a second line when the window is narrow;
// on a phone the message comes first, whole, on lines of its own (it was
// cut to "lr must be a num..." under four lines of frame timings).
#include <algorithm>
#include <cmath>

#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {
namespace {

constexpr float kPadX = 8, kPadY = 4;
// Compact lines even on a touch screen: nothing here is a target but the
// message's tooltip.
const ImVec2 kFramePadding{4, 1}, kItemSpacing{8, 3};

struct Item {
  std::string text;
  ImVec4 color{0.86f, 0.86f, 0.86f, 1};
  float bar = -1;  // >= 0: a progress bar with this fill and `text` on it
};

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", bytes / 1e6);
  return text;
}

std::vector<Item> status_items(const AppState& app) {
  std::vector<Item> items;
  items.push_back({app.data.source});
  if (app.data.cache && app.http) {
    const std::size_t size = app.data.cache->size(), capacity = std::max<std::size_t>(1, app.data.cache->capacity());
    if (app.data.fed.training_started || app.data.fed.teaching_asked)
      items.push_back({"training data " + std::to_string(size) + "/" + std::to_string(capacity), {}, float(size) / capacity});
    else
      items.push_back({"training data: fetched when you train or teach", {0.6f, 0.6f, 0.6f, 1}});
    if (app.data.test_loading.size() > 0)
      items.push_back({"test set " + std::to_string(app.data.test_loading.size()) + "/" + std::to_string(app.data.test_size)});
  }
  if (app.http) items.push_back({megabytes(bytes_downloaded()) + " downloaded"});
  if (app.threaded) items.push_back({"training thread"});
  else items.push_back({"not cross-origin isolated: training in main-loop slices", {1, 0.75f, 0.3f, 1}});
  if (app.show_frame_timings) {
    char frames[96];
    std::snprintf(frames, sizeof frames, "frame p50 %.1f ms, p95 %.1f ms, %.0f drawn/s", app.shown_frames.p50_ms,
                  app.shown_frames.p95_ms, app.drawn_per_s);
    items.push_back({frames});
  }
  return items;
}

// Narrow (a phone): the latest message first, wrapped, at most kMessageLines.
constexpr int kMessageLines = 3;
bool message_first(float width) { return width < ImGui::GetFontSize() * 36; }

// The latest message wrapped to `width`, cut (with "...") only past kMessageLines.
std::string message_text(const AppState& app, float width, int* lines) {
  std::string text = app.log.lines().empty() ? std::string() : app.log.lines().back();
  const auto lines_of = [&](const std::string& t) {
    return static_cast<int>(std::ceil(ImGui::CalcTextSize(t.c_str(), nullptr, false, width).y / ImGui::GetFontSize() - 0.01f));
  };
  if (lines_of(text) > kMessageLines) {
    do text.pop_back();
    while (!text.empty() && lines_of(text + "...") > kMessageLines);
    text += "...";
  }
  *lines = text.empty() ? 0 : std::max(1, lines_of(text));
  return text;
}

float item_width(const Item& item) {
  const float text = ImGui::CalcTextSize(item.text.c_str()).x;
  return item.bar >= 0 ? text + kFramePadding.x * 2 + 8 : text;
}

// Lines the items take at this width, with a share kept for the message
// after them or not (it came first, on lines of its own).
int count_lines(const std::vector<Item>& items, float width, bool message_after) {
  const float gap = ImGui::CalcTextSize(" | ").x;
  int lines = 1;
  float x = 0;
  for (const Item& item : items) {
    const float w = item_width(item);
    if (x > 0 && x + gap + w > width) {
      ++lines;
      x = 0;
    }
    x += (x > 0 ? gap : 0) + w;
  }
  // The latest message needs a third of a line at least.
  if (message_after && x + gap + width / 3 > width) ++lines;
  return lines;
}

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

float status_height(const AppState& app, float width) {
  const float inner = width - 2 * kPadX;
  const std::vector<Item> items = status_items(app);
  const float line = ImGui::GetFontSize() + 2 * kFramePadding.y + kItemSpacing.y;
  if (!message_first(inner)) return std::ceil(count_lines(items, inner, true) * line + 2 * kPadY);
  int message_lines = 0;
  message_text(app, inner, &message_lines);
  const float message = message_lines * ImGui::GetFontSize() + (message_lines > 0 ? kItemSpacing.y : 0);
  return std::ceil(message + count_lines(items, inner, false) * line + 2 * kPadY);
}

void status_bar(AppState& app) {
  refresh_frame_summary(app);
  const Rect& r = app.layout.status;
  ImGui::SetNextWindowPos({r.x, r.y}, ImGuiCond_Always);
  ImGui::SetNextWindowSize({r.w, r.h}, ImGuiCond_Always);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {kPadX, kPadY});
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, kFramePadding);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, kItemSpacing);
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse |
                                      ImGuiWindowFlags_NoBackground;
  if (ImGui::Begin("##status", nullptr, kFlags)) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ImGui::CalcTextSize(" | ").x;
    const bool first = message_first(width);
    if (first && !app.log.lines().empty()) {
      int lines = 0;
      const std::string text = message_text(app, width, &lines);
      app.status_shown = text;
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(text.c_str());
      ImGui::PopTextWrapPos();
    }
    float x = 0;
    const auto place = [&](float w) {
      if (x > 0 && x + gap + w <= width) {
        ImGui::SameLine();
        ImGui::TextDisabled("|");
        ImGui::SameLine();
        x += gap;
      } else if (x > 0) {
        x = 0;
      }
      x += w;
    };
    for (const Item& item : status_items(app)) {
      place(item_width(item));
      ImGui::AlignTextToFramePadding();
      if (item.bar >= 0) ImGui::ProgressBar(item.bar, {item_width(item), 0}, item.text.c_str());
      else ImGui::TextColored(item.color, "%s", item.text.c_str());
    }
    if (!first && !app.log.lines().empty()) {
      // The latest message in what is left of the line; all recent ones on hover.
      const float left = x > 0 ? width - x - gap : width;
      place(std::max(left, width / 3));
      const float room = x == 0 ? width : std::max(left, width / 3);
      std::string text = app.log.lines().back();
      if (ImGui::CalcTextSize(text.c_str()).x > room) {
        do text.pop_back();
        while (!text.empty() && ImGui::CalcTextSize((text + "...").c_str()).x > room);
        text += "...";
      }
      app.status_shown = text;
      ImGui::TextDisabled("%s", text.c_str());
      if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        for (const std::string& line : app.log.latest(12)) ImGui::TextUnformatted(line.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
    }
  }
  ImGui::End();
  ImGui::PopStyleVar(3);
}

}  // namespace digitlab::gui
