// The desktop's command line, parsed by CLI11 (Debian's libcli11-dev):
// --help lists everything, and a bad value is named with the option it was
// given to (the old hand-written parser read "--autotest abc" as 0).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>

#include "platform/launch.h"

namespace digitlab::gui {
namespace {

// Where the session (weights, settings, curves) is kept between starts.
std::string default_state_dir() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) return std::string(state) + "/digitlab";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/digitlab";
  return ".digitlab-state";
}

}  // namespace

std::optional<int> read_launch_options(int argc, char** argv, LaunchOptions& options, WindowOptions& window) {
  options.data_dir = DIGITLAB_DEFAULT_DATA_DIR;
  options.state_dir = default_state_dir();
  std::string size;
  CLI::App cli("DigitLab: train a neural net on handwritten digits, draw digits for it to read.", "digitlab");
  cli.add_option("--data", options.data_dir, "local IDX files (train and test splits)")
      ->type_name("DIR")
      ->capture_default_str();
  cli.add_option("--server", options.server_url,
                 "use a digitlab-server for data and weights, e.g. http://127.0.0.1:8080")
      ->check([](const std::string& url) {
        return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0
                   ? std::string()
                   : "must start with http:// or https://, got '" + url + "'";
      })
      ->type_name("URL");
  cli.add_option("--model", options.model_name, "the server model to pull at start and push to")
      ->type_name("NAME")
      ->capture_default_str();
  cli.add_option("--token", options.token, "the server's write token")->type_name("T")->envname("DIGITLAB_TOKEN");
  cli.add_option("--size", size, "window size in pixels, e.g. 1280x800")
      ->check([&window](const std::string& text) {
        int w = 0, h = 0;
        char rest = 0;
        if (std::sscanf(text.c_str(), "%dx%d%c", &w, &h, &rest) != 2 || w < 320 || h < 240 || w > 16384 || h > 16384)
          return "must be WIDTHxHEIGHT, at least 320x240, got '" + text + "'";
        window.width = w;
        window.height = h;
        return std::string();
      })
      ->type_name("WxH");
  cli.add_option("--state-dir", options.state_dir, "where the session is kept to continue it at the next start")
      ->type_name("DIR")
      ->capture_default_str();
  cli.add_option("--autotest", options.autotest_s,
                 "draw a 7, train 300 batches, evaluate, write the state JSON and quit; a run that has not got "
                 "there after SECONDS writes what it has and quits")
      ->type_name("SECONDS")
      ->check([](const std::string& text) {
        char* end = nullptr;
        const double seconds = std::strtod(text.c_str(), &end);
        return !text.empty() && *end == '\0' && seconds > 0 && seconds <= 86400
                   ? std::string()
                   : "must be a number of seconds above 0 (at most a day), got '" + text + "'";
      });
  cli.add_option("--weights", options.weights_path, "a weights file (JSON or binary) to load at start, as Load does")
      ->type_name("FILE")
      ->check(CLI::ExistingFile);
  cli.add_option("--state-out", options.state_out,
                 "the state JSON for tests: where --autotest writes it at its end (default: stdout); without "
                 "--autotest, rewritten after every frame")
      ->type_name("FILE");
  cli.add_option("--frame-ms", window.frame_ms, "the frame pace; a test sets the slow frames of a busy machine")
      ->type_name("MS")
      ->check(CLI::Range(1.0, 1000.0))
      ->capture_default_str();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints the help (status 0); a mistake prints what was wrong (2).
    return cli.exit(e) == 0 ? 0 : 2;
  }
  options.use_server = !options.server_url.empty();
  return std::nullopt;
}

}  // namespace digitlab::gui
