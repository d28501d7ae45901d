#include "platform/automation.h"

namespace digitlab::gui {

// The desktop has no page to export to: --autotest writes the state itself.
void expose_state_json(std::function<std::string()>) {}

}  // namespace digitlab::gui
