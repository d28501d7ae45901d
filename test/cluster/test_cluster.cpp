// The cluster as its operator and its users meet it: 3 replicas behind nginx
// on one PostgreSQL (scripts/cluster.sh, the ctest fixture). Replicas are
// SIGKILLed under writes and under a training job, restarted one by one
// under reads, and the store is copied SQLite -> PostgreSQL -> SQLite with
// the CLI. Each case starts from a fresh database (cluster.sh reset).
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <digitlab/store/sql.h>
#include <digitlab/store/metrics.h>
#include <digitlab/store/model_store.h>
#include "store_under_test.h"
#include "test_support.h"

using namespace test;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string cluster_dir() {
  const char* dir = std::getenv("DIGITLAB_TEST_CLUSTER");
  if (!dir || !*dir) throw std::runtime_error("DIGITLAB_TEST_CLUSTER is not set: run through ctest (cluster fixture)");
  return dir;
}

int run(const std::string& command) { return std::system(command.c_str()); }

void cluster(const std::string& args) {
  const std::string command = std::string("'") + DIGITLAB_CLUSTER_SCRIPT + "' " + args + " --dir '" + cluster_dir() + "'";
  REQUIRE(run(command) == 0);
}

pid_t replica_pid(int i) {
  std::ifstream in(cluster_dir() + "/run/replica-" + std::to_string(i) + ".pid");
  pid_t pid = 0;
  in >> pid;
  return pid;
}

httplib::Client nginx() {
  httplib::Client client("127.0.0.1", cluster_port(cluster_dir()));
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  client.set_write_timeout(30);
  return client;
}

int replica_index(const std::string& name) { return name.rfind("replica-", 0) == 0 ? std::stoi(name.substr(8)) : 0; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("SIGKILL a replica during 8 concurrent writers: every acknowledged version is there, no gaps", "[cluster]") {
  cluster("reset");
  std::mutex mutex;
  std::map<std::int64_t, std::string> acknowledged;  // version -> canonical bytes
  std::atomic<int> failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w)
    writers.emplace_back([&, w] {
      auto client = nginx();
      for (int i = 0; !stop && i < 200; ++i) {
        const std::string body = binary_weights(small_model(static_cast<std::uint64_t>(w * 1000 + i)));
        const auto res = put_binary(client, "w", body);
        if (!res || res->status != 201) {
          ++failed;
          continue;
        }
        std::lock_guard<std::mutex> lock(mutex);
        acknowledged[body_json(res)["version"].get<std::int64_t>()] = canonical_binary(body);
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const pid_t victim = replica_pid(2);
  REQUIRE(victim > 0);
  REQUIRE(kill(victim, SIGKILL) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop = true;
  for (auto& t : writers) t.join();
  INFO("acknowledged " << acknowledged.size() << ", not acknowledged " << failed);
  REQUIRE(acknowledged.size() > 20);

  auto client = nginx();
  const json versions = body_json(client.Get("/api/models/w/versions"))["versions"];
  REQUIRE(versions.size() >= acknowledged.size());
  for (std::size_t i = 0; i < versions.size(); ++i) CHECK(versions[i]["version"] == i + 1);
  for (const auto& [version, bytes] : acknowledged) {
    const auto res = client.Get("/api/models/w/weights?version=" + std::to_string(version), kBinary);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == bytes);
  }
  cluster("replica start 2");
}

TEST_CASE("SIGKILL the replica running a job: the job finishes on another, its result stored once", "[cluster]") {
  cluster("reset");
  auto client = nginx();
  // A few seconds of training on the tiny set.
  const json settings = {{"dataset", "tiny"}, {"arch", "dense64,relu,dense10"}, {"epochs", 150},
                         {"batch_size", 32},  {"seed", 3}};
  const auto posted = client.Post("/api/models/survivor/train", settings.dump(), "application/json");
  REQUIRE(posted);
  REQUIRE(posted->status == 202);
  const std::string path = "/api/jobs/" + body_json(posted)["id"].dump();

  json status;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    status = body_json(client.Get(path));
  } while ((status["state"] != "running" || status["progress"].is_null()) && Clock::now() < deadline);
  INFO(status.dump());
  REQUIRE(status["state"] == "running");
  REQUIRE(status["attempt"] == 1);
  const int first = replica_index(status["replica"]);
  REQUIRE(first >= 1);
  REQUIRE(kill(replica_pid(first), SIGKILL) == 0);

  const auto end = Clock::now() + std::chrono::seconds(120);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto res = client.Get(path);
    if (res && res->status == 200) status = body_json(res);
  } while (status["state"] != "finished" && status["state"] != "failed" && Clock::now() < end);
  INFO(status.dump());
  CHECK(status["state"] == "finished");
  CHECK(status["attempt"] == 2);
  CHECK(replica_index(status["replica"]) != first);
  CHECK(status["version"] == 1);
  CHECK(status["progress"]["total_epochs"] == 150);
  const json versions = body_json(client.Get("/api/models/survivor/versions"))["versions"];
  CHECK(versions.size() == 1);
  CHECK(body_json(client.Get("/api/health"))["jobs"]["running"] == 0);
  cluster("replica start " + std::to_string(first));
}

TEST_CASE("a rolling restart of every replica under steady GETs fails no GET", "[cluster]") {
  cluster("reset");
  {
    auto client = nginx();
    REQUIRE(put_binary(client, "read", binary_weights(small_model(1)))->status == 201);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::mutex mutex;
  std::string first_failure;
  std::vector<std::thread> readers;
  const char* paths[] = {"/api/models/read/weights", "/api/models/read/versions", "/api/health",
                         "/api/datasets/mnist/test/samples?random=16"};  // a fresh draw: never from nginx's cache
  for (int r = 0; r < 4; ++r)
    readers.emplace_back([&, r] {
      auto client = nginx();
      while (!stop) {
        const auto res = client.Get(paths[r], r == 3 ? kBinary : httplib::Headers{});
        if (res && res->status == 200) {
          ++ok;
        } else {
          ++failed;
          std::lock_guard<std::mutex> lock(mutex);
          if (first_failure.empty())
            first_failure = std::string(paths[r]) + ": " + (res ? std::to_string(res->status) : httplib::to_string(res.error()));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  std::map<int, pid_t> before;
  for (int i = 1; i <= 3; ++i) before[i] = replica_pid(i);
  cluster("restart");
  stop = true;
  for (auto& t : readers) t.join();
  INFO("GETs answered 200: " << ok << "; first failure: " << first_failure);
  CHECK(failed == 0);
  CHECK(ok > 100);
  for (int i = 1; i <= 3; ++i) CHECK(replica_pid(i) != before[i]);  // each one was restarted
}

TEST_CASE("nginx: static files compressed and isolated, immutable sample blocks cached, limits, replica logged", "[cluster]") {
  cluster("reset");
  auto client = nginx();
  const auto page = client.Get("/", {{"Accept-Encoding", "gzip"}});
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Cross-Origin-Opener-Policy") == "same-origin");
  CHECK(page->get_header_value("Cross-Origin-Embedder-Policy") == "require-corp");
  CHECK(page->get_header_value("X-DigitLab-Replica").empty());  // nginx served it, not a replica
  const auto wasm = client.Get("/digitlab.wasm", {{"Accept-Encoding", "gzip"}});
  REQUIRE(wasm);
  CHECK(wasm->status == 200);
  CHECK(wasm->get_header_value("Content-Type") == "application/wasm");
  CHECK(wasm->get_header_value("Cross-Origin-Embedder-Policy") == "require-corp");

  // An offset block is the same bytes every time: the second comes from nginx.
  const std::string block = "/api/datasets/mnist/test/samples?offset=64&count=64";
  const auto miss = client.Get(block, kBinary);
  const auto hit = client.Get(block, kBinary);
  REQUIRE(miss);
  REQUIRE(hit);
  CHECK(hit->get_header_value("X-Cache") == "HIT");
  CHECK(hit->body == miss->body);
  CHECK(hit->get_header_value("Cross-Origin-Embedder-Policy") == "require-corp");
  // The JSON form is cached apart from the binary one.
  const auto as_json = client.Get(block);
  CHECK(as_json->get_header_value("Content-Type").rfind("application/json", 0) == 0);
  // A draw without a seed is never cached; one with a seed is.
  const std::string fresh = "/api/datasets/mnist/train/samples?random=32";
  CHECK(client.Get(fresh, kBinary)->body != client.Get(fresh, kBinary)->body);
  CHECK(client.Get(fresh, kBinary)->get_header_value("X-Cache") == "BYPASS");
  client.Get(fresh + "&seed=5", kBinary);
  CHECK(client.Get(fresh + "&seed=5", kBinary)->get_header_value("X-Cache") == "HIT");

  // Header limits are nginx's: a 20 KB header never reaches a replica.
  const auto huge = client.Get("/api/health", {{"X-Padding", std::string(20000, 'a')}});
  REQUIRE(huge);
  CHECK(huge->status == 400);

  // The access log names the replica that answered.
  const auto res = client.Get("/api/models");
  REQUIRE(res);
  const std::string replica = res->get_header_value("X-DigitLab-Replica");
  REQUIRE(replica_index(replica) >= 1);
  const std::string port = std::to_string(cluster_port(cluster_dir()) + 1 + replica_index(replica));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string log = read_file(cluster_dir() + "/logs/nginx-access.log");
  CHECK(log.find("\"GET /api/models HTTP/1.1\" 200") != std::string::npos);
  CHECK(log.find("upstream=127.0.0.1:" + port) != std::string::npos);
}

TEST_CASE("digitlab-cli store copy: SQLite -> PostgreSQL -> SQLite, byte-identical and resumable", "[cluster]") {
  using namespace digitlab::store;
  TempDir dir;
  const std::string source = dir / "source.db", back = dir / "back.db";
  {
    ModelStore store(source);
    // Versions as the server writes them: canonical bytes and their metrics.
    const auto version = [](digitlab::ModelFile model, const std::string& format) {
      return NewVersion{canonical_binary(binary_weights(model)), format, metrics_json_of(model)};
    };
    for (int i = 0; i < 3; ++i) store.put("a", WriteCondition{}, version(small_model(i), "binary"));
    digitlab::ModelFile evaluated = small_model(9, {64});
    evaluated.meta.test_accuracy = 0.5;
    store.put("b", WriteCondition{}, version(evaluated, "json"));
  }
  const std::string database = "copy_" + std::to_string(getpid());
  open_sql(test_postgres_url("postgres"))->exec("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  open_sql(test_postgres_url("postgres"))->exec("CREATE DATABASE " + database);
  const std::string postgres = test_postgres_url(database);
  const std::string cli = DIGITLAB_CLI_BIN;
  const auto copy = [&](const std::string& from, const std::string& to) {
    return run("'" + cli + "' store copy '" + from + "' '" + to + "' > '" + (dir / "copy.log") + "' 2>&1");
  };
  REQUIRE(copy(source, postgres) == 0);
  CHECK_THAT(read_file(dir / "copy.log"), Catch::Contains("4 version(s) copied"));
  // Run again: nothing new to copy, everything checked.
  REQUIRE(copy(source, postgres) == 0);
  CHECK_THAT(read_file(dir / "copy.log"), Catch::Contains("0 version(s) copied, 4 already there"));
  REQUIRE(copy(postgres, back) == 0);
  {
    ModelStore original(source), copied(back);
    for (const std::string model : {"a", "b"}) {
      const auto want = original.versions(model);
      const auto got = copied.versions(model);
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < want.size(); ++i) {
        CHECK(got[i].created_ms == want[i].created_ms);
        CHECK(got[i].format == want[i].format);
        CHECK(got[i].metrics_json == want[i].metrics_json);
        CHECK(copied.body(model, got[i].version) == original.body(model, want[i].version));
      }
    }
  }
  CHECK(copy(dir / "missing.db", back) != 0);
  CHECK_THAT(read_file(dir / "copy.log"), Catch::Contains("no SQLite file"));
  open_sql(test_postgres_url("postgres"))->exec("DROP DATABASE " + database + " WITH (FORCE)");
}
