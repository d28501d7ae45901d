// What the shared window.cpp needs from the platform's own file
// (window_native.cpp or window_web.cpp). Private to platform/.
#pragma once
#include <SDL.h>

#include <functional>

#include "platform/window.h"

namespace digitlab::gui::backend {

extern const char* const kGlslVersion;
extern const char* const kFontPath;
void prepare_window(const WindowOptions& options);
void initial_size(int& width, int& height);  // the browser's page size; the desktop keeps the options'
void install_page_hooks();                    // once the window is open
// SDL_QUIT (the window closed): sets quit, unless the app is to be asked.
void handle_quit(bool& quit);
// Every event a frame takes, in order: the desktop keeps its pointer
// samples from them (the browser has its own, from the page's events).
void note_event(const SDL_Event& event);

// One frame: events, ImGui frame, the app's frame, render. False to stop.
bool frame_once(const std::function<bool()>& frame);

}  // namespace digitlab::gui::backend
