// Durability and concurrency of the model store, through the real server:
// restarts, SIGKILL in the middle of concurrent PUTs, racing If-Match writers,
// clean shutdown on SIGTERM/SIGINT.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "test_support.h"

using namespace test;
using nlohmann::json;

namespace {

// All threads leave wait() together, round after round.
class Barrier {
 public:
  explicit Barrier(int parties) : parties_(parties) {}
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    const int round = round_;
    if (++waiting_ == parties_) {
      waiting_ = 0;
      ++round_;
      wake_.notify_all();
    } else {
      wake_.wait(lock, [&] { return round_ != round; });
    }
  }

 private:
  const int parties_;
  int waiting_ = 0;
  int round_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
};

// Every version of a model is numbered 1..n without gaps and is whole.
std::size_t check_history_intact(httplib::Client& client, const std::string& model) {
  const json versions = body_json(client.Get("/api/models/" + model + "/versions"))["versions"];
  for (std::size_t i = 0; i < versions.size(); ++i) {
    REQUIRE(versions[i]["version"] == i + 1);
    const auto res = client.Get("/api/models/" + model + "/weights?version=" + std::to_string(i + 1), kBinary);
    REQUIRE(res->status == 200);
    CHECK(versions[i]["size"] == res->body.size());
    CHECK_NOTHROW(
        digitlab::weights_from_binary(reinterpret_cast<const std::uint8_t*>(res->body.data()), res->body.size()));
  }
  return versions.size();
}

}  // namespace

TEST_CASE("versions survive a restart", "[server]") {
  Sandbox sandbox;
  std::vector<std::string> bodies;
  {
    auto client = sandbox.start().client();
    for (int i = 0; i < 3; ++i) {
      bodies.push_back(binary_weights(small_model(10 + i)));
      REQUIRE(put_binary(client, "keep", bodies.back())->status == 201);
    }
    REQUIRE(put_binary(client, "other", binary_weights(small_model(20)))->status == 201);
    CHECK(sandbox.server().stop(SIGTERM) == 0);
    CHECK_THAT(sandbox.server().log(), Catch::Contains("caught SIGTERM") && Catch::Contains("stopped"));
  }
  auto client = sandbox.start().client();
  for (int i = 0; i < 3; ++i)
    CHECK(client.Get("/api/models/keep/weights?version=" + std::to_string(i + 1), kBinary)->body == bodies[i]);
  CHECK(client.Get("/api/models/keep/weights")->get_header_value("ETag") == "\"3\"");
  CHECK(body_json(client.Get("/api/models"))["models"].size() == 2);
  // The numbering carries on where it was.
  CHECK(body_json(put_binary(client, "keep", bodies[0]))["version"] == 4);
}

TEST_CASE("SIGINT while requests are in flight: they finish, then the server exits 0", "[server]") {
  Sandbox sandbox;
  sandbox.start();
  {
    auto client = sandbox.server().client();
    REQUIRE(put_binary(client, "big", binary_weights(small_model(1, {512})))->status == 201);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> complete{0}, broken{0};
  std::thread reader([&] {
    auto client = sandbox.server().client();
    while (!stop) {
      const auto res = client.Get("/api/datasets/mnist/train/samples?count=1024");
      if (!res) break;  // the server has gone: refused, never half an answer
      (res->status == 200 && body_json(res)["samples"].size() == 1024 ? complete : broken)++;
    }
  });
  // Weights are streamed from a shared copy (a content provider): those
  // answers too are finished, not cut, when the stop comes. A request that
  // meets the stop before its answer began may find its connection closed
  // (as HTTP allows for an idle keep-alive connection; nginx retries it):
  // no answer, never a part of one.
  std::vector<std::thread> weights_readers;
  for (int r = 0; r < 4; ++r)
    weights_readers.emplace_back([&, r] {
      auto client = sandbox.server().client();
      while (!stop) {
        bool answered = false;
        std::size_t bytes = 0;
        const auto res = client.Get(
            "/api/models/big/weights", r % 2 ? kBinary : httplib::Headers{},
            [&](const httplib::Response&) { return answered = true; },
            [&](const char*, std::size_t n) {
              bytes += n;
              return true;
            });
        if (!res && !answered) break;  // refused or closed unanswered: the server has gone
        (res && res->status == 200 && bytes > 0 ? complete : broken)++;
        if (!res) break;
      }
    });
  while (complete < 8) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto started = std::chrono::steady_clock::now();
  CHECK(sandbox.server().stop(SIGINT) == 0);
  const double stop_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  WARN("SIGINT with requests in flight: stopped in " << stop_s << " s");
  CHECK(stop_s < 5);  // a generous bound: the in-flight answers are small
  stop = true;
  reader.join();
  for (auto& t : weights_readers) t.join();
  CHECK(broken == 0);
  CHECK_THAT(sandbox.server().log(), Catch::Contains("caught SIGINT"));
}

TEST_CASE("SIGKILL during concurrent PUTs loses no acknowledged version", "[server]") {
  Sandbox sandbox;
  sandbox.start();
  struct Ack {
    std::string model;
    std::int64_t version;
    std::string body;
  };
  std::mutex acks_mutex;
  std::vector<Ack> acks;
  std::atomic<bool> server_gone{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      auto client = sandbox.server().client();
      const std::string model = "crash" + std::to_string(t % 2);  // two writers per model
      for (int i = 0; !server_gone; ++i) {
        const std::string body = binary_weights(small_model(1000 * t + i));
        const auto res = put_binary(client, model, body);
        if (!res) break;
        if (res->status != 201) continue;
        std::lock_guard<std::mutex> lock(acks_mutex);
        acks.push_back({model, body_json(res)["version"].get<std::int64_t>(), body});
      }
    });
  }
  // Kill while the PUTs are still streaming in.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(acks_mutex);
      if (acks.size() >= 60) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  sandbox.server().kill_hard();
  server_gone = true;
  for (auto& w : writers) w.join();
  REQUIRE(acks.size() >= 20);

  auto client = sandbox.start().client();
  std::set<std::pair<std::string, std::int64_t>> seen;
  for (const Ack& ack : acks) {
    INFO(ack.model << " version " << ack.version);
    CHECK(seen.insert({ack.model, ack.version}).second);  // no version acknowledged twice
    const auto res =
        client.Get("/api/models/" + ack.model + "/weights?version=" + std::to_string(ack.version), kBinary);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == ack.body);
  }
  for (const char* model : {"crash0", "crash1"}) {
    // Acknowledged versions are all there; a version committed just before
    // the kill but never acknowledged may be there too, and is whole.
    std::size_t acked = 0;
    for (const Ack& ack : acks) acked += ack.model == model;
    CHECK(check_history_intact(client, model) >= acked);
  }
}

TEST_CASE("concurrent writers racing on one version: exactly one wins each", "[server]") {
  Sandbox sandbox;
  sandbox.start();
  auto setup = sandbox.server().client();
  REQUIRE(put_binary(setup, "race", binary_weights(small_model(1)))->status == 201);

  constexpr int kWriters = 6;
  constexpr int kRounds = 12;
  std::vector<std::vector<int>> status(kRounds, std::vector<int>(kWriters));
  std::vector<std::vector<std::int64_t>> won(kRounds, std::vector<std::int64_t>(kWriters, 0));
  Barrier barrier(kWriters);
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      auto client = sandbox.server().client();
      for (int round = 0; round < kRounds; ++round) {
        // Everyone read version round+1 and now tries to replace it at once.
        barrier.wait();
        const auto res = put_binary(client, "race", binary_weights(small_model(100 * round + t)),
                             header("If-Match", "\"" + std::to_string(round + 1) + "\""));
        status[round][t] = res ? res->status : -1;
        if (res && res->status == 201) won[round][t] = body_json(res)["version"];
        barrier.wait();
      }
    });
  }
  for (auto& w : writers) w.join();

  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    CHECK(std::count(status[round].begin(), status[round].end(), 201) == 1);
    CHECK(std::count(status[round].begin(), status[round].end(), 412) == kWriters - 1);
    CHECK(*std::max_element(won[round].begin(), won[round].end()) == round + 2);
  }
  CHECK(check_history_intact(setup, "race") == kRounds + 1);

  // Unconditional writers never collide either: every version is distinct.
  // (Catch's assertions are not thread-safe: threads only record.)
  std::vector<std::thread> blind;
  std::mutex versions_mutex;
  std::vector<std::int64_t> versions;
  for (int t = 0; t < kWriters; ++t) {
    blind.emplace_back([&, t] {
      auto client = sandbox.server().client();
      for (int i = 0; i < 5; ++i) {
        const auto res = put_binary(client, "race", binary_weights(small_model(7000 + 10 * t + i)));
        std::lock_guard<std::mutex> lock(versions_mutex);
        versions.push_back(res && res->status == 201 ? body_json(res)["version"].get<std::int64_t>() : -1);
      }
    });
  }
  for (auto& w : blind) w.join();
  std::sort(versions.begin(), versions.end());
  REQUIRE(versions.size() == kWriters * 5);
  for (std::size_t i = 0; i < versions.size(); ++i) CHECK(versions[i] == kRounds + 2 + static_cast<std::int64_t>(i));
}

// Rows a database held from before the store checked them (written here
// straight into the file): the server still answers valid JSON, shows bad
// metrics as null, hides a name no route can reach and never serves a
// corrupt body. Unchecked, 100k-deep metrics crashed the server at every
// listing and non-JSON metrics made the listing invalid JSON.
TEST_CASE("rows stored before the check: valid JSON, null metrics, no corrupt body served", "[server]") {
  Sandbox sandbox;
  const std::string good = binary_weights(small_model(30));
  {
    auto client = sandbox.start().client();
    REQUIRE(put_binary(client, "good", good)->status == 201);
    REQUIRE(sandbox.server().stop(SIGTERM) == 0);
  }
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((sandbox.dir() / "state/models.db").c_str(), &db) == SQLITE_OK);
    const auto row = [&](const std::string& name, const std::string& metrics, const std::string& body) {
      sqlite3_stmt* s = nullptr;
      for (const char* sql : {"INSERT INTO models VALUES(?1, 1, 1700000000000)",
                              "INSERT INTO versions VALUES(?1, 1, 1700000000000, ?2, 'binary', ?3, ?4)"}) {
        REQUIRE(sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK);
        sqlite3_bind_text(s, 1, name.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_bind_parameter_count(s) > 1) {
          sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(body.size()));
          sqlite3_bind_text(s, 3, metrics.data(), static_cast<int>(metrics.size()), SQLITE_TRANSIENT);
          sqlite3_bind_blob(s, 4, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
        }
        const int rc = sqlite3_step(s);
        sqlite3_finalize(s);
        REQUIRE(rc == SQLITE_DONE);
      }
    };
    row("deep", std::string(100000, '[') + std::string(100000, ']'), good);
    row("junk", "<discarded>", good);
    row("../../etc/passwd", "{}", good);
    std::string corrupt = good;
    corrupt[corrupt.size() / 2] ^= 1;
    row("corrupt", "{}", corrupt);
    sqlite3_close(db);
  }
  auto client = sandbox.start().client();
  for (int round = 0; round < 2; ++round) {  // the server is still up for the second listing
    const auto listing = client.Get("/api/models");
    REQUIRE(listing);
    REQUIRE(listing->status == 200);
    const json models = json::parse(listing->body)["models"];  // throws on invalid JSON
    std::set<std::string> names;
    for (const json& m : models) {
      names.insert(m["name"].get<std::string>());
      CHECK(m["metrics"].is_null() == (m["name"] != "good"));
    }
    CHECK(names == std::set<std::string>{"corrupt", "deep", "good", "junk"});
  }
  const auto deep = client.Get("/api/models/deep/versions");
  REQUIRE(deep->status == 200);
  CHECK(json::parse(deep->body)["versions"][0]["metrics"].is_null());
  const auto corrupt = client.Get("/api/models/corrupt/weights", kBinary);
  CHECK(corrupt->status == 500);
  CHECK_THAT(corrupt->body, Catch::Contains("corrupt_version") && Catch::Contains("checksum"));
  CHECK(client.Get("/api/models/corrupt/weights")->status == 500);
  CHECK(client.Get("/api/models/good/weights", kBinary)->body == good);
}
