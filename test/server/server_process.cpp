#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace test {

namespace {

using Clock = std::chrono::steady_clock;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Waits for the child up to `limit`; true (and *status set) once it exited.
bool wait_for_exit(pid_t pid, std::chrono::milliseconds limit, int* status) {
  const auto deadline = Clock::now() + limit;
  while (true) {
    if (waitpid(pid, status, WNOHANG) == pid) return true;
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  const char* base = std::getenv("TMPDIR");
  path_ = fs::path(base ? base : "/tmp") /
          ("digitlab-server-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

ServerProcess::ServerProcess(const std::vector<std::string>& args, const std::string& log_path,
                             const std::vector<std::string>& launcher)
    : log_path_(log_path) {
  std::vector<std::string> argv_strings = launcher;
  for (const char* arg : {DIGITLAB_SERVER_BIN, "--host", "127.0.0.1", "--port", "0"}) argv_strings.push_back(arg);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const int rc = posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("cannot start ") + argv[0]);

  const std::string marker = "listening on http://127.0.0.1:";
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (port_ == 0) {
    const std::string text = read_text(log_path_);
    const auto at = text.find(marker);
    int status = 0;
    if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
      port_ = std::stoi(text.substr(at + marker.size()));
    } else if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("digitlab-server exited at start-up:\n" + text);
    } else if (Clock::now() > deadline) {
      throw std::runtime_error("digitlab-server did not start within 30 s:\n" + text);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

ServerProcess::ServerProcess(int port) : port_(port) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill_hard();
}

httplib::Client ServerProcess::client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  client.set_write_timeout(30);
  return client;
}

int ServerProcess::stop(int signal) {
  int status = 0;
  kill(pid_, signal);
  if (!wait_for_exit(pid_, std::chrono::seconds(10), &status)) {
    kill_hard();
    return -1;
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::kill_hard() {
  int status = 0;
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::log() const { return read_text(log_path_); }

int cluster_port(const std::string& cluster_dir) {
  std::ifstream in(cluster_dir + "/cluster.env");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("port=", 0) == 0) return std::stoi(line.substr(5));
  throw std::runtime_error("no port in " + cluster_dir + "/cluster.env: is the test cluster up?");
}

Sandbox::Sandbox() { fs::create_directories(dir_.path() / "web"); }

std::vector<std::string> Sandbox::args() const {
  return {
      "--db", dir_ / "state/models.db", "--web", dir_ / "web", "--data", std::string("mnist=") + DIGITLAB_TEST_MNIST};
}

ServerProcess& Sandbox::start(std::vector<std::string> extra_args, std::vector<std::string> launcher) {
  server_.reset();
  if (const char* cluster = std::getenv("DIGITLAB_TEST_CLUSTER"); cluster && *cluster) {
    // The [api] cases run against the test cluster's nginx, on a fresh
    // database and fresh replicas; its replicas serve mnist and tiny,
    // so --data needs nothing. Any other option is a case
    // that does not belong in [api].
    for (std::size_t i = 0; i < extra_args.size(); i += 2)
      if (extra_args[i] != "--data")
        throw std::runtime_error("the test cluster cannot take " + extra_args[i] + ": this case is not an [api] case");
    const std::string reset = std::string("'") + DIGITLAB_CLUSTER_SCRIPT + "' reset --dir '" + cluster + "'";
    if (std::system(reset.c_str()) != 0) throw std::runtime_error("cannot reset the test cluster: " + reset);
    server_ = std::make_unique<ServerProcess>(cluster_port(cluster));
    return *server_;
  }
  std::vector<std::string> all = args();
  all.insert(all.end(), extra_args.begin(), extra_args.end());
  server_ = std::make_unique<ServerProcess>(all, dir_ / ("server-" + std::to_string(starts_++) + ".log"), launcher);
  return *server_;
}

}  // namespace test
