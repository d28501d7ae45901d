// DigitLab's interface: one Dear ImGui app for the browser and the desktop.
// The loop is short on purpose: platform/ owns the start-up options, SDL, GL
// and the page; app/app.cpp owns what happens in a frame.
#include <memory>

#include "app/app.h"

namespace {
// Owned here, reached by the automation export (app.cpp); torn down before the GL context.
std::unique_ptr<digitlab::gui::AppState> app = std::make_unique<digitlab::gui::AppState>();
}  // namespace

int main(int argc, char** argv) {
  digitlab::gui::LaunchOptions options;
  digitlab::gui::WindowOptions window;
  if (const auto status = digitlab::gui::read_launch_options(argc, argv, options, window)) return *status;
  if (!digitlab::gui::open_window(window, app->fonts)) return 1;
  digitlab::gui::app_init(*app, options);
  digitlab::gui::run_frames([] { return digitlab::gui::app_frame(*app); });
  app.reset();  // desktop: stops training and frees textures while the GL context lives
  digitlab::gui::close_window();
  return 0;
}
