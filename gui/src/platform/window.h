// The one place that knows about SDL, OpenGL contexts and the browser's
// page: opens the window, runs ImGui's platform and renderer backends, loads
// the fonts, drives the frame loop (a plain loop on the desktop,
// requestAnimationFrame in the browser) and tells the app when the user
// leaves. window.cpp is shared; window_native.cpp and window_web.cpp hold
// what differs, as http_* and files_* do.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include <imgui.h>

#include "logic/stroke_input.h"

namespace digitlab::gui {

struct Fonts {
  ImFont* body = nullptr;
  ImFont* small = nullptr;  // dense numbers (the confusion matrix)
  ImFont* large = nullptr;  // the top guess
};

struct WindowOptions {
  const char* title = "DigitLab";
  int width = 1280;   // ignored in the browser: the canvas fills the page
  int height = 800;
  bool vsync = true;
  // Desktop: the loop's pace, 60 Hz unless a test asks for the slow frames of
  // a busy machine (--frame-ms); the browser's pace is the page's.
  double frame_ms = 1000.0 / 60;
};

// Opens the window, creates the GL context and the ImGui context with both
// backends and the fonts. Returns false (after printing why) on failure.
bool open_window(const WindowOptions& options, Fonts& fonts);
void close_window();

// Calls frame() once per display refresh until it returns false or the user
// closes the window. frame() runs between ImGui::NewFrame and rendering.
void run_frames(const std::function<bool()>& frame);

// Every sample of the main pointer since the last call, in order: SDL's
// mouse events on the desktop (each motion event, not one position per
// frame), the page's pointer events with their coalesced ones in the
// browser (Chromium hands a page one pointermove per frame and the rest
// through getCoalescedEvents). The pad reads these (logic/stroke_input.h).
std::vector<PointerSample> take_pointer_samples();

// True when the page may use threads (crossOriginIsolated); always true on the desktop.
bool cross_origin_isolated();
// True when this build can run the trainer on its own thread here.
bool threads_available();
// True when the main pointer is a finger (a phone or tablet): bigger targets.
bool touch_screen();
// Frames actually drawn so far (unchanged frames are skipped, see window.cpp).
std::uint64_t frames_rendered();
// Seconds since an arbitrary start, monotonic.
double now_seconds();

// Leaving. `save` runs when the user leaves: the browser's pagehide (and
// the page turning hidden, the last sure moment on a phone), the desktop
// window's close. With the warning on, the browser asks before the page is
// left or reloaded, and closing the desktop window becomes a request the
// app answers (take_close_request) instead of an exit.
void on_leave(std::function<void()> save);
void set_leave_warning(bool on);
bool take_close_request();  // desktop: the user closed the window while warned

}  // namespace digitlab::gui
