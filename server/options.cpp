#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace digitlab::server {

namespace {

constexpr const char* kUsage = R"(digitlab-server: the DigitLab REST API (docs/api.md) and web app host

Usage: digitlab-server [options]
  --host HOST        address to listen on (default 127.0.0.1)
  --port PORT        TCP port (default 8080; 0 picks a free one)
  --data DIR         an IDX data set directory (train and test splits), named
                     after the directory; NAME=DIR names it. Repeatable.
                     (default: %s, served as "mnist")
  --db FILE          SQLite database of model versions; its directory is
                     created (default: %s)
  --web DIR          web app to serve at / (default: %s)
  --token T          require "Authorization: Bearer T" for every write
                     (default: $DIGITLAB_TOKEN; unset: no auth)
  --max-body BYTES   largest request body (default 67108864)
  --threads N        HTTP worker threads; one per open connection (default 64)
  --max-jobs N       training jobs running at once (default 1)
  --job-queue N      training jobs waiting for a slot before 429 (default 4)
  --header-timeout S a request's line and headers must arrive within S
                     seconds of its first byte, else 408 (default 10)
  --help             this text
)";

std::size_t parse_count(const std::string& option, const std::string& value, std::size_t min, std::size_t max) {
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size() || value[0] == '-' || n < min || n > max)
    throw std::invalid_argument(option + " needs a number from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", got '" + value + "'");
  return static_cast<std::size_t>(n);
}

}  // namespace

std::string default_db_path() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    return std::string(state) + "/digitlab/digitlab.db";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/state/digitlab/digitlab.db";
  return "state/digitlab.db";
}

std::optional<ServerOptions> parse_options(int argc, const char* const* argv) {
  ServerOptions options;
  options.web = DIGITLAB_DEFAULT_WEB_DIR;
  if (const char* token = std::getenv("DIGITLAB_TOKEN")) options.token = token;
  for (int i = 1; i < argc; ++i) {
    std::string option = argv[i];
    std::optional<std::string> inline_value;  // --option=value
    if (const auto eq = option.find('='); option.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = option.substr(eq + 1);
      option = option.substr(0, eq);
    }
    if (option == "--help" || option == "-h") {
      std::printf(kUsage, DIGITLAB_DEFAULT_DATA_DIR, default_db_path().c_str(), DIGITLAB_DEFAULT_WEB_DIR);
      return std::nullopt;
    }
    const auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) throw std::invalid_argument(option + " needs a value");
      return argv[++i];
    };
    if (option == "--host") options.host = value();
    else if (option == "--port") options.port = static_cast<int>(parse_count(option, value(), 0, 65535));
    else if (option == "--data") options.data.push_back(value());
    else if (option == "--db") {
      options.db = value();
      if (options.db.empty()) throw std::invalid_argument("--db needs a file name (leave it out for the default)");
    }
    else if (option == "--web") options.web = value();
    else if (option == "--token") options.token = value();
    else if (option == "--max-body") options.max_body = parse_count(option, value(), 1, std::size_t(1) << 40);
    else if (option == "--threads") options.threads = parse_count(option, value(), 1, 4096);
    else if (option == "--max-jobs") options.max_jobs = parse_count(option, value(), 1, 64);
    else if (option == "--job-queue") options.job_queue = parse_count(option, value(), 0, 1024);
    else if (option == "--header-timeout") options.header_timeout = parse_count(option, value(), 1, 3600);
    else throw std::invalid_argument("unknown option '" + option + "' (see --help)");
  }
  if (options.data.empty()) options.data.push_back(std::string("mnist=") + DIGITLAB_DEFAULT_DATA_DIR);
  if (options.db.empty()) options.db = default_db_path();
  return options;
}

}  // namespace digitlab::server
