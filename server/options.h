// Command-line options of digitlab-server (--help prints them).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace digitlab::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                   // 0: any free port (the log line says which)
  std::vector<std::string> data;     // --data DIR or NAME=DIR, repeatable
  std::string db;                    // --db FILE or postgresql:// URL
  std::string web;                   // --web DIR
  std::string token;                 // --token T (or $DIGITLAB_TOKEN)
  std::string name;                  // --name N: this replica (default HOST:PID)
  std::size_t max_body = 64u << 20;  // --max-body BYTES
  std::size_t threads = 64;          // --threads N: HTTP worker threads
  std::size_t max_jobs = 1;          // --max-jobs N: training jobs running at once
  std::size_t job_queue = 4;         // --job-queue N: jobs waiting for a slot
  std::size_t job_lease = 10;        // --job-lease S: a running job's claim without a heartbeat
  double max_job_tflop = 300;        // --max-job-tflop N: arithmetic one job may take
  std::size_t max_job_mb = 2048;     // --max-job-mb N: memory one job's trainer may hold
  std::size_t header_timeout = 10;   // --header-timeout S: a request head must arrive within S seconds
};

// Parses argv onto the defaults. Returns nullopt when --help was asked for
// (the usage text is printed). Throws std::invalid_argument on bad usage,
// with a message that names the option.
std::optional<ServerOptions> parse_options(int argc, const char* const* argv);

// $XDG_STATE_HOME/digitlab/digitlab.db, else ~/.local/state/digitlab/digitlab.db,
// else ./state/digitlab.db. The caller creates the directory.
std::string default_db_path();

}  // namespace digitlab::server
