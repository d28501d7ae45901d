// The browser's window: a WebGL 2 canvas that fills the page, frames paced by
// requestAnimationFrame, and the page's life cycle (pagehide, beforeunload).
#include <emscripten.h>

#include <SDL.h>

#include "platform/window.h"
#include "platform/window_backend.h"

namespace digitlab::gui {
namespace {
std::function<void()> leave_handler;
}  // namespace

namespace backend {

const char* const kGlslVersion = "#version 300 es";
const char* const kFontPath = "/fonts/DejaVuSans.ttf";  // embedded at link time

void prepare_window(const WindowOptions&) {
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
}

void initial_size(int& width, int& height) {
  width = EM_ASM_INT({ return window.innerWidth; });
  height = EM_ASM_INT({ return window.innerHeight; });
}

// The primary pointer's events, each move with the moves Chromium coalesced
// into it, as (x, y, down) triples in CSS pixels from the canvas's corner.
// A press counts on the canvas; moves and the release anywhere in the page,
// so a stroke that leaves the canvas still ends. Bounded: a page whose
// frames stopped (a hidden tab) keeps the newest.
void install_pointer_samples() {
  EM_ASM({
    const canvas = Module['canvas'];
    const samples = Module['digitlabPointerSamples'] = [];
    const add = (e, down) => {
      const r = canvas.getBoundingClientRect();
      samples.push(e.clientX - r.left, e.clientY - r.top, down ? 1 : 0);
      if (samples.length > 3 * 20000) samples.splice(0, samples.length - 3 * 20000);
    };
    canvas.addEventListener('pointerdown', (e) => { if (e.isPrimary) add(e, true); });
    addEventListener('pointermove', (e) => {
      if (!e.isPrimary) return;
      const down = (e.buttons & 1) !== 0;
      const all = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      if (all.length === 0) return add(e, down);
      for (const c of all) add(c, down);
    });
    const up = (e) => { if (e.isPrimary) add(e, false); };
    addEventListener('pointerup', up);
    addEventListener('pointercancel', up);
  });
}

// pagehide is the last event a reload or a closed tab surely delivers on a
// desktop browser; a phone may kill a hidden tab without one, so a page
// turning hidden saves too. beforeunload asks only while the app wants it.
void install_page_hooks() {
  install_pointer_samples();
  EM_ASM({
    const leave = () => Module['_digitlab_page_leave']();
    addEventListener('pagehide', leave);
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') leave(); });
    addEventListener('beforeunload', (event) => {
      if (!Module['digitlabLeaveWarning']) return;
      event.preventDefault();
      event.returnValue = "";
    });
  });
}

void handle_quit(bool&) {}  // a page is left, never quit
void note_event(const SDL_Event&) {}  // the page's own pointer events are the samples (install_pointer_samples)


}  // namespace backend

void run_frames(const std::function<bool()>& frame) {
  static std::function<bool()> the_frame;
  the_frame = frame;
  // The browser paces frames with requestAnimationFrame; the page lives on
  // after main() returns (simulate_infinite_loop).
  emscripten_set_main_loop([] { backend::frame_once(the_frame); }, 0, true);
}

std::vector<PointerSample> take_pointer_samples() {
  const int count = EM_ASM_INT({ return Module['digitlabPointerSamples'].length / 3; });
  std::vector<float> flat(static_cast<std::size_t>(count) * 3);
  if (count > 0)
    EM_ASM({ HEAPF32.set(Module['digitlabPointerSamples'].splice(0, $1 * 3), $0 >> 2); }, flat.data(), count);
  std::vector<PointerSample> samples(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = {flat[3 * i], flat[3 * i + 1], flat[3 * i + 2] != 0};
  return samples;
}

bool cross_origin_isolated() {
  return EM_ASM_INT({ return (typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated) ? 1 : 0; }) != 0;
}

bool threads_available() {
#ifdef __EMSCRIPTEN_PTHREADS__
  return cross_origin_isolated();
#else
  return false;
#endif
}

bool touch_screen() { return EM_ASM_INT({ return matchMedia('(pointer: coarse)').matches ? 1 : 0; }) != 0; }

void on_leave(std::function<void()> save) { leave_handler = std::move(save); }
void set_leave_warning(bool on) {
  static int shown = -1;  // what the page was told last
  if (shown == int(on)) return;
  shown = on;
  EM_ASM({ Module['digitlabLeaveWarning'] = $0 !== 0; }, on);
}
bool take_close_request() { return false; }

}  // namespace digitlab::gui

extern "C" EMSCRIPTEN_KEEPALIVE void digitlab_page_leave() {
  if (digitlab::gui::leave_handler) digitlab::gui::leave_handler();
}
