// Keyboard shortcuts, while no text field has the keyboard: Ctrl+Z takes
// back the last stroke, Esc or Delete clear the pad, Space starts, pauses
// or resumes training, a digit key sets the teaching label. The buttons'
// tooltips name them (kShortcut* below).
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

constexpr const char* kShortcutUndo = "Ctrl+Z";
constexpr const char* kShortcutClear = "Esc or Delete";
constexpr const char* kShortcutTrain = "Space";
constexpr const char* kShortcutLabel = "keys 0-9";

void keyboard_shortcuts(AppState& app);

// Start, pause or resume: what the Space key and the run buttons do.
void toggle_training(AppState& app);

}  // namespace digitlab::gui
