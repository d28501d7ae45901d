#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <CLI/CLI.hpp>

namespace digitlab::server {

std::string default_db_path() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    return std::string(state) + "/digitlab/digitlab.db";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/state/digitlab/digitlab.db";
  return "state/digitlab.db";
}

std::optional<ServerOptions> parse_options(int argc, const char* const* argv) {
  ServerOptions o;
  o.web = DIGITLAB_DEFAULT_WEB_DIR;
  CLI::App app{"digitlab-server: the DigitLab REST API (docs/api.md) and web app host"};
  // An option given twice takes its last value (scripts add to a base command line).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--host", o.host, "address to listen on")->capture_default_str();
  app.add_option("--port", o.port, "TCP port; 0 picks a free one")->capture_default_str()->check(CLI::Range(0, 65535));
  app.add_option("--data", o.data,
                 std::string("an IDX data set folder (train and test splits), named after the folder; NAME=DIR "
                             "names it. Repeatable. (default: ") +
                     DIGITLAB_DEFAULT_DATA_DIR + ", served as \"mnist\")")
      ->type_name("DIR");
  app.add_option("--db", o.db,
                 "the store of models and jobs: a SQLite file (its folder is created; default: " +
                     default_db_path() + ") or a postgresql:// URL that replicas behind nginx share")
      ->type_name("FILE|URL")
      ->check([](const std::string& db) -> std::string {
        return db.empty() ? "needs a file name or a postgresql:// URL (leave it out for the default)" : "";
      });
  app.add_option("--web", o.web, "web app to serve at /")->capture_default_str()->type_name("DIR");
  app.add_option("--token", o.token, "require \"Authorization: Bearer T\" for every write (unset: no auth)")
      ->envname("DIGITLAB_TOKEN")
      ->type_name("T");
  app.add_option("--name", o.name,
                 "this replica's name in its X-DigitLab-Replica header, /api/health and the jobs it runs "
                 "(default: HOST:PID)");
  app.add_option("--max-body", o.max_body, "largest request body in bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 40));
  app.add_option("--threads", o.threads,
                 "HTTP worker threads: requests handled at once (connections waiting for a request take none)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t(1), std::size_t(4096)));
  app.add_option("--max-jobs", o.max_jobs, "training jobs this server runs at once")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t(1), std::size_t(64)));
  app.add_option("--job-queue", o.job_queue,
                 "training jobs waiting for a free slot (across all replicas of one database) before 429")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t(0), std::size_t(1024)));
  app.add_option("--job-lease", o.job_lease,
                 "seconds a running job stays claimed without a heartbeat before another replica runs it again")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t(2), std::size_t(3600)));
  app.add_option("--max-job-tflop", o.max_job_tflop,
                 "a training job may take at most N TFLOP (its net's arithmetic per sample x samples x epochs), else 400")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e6));
  app.add_option("--max-job-mb", o.max_job_mb, "a training job's trainer may hold at most N MB, else 400")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t(16), std::size_t(1) << 20));
  app.add_option("--header-timeout", o.header_timeout,
                 "a request's line and headers must arrive within S seconds of its first byte, else 408")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t(1), std::size_t(3600)));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::printf("%s", app.help().c_str());
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    throw std::invalid_argument(std::string(e.what()) + " (see --help)");
  }
  if (o.data.empty()) o.data.push_back(std::string("mnist=") + DIGITLAB_DEFAULT_DATA_DIR);
  if (o.db.empty()) o.db = default_db_path();
  return o;
}

}  // namespace digitlab::server
