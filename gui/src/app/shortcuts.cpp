#include "app/shortcuts.h"

#include <imgui.h>

#include "app/data_feed.h"
#include "app/undo.h"

namespace digitlab::gui {

void toggle_training(AppState& app) {
  const RunState state = app.progress->state;
  if (state == RunState::running) return app.trainer->pause();
  if (state == RunState::paused) return app.trainer->resume();
  start_run(app);
}

void keyboard_shortcuts(AppState& app) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || app.session.offer) return;
  PadView& pad = app.pad;
  const auto pressed = [](ImGuiKey key, bool repeat) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat); };
  if (io.KeyCtrl && pressed(ImGuiKey_Z, true)) undo_last(app);
  if (!io.KeyCtrl && (pressed(ImGuiKey_Escape, false) || pressed(ImGuiKey_Delete, false))) pad.pad.clear();
  // Space would also press a focused button: only when no widget is active.
  if (pressed(ImGuiKey_Space, false) && !ImGui::IsAnyItemActive()) toggle_training(app);
  // Digits as typed characters: ImGui 1.86 has no key codes for them, and
  // the typed character is the same on every keyboard layout.
  if (io.KeyCtrl) return;
  for (const ImWchar c : io.InputQueueCharacters)
    if (c >= '0' && c <= '9') pad.teach_label = c - '0';
}

}  // namespace digitlab::gui
