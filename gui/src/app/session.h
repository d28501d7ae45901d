// Nothing lost on reload: the weights, the settings and the run with its
// curves are kept (platform/storage.h, name "session") every few seconds
// while they change and when the user leaves; the next start offers to
// continue. Leaving while a run goes on asks first.
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

void start_session(AppState& app);      // at start: read what was kept, hook the page's leaving
void session_tick(AppState& app);       // once per frame: periodic saves, the leave warning
void save_session_now(AppState& app);   // leaving, or the autotest's end
void continue_session(AppState& app);   // the user chose Continue
void discard_session(AppState& app);    // the user chose Start fresh
void session_windows(AppState& app);    // the offer to continue, the desktop's quit question

}  // namespace digitlab::gui
