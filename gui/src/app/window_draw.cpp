// The drawing pad: draw with a soft round brush, see what the net sees and
// its guess, and teach it your handwriting.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui_internal.h>

#include "app/data_feed.h"
#include "app/shortcuts.h"
#include "app/undo.h"
#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {
namespace {

// Whether the pad's window is what shows at (x, y): inside its clip (a
// panel scrolls the pad partly out of view) and under no other window (a
// question over the middle of the screen, a popup). Dear ImGui decides this
// for the mouse position of the frame only; a press sample may be older.
bool pad_shows_at(float x, float y) {
  const ImVec2 p{x, y};
  ImGuiWindow* pad_window = ImGui::GetCurrentWindow();
  if (!pad_window->ClipRect.Contains(p)) return false;
  const ImVector<ImGuiWindow*>& windows = ImGui::GetCurrentContext()->Windows;  // back to front
  for (int i = windows.Size - 1; i >= 0 && windows[i] != pad_window; --i) {
    const ImGuiWindow* w = windows[i];
    if ((w->Active || w->WasActive) && !w->Hidden && !(w->Flags & ImGuiWindowFlags_Tooltip) && w->Rect().Contains(p))
      return false;
  }
  return true;
}

// The pad itself: strokes from every pointer sample of the frame
// (StrokeInput), and an invisible button that keeps a drag on the pad from
// reaching anything else (scrolling its panel, say).
void pad_canvas(AppState& app, float side) {
  PadView& pad = app.pad;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("pad", {side, side});
  const Rect rect{origin.x, origin.y, side, side};
  pad.strokes_in.feed(app.pointer, rect, pad_shows_at, pad.pad, pad.brush_radius);

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 end{origin.x + side, origin.y + side};
  if (!pad.pad_image.empty()) draw->AddImage(pad.pad_image.id(), origin, end);
  draw->AddRect(origin, end, ImGui::IsItemHovered() ? IM_COL32(255, 196, 64, 255) : IM_COL32(110, 110, 120, 255));
  if (pad.pad.empty())
    draw->AddText({origin.x + 8, origin.y + 6}, IM_COL32(150, 150, 150, 255), "draw a digit here");
  else if (pad.input.status == InputStatus::too_small)
    draw->AddText({origin.x + 8, origin.y + 6}, IM_COL32(255, 196, 64, 255), input_status_message(pad.input.status));
  pad.rect = rect;
}

// The 28x28 input with the top guess large beside it (`image_side` px), and
// then (with_bars) all ten probabilities in `width`.
void prediction_column(AppState& app, float width, float image_side, bool with_bars) {
  PadView& pad = app.pad;
  ImGui::TextUnformatted("The net sees");
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(p, {p.x + image_side, p.y + image_side}, IM_COL32(0, 0, 0, 255));
  if (pad.input.ready() && !pad.input_image.empty()) draw->AddImage(pad.input_image.id(), p, {p.x + image_side, p.y + image_side});
  draw->AddRect(p, {p.x + image_side, p.y + image_side}, IM_COL32(110, 110, 120, 255));
  ImGui::Dummy({image_side, image_side});
  if (!pad.input.ready()) {
    ImGui::TextDisabled("No guess:");
    ImGui::TextDisabled("%s.", input_status_message(pad.input.status));
    return;
  }
  const Reading& reading = pad.reading;
  if (reading.guess < 0) return;  // no weights yet
  ImGui::SameLine();
  ImGui::BeginGroup();
  if (reading.unsure) {
    // A scribble, a letter, several digits: no big answer, the top guess small.
    ImGui::TextColored({1.0f, 0.77f, 0.25f, 1.0f}, "not sure");
    item_tooltip("The net gives no digit more than half its belief: this may be no digit at all.");
    ImGui::TextDisabled("maybe %d", reading.guess);  // narrow: the column beside the 28x28 image
    ImGui::TextDisabled("%.0f%%", 100 * reading.confidence);
  } else {
    // The guess fades with the net's confidence: a 55% guess looks less sure.
    ImGui::PushFont(app.fonts.large);
    ImGui::TextColored({1, 1, 1, 0.25f + 0.75f * reading.confidence}, "%d", reading.guess);
    ImGui::PopFont();
    ImGui::TextDisabled("%.0f%%", 100 * reading.confidence);
    item_tooltip("How sure the net is of its guess.");
  }
  ImGui::EndGroup();
  if (with_bars) probability_bars(reading.probs, reading.guess, width);
}

// Clear, undo and the brush, on one line.
void pad_buttons(AppState& app) {
  PadView& pad = app.pad;
  ImGui::BeginDisabled(pad.pad.empty());
  if (clickable(app, "clear", "Clear")) pad.pad.clear();
  item_tooltip((std::string("Empty the pad (") + kShortcutClear + ").").c_str());
  ImGui::SameLine();
  if (ImGui::Button("Undo stroke")) pad.pad.undo();
  item_tooltip((std::string("Take back the last stroke (") + kShortcutUndo + ").").c_str());
  ImGui::EndDisabled();
  ImGui::SameLine();
  slider_float("brush", &pad.brush_radius, 0.02f, 0.09f, "%.3f", ImGui::GetFontSize() * 5);
}

// What the last "Train on it" did, in the report's own plain words, coloured
// by how it went.
void teach_result(const TeachReport& report) {
  const ImVec4 good{0.45f, 0.85f, 0.45f, 1.0f}, doubtful{1.0f, 0.77f, 0.25f, 1.0f}, undone{1.0f, 0.45f, 0.4f, 1.0f};
  const ImVec4 color = !report.taught || report.restored ? undone : report.read_right_after() ? good : doubtful;
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextWrapped("%s", report.message.c_str());
  ImGui::PopStyleColor();
}

// A first visit has neither the test digits nor training samples: fetched
// when "Train on it" is pressed, a few seconds. While the server does not
// answer, the fetches retry and the person may give up: "Cancel" beside
// "Teaching...", the reason under it.
void teach_data_wait(AppState& app) {
  if (app.data.failures == 0) {
    ImGui::TextDisabled("fetching the digits teaching is checked with...");
    return;
  }
  ImGui::SameLine();
  if (clickable(app, "teach_cancel", "Cancel")) cancel_teach_wait(app);
  ImGui::PushStyleColor(ImGuiCol_Text, kWarningText);
  ImGui::TextWrapped("cannot fetch the digits teaching is checked with (%s); retrying", app.sync.last_error.c_str());
  ImGui::PopStyleColor();
}

void teach_controls(AppState& app) {
  PadView& pad = app.pad;
  const TrainerProgress& progress = *app.progress;
  section_title("Teach it your handwriting");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4);
  ImGui::Combo("true label", &pad.teach_label, "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9\0");
  item_tooltip((std::string("The digit you meant (") + kShortcutLabel + ").").c_str());
  ImGui::SameLine();
  const bool teaching = pad.teach_asked > progress.teachings;
  ImGui::BeginDisabled(!pad.input.ready() || teaching);
  if (clickable(app, "teach", teaching ? "Teaching..." : "Train on it")) {
    expect_teaching(app);
    teach_when_ready(app, pad.input.image, pad.teach_label);
    pad.teach_asked = progress.teachings + 1;
  }
  static const std::string teach_help = [] {
    char text[256];
    std::snprintf(text, sizeof text,
                  "Teach the net that this drawing is the true label: a few small steps mixed with training samples "
                  "and your personal set. If accuracy on %zu test digits falls by more than %g points, the previous "
                  "weights are kept.",
                  kValidationSamples, TeachSettings{}.max_drop * 100);
    return std::string(text);
  }();
  item_tooltip(teach_help.c_str());
  ImGui::EndDisabled();
  // A kept teaching is taken back beside the button that made it.
  if (!teaching && app.undo.newest() && app.undo.newest()->teaching) {
    ImGui::SameLine();
    undo_button(app, "undo_teaching", "Undo it");
  }
  if (teach_waiting(app)) teach_data_wait(app);
  if (progress.last_teach && !teaching) teach_result(*progress.last_teach);  // under the button that asked for it
  ImGui::BeginDisabled(!pad.input.ready() || teaching);
  // The personal set on a line of its own: the row fits a phone's panel.
  if (clickable(app, "personal_add", "Add to personal set")) app.trainer->add_personal(pad.input.image, pad.teach_label);
  item_tooltip("Keep this drawing: every training batch mixes in one drawing of your personal set.");
  ImGui::EndDisabled();
  const std::size_t personal = progress.personal ? progress.personal->size() : 0;
  ImGui::SameLine();
  ImGui::BeginDisabled(personal == 0);
  if (clickable(app, "personal_clear", "Clear set")) app.trainer->clear_personal();
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::TextDisabled("personal set: %zu", personal);
}

void model_line(AppState& app) {
  const bool trained = app.snapshot && app.snapshot->trained;
  if (!trained) {
    ImGui::TextColored(kWarningText, "Untrained weights: guesses are random. Train or pull a model.");
    return;
  }
  const SyncState& s = app.sync;
  if (s.known_version && s.known_model == s.model_name)
    ImGui::Text("Model: %s, %s %llu", s.model_name, s.changed ? "changed since server version" : "server version",
                (unsigned long long)*s.known_version);
  else ImGui::Text("Model: trained here (not on the server)");
}

}  // namespace

void draw_window(AppState& app) {
  if (begin_panel("Draw", app.layout[Panel::draw])) {
    const float line = ImGui::GetFrameHeightWithSpacing();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // A narrow, tall panel (a phone, the 800x600 window) puts the pad at full
    // width and the guess under it; otherwise the guess stands beside the pad.
    const bool stacked = avail.x < ImGui::GetFontSize() * 26 && avail.y > avail.x * 1.25f;
    if (!stacked) {
      const float column_w = std::max(130.0f, avail.x * 0.36f);
      const float side = std::max(120.0f, std::min(avail.x - column_w - ImGui::GetStyle().ItemSpacing.x,
                                                    avail.y - 6.4f * line));
      // Bigger on large screens, never more than half the column.
      const float image_side = std::min(column_w * 0.5f, std::max(28.0f * 2.5f, avail.y * 0.22f));
      ImGui::BeginGroup();
      pad_canvas(app, side);
      ImGui::EndGroup();
      ImGui::SameLine();
      ImGui::BeginGroup();
      prediction_column(app, column_w, image_side, true);
      ImGui::EndGroup();
      pad_buttons(app);
      model_line(app);
      teach_controls(app);
    } else {
      // What a person does with the pad stays on the first screen: Clear
      // right under it (where the finger is), the guess, and teaching with
      // its report ("Train on it" sat at y=948 on an 844 px phone, below ten
      // bars); the bars and the model line come after. The pad gives up
      // height for them where the panel is short.
      const float image_side = 28.0f * 2.5f;
      const float text_line = ImGui::GetTextLineHeightWithSpacing();
      // The pad's buttons, "The net sees" and its image, the teaching title,
      // its row and two lines of its report.
      const float first_screen = 2 * line + 4 * text_line + image_side + ImGui::GetStyle().ItemSpacing.y * 2;
      const float side = std::max(120.0f, std::min(avail.x, avail.y - first_screen));
      pad_canvas(app, side);
      pad_buttons(app);
      prediction_column(app, avail.x, image_side, false);
      teach_controls(app);
      if (app.pad.input.ready() && app.pad.reading.guess >= 0)
        probability_bars(app.pad.reading.probs, app.pad.reading.guess, avail.x);
      model_line(app);
    }
  }
  end_panel(app, Panel::draw);
}

}  // namespace digitlab::gui
