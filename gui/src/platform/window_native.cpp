// The desktop's window: an OpenGL 3 context, a 60 Hz loop of our own, and a
// close button that asks first while a run is going (the app answers).
#include <SDL.h>

#include <chrono>
#include <thread>
#include <utility>

#include "platform/window.h"
#include "platform/window_backend.h"

namespace digitlab::gui {
namespace {
std::function<void()> leave_handler;
bool leave_warning = false;
bool close_requested = false;
std::vector<PointerSample> pointer_samples;  // since the last take_pointer_samples()
std::chrono::microseconds frame_period{16667};
}  // namespace

namespace backend {

const char* const kGlslVersion = "#version 130";
const char* const kFontPath = DIGITLAB_GUI_FONT;  // Debian's fonts-dejavu-core

void prepare_window(const WindowOptions& options) {
  frame_period = std::chrono::microseconds(static_cast<std::int64_t>(options.frame_ms * 1000.0));
  // 3.0 is what Mesa's software renderer under Xvfb offers; enough for ImGui.
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
}

void initial_size(int&, int&) {}
void install_page_hooks() {}

// The left button's presses and releases and every motion (a finger on a
// touch screen comes as these too: SDL's touch-to-mouse events).
void note_event(const SDL_Event& event) {
  switch (event.type) {
    case SDL_MOUSEMOTION:
      pointer_samples.push_back({float(event.motion.x), float(event.motion.y), (event.motion.state & SDL_BUTTON_LMASK) != 0});
      break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
      if (event.button.button == SDL_BUTTON_LEFT)
        pointer_samples.push_back({float(event.button.x), float(event.button.y), event.type == SDL_MOUSEBUTTONDOWN});
      break;
  }
}

void handle_quit(bool& quit) {
  if (leave_warning) close_requested = true;
  else quit = true;
}

}  // namespace backend

void run_frames(const std::function<bool()>& frame) {
  // Vsync paces the loop where the driver honours it; under Xvfb it does
  // not, so pace to 60 Hz (or --frame-ms) against a fixed schedule (sleeping
  // to absolute deadlines keeps intervals even) rather than spin a core the
  // trainer needs.
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now();
  while (backend::frame_once(frame)) {
    deadline += frame_period;
    const auto now = clock::now();
    if (now > deadline + frame_period) deadline = now;  // fell behind: start a new schedule
    else std::this_thread::sleep_until(deadline);
  }
  if (leave_handler) leave_handler();
}

std::vector<PointerSample> take_pointer_samples() { return std::exchange(pointer_samples, {}); }

bool cross_origin_isolated() { return true; }
bool threads_available() { return true; }
bool touch_screen() { return false; }

void on_leave(std::function<void()> save) { leave_handler = std::move(save); }
void set_leave_warning(bool on) { leave_warning = on; }
bool take_close_request() {
  const bool requested = close_requested;
  close_requested = false;
  return requested;
}

}  // namespace digitlab::gui
