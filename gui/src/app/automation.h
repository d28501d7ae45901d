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

// --autotest: draw a 7, train, continue a saved session if one is offered,
// and after the given time write the state and quit (returns false then).
bool autotest_tick(AppState& app);

}  // namespace digitlab::gui
