// Lets a test read the app's state (status_json): the browser build exports
// digitlab_state_json() for Module.ccall; the desktop build has --autotest,
// which writes the same JSON to a file (app/automation.cpp).
#pragma once
#include <functional>
#include <string>

namespace digitlab::gui {

void expose_state_json(std::function<std::string()> state);

}  // namespace digitlab::gui
