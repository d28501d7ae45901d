// digitlab-server: loads the data sets, opens the model store, serves the
// API and the web app until SIGINT/SIGTERM, then stops cleanly: in-flight
// requests finish, training jobs are cancelled, the store is closed.
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include <digitlab/util/common.h>
#include <digitlab/nn/kernel_path.h>

#include "data_catalog.h"
#include "http_server.h"
#include "job_manager.h"
#include "options.h"
#include "server_setup.h"
#include "static_site.h"
#include <digitlab/store/model_store.h>
#include "weights_cache.h"

namespace {

using namespace digitlab::server;

// Stored and rendered weights kept in memory (see WeightsCache): room for
// the largest model (64 MB binary) and the rendered JSON of many small ones.
constexpr std::size_t kWeightsCacheBytes = 256u << 20;
// Connections waiting to be accepted (the kernel caps it at somaxconn).
constexpr int kListenBacklog = 1024;

void log(const std::string& line) { std::fprintf(stderr, "digitlab-server: %s\n", line.c_str()); }

// HOST:PID, unique among the replicas of one database.
std::string default_replica_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// Stops the server when SIGINT or SIGTERM arrives. The signals are blocked in
// every thread and taken here with sigwait, so no code runs in a signal
// handler; stop() is repeated until listen() has returned, because a stop
// that lands before listening starts would otherwise be lost.
class StopOnSignal {
 public:
  StopOnSignal(HttpServer& server, const sigset_t& signals)
      : thread_([this, &server, signals] {
          int signal = 0;
          sigwait(&signals, &signal);
          if (!done_) log(std::string("caught ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
          std::unique_lock<std::mutex> lock(mutex_);
          while (!done_) {
            server.stop_serving();
            wake_.wait_for(lock, std::chrono::milliseconds(20));
          }
        }) {}
  // Call once listen() has returned, for whatever reason.
  void finish() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    pthread_kill(thread_.native_handle(), SIGTERM);  // ends a sigwait still waiting
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Every connection is a file descriptor, those waiting for a request too:
// allow as many as the system lets this process have (the soft limit is
// often 1024, the hard one far more).
void raise_open_file_limit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur >= files.rlim_max) return;
  files.rlim_cur = files.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &files) != 0) log("cannot raise the open-file limit");
}

int run(const ServerOptions& options, const sigset_t& signals) {
  raise_open_file_limit();
  log("kernel path " + digitlab::kernel_path());  // a DIGITLAB_KERNEL this CPU cannot run stops here
  DataCatalog data;
  for (const std::string& arg : options.data) {
    const DataSource source = parse_data_source(arg);
    data.load(source);
    const LoadedDataset& set = *data.find(source.name);
    log("data set " + set.name + " from " + set.dir + ": train " + std::to_string(set.train->size()) + ", test " +
        std::to_string(set.test->size()));
  }

  if (!digitlab::store::is_postgres_url(options.db)) {
    const std::filesystem::path db = options.db;
    if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  }
  digitlab::store::ModelStore store(options.db);
  log(std::string("model store ") + store.kind() + " " + digitlab::store::redact_url(options.db));
  WeightsCache weights_cache(kWeightsCacheBytes);
  const std::string replica = options.name.empty() ? default_replica_name() : options.name;
  const JobBudget budget{options.max_job_tflop * 1e12, std::uint64_t(options.max_job_mb) << 20};
  JobManager jobs(store, data,
                  JobLimits{options.max_jobs, options.job_queue, std::int64_t(options.job_lease) * 1000, budget}, replica);
  log("replica " + replica);
  const StaticSite site(options.web);
  if (!site.available()) log("no web app at " + options.web + " (API only)");

  const std::unique_ptr<HttpServer> http = make_http_server(options);
  HttpServer& server = *http;
  log(std::to_string(server.limits().workers) + " request workers; up to " +
      std::to_string(server.limits().max_waiting) + " connections wait for a request");
  configure_server(server, ServerParts{data, store, weights_cache, jobs, site}, options);
  const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                     : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port < 0) {
    log("cannot listen on " + options.host + ":" + std::to_string(options.port));
    return 1;
  }
  if (!server.widen_listen_backlog(kListenBacklog)) log("cannot widen the listen backlog; keeping httplib's");
  log("listening on http://" + options.host + ":" + std::to_string(port) + "/");
  StopOnSignal stopper(server, signals);
  const bool clean = server.listen_after_bind();
  stopper.finish();
  log(clean ? "stopped" : "stopped after a listen error");
  return clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, so every thread
  // inherits the mask and only StopOnSignal's sigwait receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::optional<ServerOptions> options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::invalid_argument& e) {
    log(e.what());
    return 2;
  }
  if (!options) return 0;
  try {
    return run(*options, signals);
  } catch (const std::exception& e) {
    log(std::string("fatal: ") + e.what());
    return 1;
  }
}
