// How this build learns what to do at start: the command line on the
// desktop (CLI11, with --help and clear errors), the page's address in the
// browser (?model=NAME&token=T&epochs=1; data and models come from the page's origin).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "platform/window.h"

namespace digitlab::gui {

struct LaunchOptions {
  std::string data_dir;          // local IDX files (desktop without a server)
  bool use_server = false;       // the browser always; the desktop with --server
  std::string server_url;        // "" in the browser: the page's own origin
  std::string model_name = "default";
  std::string token;             // the server's write token, if it has one
  std::string state_dir;         // desktop: where the session is kept between starts
  std::string weights_path;      // desktop: a weights file to load at start
  double autotest_s = 0;         // > 0: draw, train, evaluate, write state_out, quit; at most this long
  std::string state_out;         // desktop: the state JSON, at --autotest's end or after every frame
  // Training settings to start with, by their names in core's table
  // (hyperparameters.h), e.g. from the page's address: ?epochs=3&lr=0.01.
  std::vector<std::pair<std::string, std::string>> settings;
};

// Fills options and window from the command line or the page's address.
// Returns an exit status when the program should end at once (0 after
// --help, 2 after printing what was wrong), nothing to go on.
std::optional<int> read_launch_options(int argc, char** argv, LaunchOptions& options, WindowOptions& window);

}  // namespace digitlab::gui
