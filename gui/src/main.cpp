// DigitLab's interface: one Dear ImGui app for the browser and the desktop.
// The loop is short on purpose: platform/window.cpp owns SDL and GL,
// app/app.cpp owns what happens in a frame.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "app/app.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace {

// Owned here, reached by the export below; torn down before the GL context.
std::unique_ptr<digitlab::gui::AppState> app = std::make_unique<digitlab::gui::AppState>();

#ifndef __EMSCRIPTEN__
constexpr const char* kUsage =
    "usage: digitlab [--data DIR] [--server URL] [--model NAME] [--token T] [--size WxH]\n"
    "                [--autotest SECONDS] [--state-out FILE]\n"
    "  --data DIR          local IDX files (default: the set-up's MNIST)\n"
    "  --server URL        use a digitlab-server for data and weights, e.g. http://127.0.0.1:8080\n"
    "  --model NAME        the server model to pull at start and push to (default: default)\n"
    "  --token T           the server's write token (default: $DIGITLAB_TOKEN)\n"
    "  --autotest SECONDS  draw a digit, train, then write the state JSON and quit\n"
    "  --state-out FILE    where --autotest writes the state (default: stdout)\n";

bool parse_options(int argc, char** argv, digitlab::gui::AppOptions& options, digitlab::gui::WindowOptions& window) {
  options.data_dir = DIGITLAB_DEFAULT_DATA_DIR;
  if (const char* token = std::getenv("DIGITLAB_TOKEN")) options.token = token;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--data" && has_value) options.data_dir = argv[++i];
    else if (arg == "--server" && has_value) {
      options.use_server = true;
      options.server_url = argv[++i];
    } else if (arg == "--model" && has_value) options.model_name = argv[++i];
    else if (arg == "--token" && has_value) options.token = argv[++i];
    else if (arg == "--autotest" && has_value) options.autotest_s = std::atof(argv[++i]);
    else if (arg == "--state-out" && has_value) options.state_out = argv[++i];
    else if (arg == "--size" && has_value && std::sscanf(argv[++i], "%dx%d", &window.width, &window.height) == 2) continue;
    else {
      std::fputs(kUsage, arg == "--help" ? stdout : stderr);
      return false;
    }
  }
  return true;
}
#endif

}  // namespace

#ifdef __EMSCRIPTEN__
// For automation: Module.ccall('digitlab_state_json', 'string').
extern "C" EMSCRIPTEN_KEEPALIVE const char* digitlab_state_json() {
  static std::string json;
  json = digitlab::gui::status_json(digitlab::gui::make_report(*app));
  return json.c_str();
}
#endif

int main(int argc, char** argv) {
  digitlab::gui::AppOptions options;
  digitlab::gui::WindowOptions window;
#ifdef __EMSCRIPTEN__
  (void)argc;
  (void)argv;
  options.use_server = true;  // the page's own origin serves data and models
  // ?token=T&model=NAME in the page's address.
  const auto query = [](const char* key) {
    std::string text(256, '\0');
    const int length = EM_ASM_INT(
        {
          const v = new URLSearchParams(location.search).get(UTF8ToString($0)) || "";
          stringToUTF8(v, $1, $2);
          return lengthBytesUTF8(v);
        },
        key, text.data(), static_cast<int>(text.size()));
    text.resize(std::min<std::size_t>(static_cast<std::size_t>(length), text.size() - 1));
    return text;
  };
  options.token = query("token");
  if (const std::string model = query("model"); !model.empty()) options.model_name = model;
  // Any training setting by its name in core's table: ?epochs=3&lr=0.01.
  for (const digitlab::SettingInfo& s : digitlab::training_settings())
    if (const std::string value = query(s.name); !value.empty()) options.settings.emplace_back(s.name, value);
#else
  if (!parse_options(argc, argv, options, window)) return argc > 1 && std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
#endif
  if (!digitlab::gui::open_window(window, app->fonts)) return 1;
  digitlab::gui::app_init(*app, options);
  digitlab::gui::run_frames([] { return digitlab::gui::app_frame(*app); });
#ifndef __EMSCRIPTEN__
  app.reset();  // stops training and frees textures while the GL context lives
  digitlab::gui::close_window();
#endif
  return 0;
}
