// The app's life cycle, the same in both builds: main.cpp opens the window,
// calls app_init once and app_frame once per displayed frame.
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

// Creates the trainer (local IDX data, or a server-fed sample cache) and
// starts talking to the server. Problems become messages, never a crash:
// the pad works even without data or server.
void app_init(AppState& app, LaunchOptions options);

// One frame: network callbacks, data feed, a training slice when training
// runs on this thread, then every window. Returns false to quit (autotest).
bool app_frame(AppState& app);

}  // namespace digitlab::gui
