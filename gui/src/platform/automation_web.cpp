#include <emscripten.h>

#include "platform/automation.h"

namespace digitlab::gui {
namespace {
std::function<std::string()> state_json;
}  // namespace

void expose_state_json(std::function<std::string()> state) { state_json = std::move(state); }

}  // namespace digitlab::gui

// Module.ccall('digitlab_state_json', 'string'): the text lives until the next call.
extern "C" EMSCRIPTEN_KEEPALIVE const char* digitlab_state_json() {
  static std::string json;
  json = digitlab::gui::state_json ? digitlab::gui::state_json() : "null";
  return json.c_str();
}
