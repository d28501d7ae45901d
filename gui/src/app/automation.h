// Everything automation reads or drives, in one place: the state report
// (the browser's digitlab_state_json, the desktop's --autotest file) and the
// desktop's --autotest run. There is no ImGui test engine in Debian, so
// tests click real buttons at the places the report gives (widgets.h's
// clickable()).
#pragma once
#include "app/app_state.h"
#include "logic/status_report.h"

namespace digitlab::gui {

StatusReport make_report(const AppState& app);

// --autotest: draws a 7 and trains, or carries on a kept session if one is
// offered; once kAutotestSamples more samples are trained and
// kAutotestFrames frames drawn while training, evaluates; once that
// evaluation is in, writes the state, keeps the window up kAutotestShowS
// seconds (for a screenshot) and quits (returns false then). What ends the
// run is what happened, not the clock: a slow machine takes longer. The
// --autotest seconds only bound a run that gets nowhere: it writes what it
// has then, and the checks say what is missing.
constexpr std::uint64_t kAutotestSamples = 19200;  // 300 batches of 64
constexpr std::size_t kAutotestFrames = 300;
constexpr double kAutotestShowS = 3;
// Once a frame: --autotest's run, or (--state-out without it) the state
// rewritten for a test that drives the window with real input. False: quit.
bool automation_tick(AppState& app);

}  // namespace digitlab::gui
