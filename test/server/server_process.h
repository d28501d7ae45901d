// The real digitlab-server as a child process on a free loopback port, with
// its own temporary directory (database, web root, data), for HTTP tests.
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>

namespace test {

namespace fs = std::filesystem;

// A fresh directory, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

class ServerProcess {
 public:
  // Starts the server with `--host 127.0.0.1 --port 0` plus `args`, and waits
  // until it logs the port it listens on. stderr goes to log_path. A
  // `launcher` runs the server (`prlimit --nofile=256 --`).
  ServerProcess(const std::vector<std::string>& args, const std::string& log_path,
                const std::vector<std::string>& launcher = {});
  // A server that runs already (the test cluster's nginx): not ours to stop.
  explicit ServerProcess(int port);
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  httplib::Client client() const;  // a fresh client (not shared between threads)

  // Sends `signal` (SIGTERM, SIGINT) and waits; the exit status, or -1 if it
  // had to be killed after 10 s.
  int stop(int signal);
  void kill_hard();  // SIGKILL and wait
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

// The nginx port of the test cluster (scripts/cluster.sh) in that folder.
int cluster_port(const std::string& cluster_dir);

// The usual server set-up of a test: a temporary --db and --web directory
// and MNIST as the data set. start() may be called again after a stop, on
// the same database. With $DIGITLAB_TEST_CLUSTER set (the cluster run of the
// [api] cases), start() resets the test cluster and answers through nginx.
class Sandbox {
 public:
  Sandbox();
  std::vector<std::string> args() const;  // --db, --web, --data mnist=...
  ServerProcess& start(std::vector<std::string> extra_args = {}, std::vector<std::string> launcher = {});
  ServerProcess& server() { return *server_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  int starts_ = 0;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace test
