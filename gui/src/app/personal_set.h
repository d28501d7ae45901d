// The personal set ("Train on it", "Add to personal set") survives a reload
// or a restart: kept with platform/storage.h under the name "personal-set"
// (IndexedDB in the browser, a file on the desktop) in core's format
// (encode_personal_set), read once at start and handed to the trainer, and
// written again whenever the trainer's set changes, cleared included.
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

void start_personal_set(AppState& app);  // after the trainer exists
void personal_set_tick(AppState& app);   // once per frame, after the progress is refreshed

}  // namespace digitlab::gui
