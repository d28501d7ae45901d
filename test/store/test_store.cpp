// One suite for the store, run against both of its databases: every case is
// generated once for SQLite and once for PostgreSQL.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include <digitlab/io/weights.h>
#include <digitlab/store/metrics.h>
#include <digitlab/store/store_copy.h>
#include <digitlab/store/time.h>
#include <digitlab/store/version_check.h>

#include "schema.h"
#include "store_under_test.h"

using namespace digitlab::store;
using test::StoreUnderTest;

namespace {

// Weights as the store keeps them (core's binary format, whose bytes text
// handling would spoil), a different net for each seed; `hidden` sets the
// size (1600: about 5 MB).
std::string weights_bytes(unsigned seed, int hidden = 8) {
  digitlab::ModelFile file;
  file.model = digitlab::make_model(digitlab::dense_architecture({hidden}), seed);
  const auto bytes = digitlab::weights_to_binary(file);
  return std::string(bytes.begin(), bytes.end());
}

// Metrics as the server writes them (metrics.h).
const std::string& metrics() {
  static const std::string text = [] {
    digitlab::ModelFile file;
    file.model = digitlab::make_model(digitlab::dense_architecture({8}), 1);
    return metrics_json_of(file);
  }();
  return text;
}

NewVersion version_of(const std::string& body) { return NewVersion{body, "binary", metrics()}; }

WriteCondition at(std::int64_t version) { return {WriteCondition::Kind::at_version, version}; }

JobAdmission admit(std::int64_t queue) { return JobAdmission{queue, unix_time_ms() - 10000}; }

}  // namespace

// The schema is written once (store/src/schema.cpp) and spelled in each
// engine's words: both engines hold exactly its tables and columns, in
// order, with the types the logical ones map to.
TEST_CASE("both engines make the tables of the one schema", "[store]") {
  const std::string kind = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(kind);
  StoreUnderTest under(kind);
  const auto db = open_sql(under.db());
  for (const Table& table : schema_tables()) {
    INFO(table.name);
    const SqlRows rows =
        kind == "sqlite"
            ? db->query(std::string("SELECT name, type FROM pragma_table_info('") + table.name + "') ORDER BY cid")
            : db->query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 "
                        "ORDER BY ordinal_position",
                        {std::string(table.name)});
    REQUIRE(rows.size() == table.columns.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Column& column = table.columns[i];
      CHECK(rows[i].text(0) == column.name);
      const std::string type = rows[i].text(1);
      switch (column.type) {
        case ColumnType::text: CHECK((type == "TEXT" || type == "text")); break;
        case ColumnType::integer:
        case ColumnType::row_id: CHECK((type == "INTEGER" || type == "bigint")); break;
        case ColumnType::bytes: CHECK((type == "BLOB" || type == "bytea")); break;
      }
    }
  }
}

TEST_CASE("versions count up from 1 and keep their bytes", "[store]") {
  const std::string kind = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(kind);
  StoreUnderTest under(kind);
  ModelStore& store = under.store();
  CHECK(store.models().empty());
  CHECK_FALSE(store.latest_version("m"));
  const std::string big = weights_bytes(1, 1600);
  for (int i = 1; i <= 3; ++i) {
    const WriteOutcome out = store.put("m", WriteCondition{}, version_of(i == 2 ? big : weights_bytes(i)));
    REQUIRE(out.stored);
    CHECK(out.info.version == i);
  }
  store.put("other", WriteCondition{}, version_of(weights_bytes(99)));
  CHECK(store.latest_version("m") == 3);
  CHECK(store.body("m", 2) == big);
  CHECK(store.body("m", 1) == weights_bytes(1));
  CHECK_FALSE(store.body("m", 4));
  const auto versions = store.versions("m");
  REQUIRE(versions.size() == 3);
  CHECK(versions[1].size == static_cast<std::int64_t>(big.size()));
  CHECK(versions[1].format == "binary");
  CHECK(versions[1].metrics_json == metrics());
  CHECK(versions[0].created_ms <= versions[2].created_ms);
  const auto models = store.models();
  REQUIRE(models.size() == 2);
  CHECK(models[0].model == "m");
  CHECK(models[0].version == 3);
  CHECK(models[1].model == "other");
  CHECK(store.versions("nobody").empty());
}

TEST_CASE("write conditions: a refused write stores nothing", "[store]") {
  const std::string kind = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(kind);
  StoreUnderTest under(kind);
  ModelStore& store = under.store();
  const auto body = weights_bytes(2);
  CHECK_FALSE(store.put("m", {WriteCondition::Kind::exists, 0}, version_of(body)).stored);
  CHECK_FALSE(store.put("m", at(1), version_of(body)).stored);
  CHECK(store.models().empty());
  CHECK(store.put("m", {WriteCondition::Kind::absent, 0}, version_of(body)).stored);
  const WriteOutcome again = store.put("m", {WriteCondition::Kind::absent, 0}, version_of(body));
  CHECK_FALSE(again.stored);
  CHECK(again.current == 1);
  CHECK(store.put("m", at(1), version_of(body)).stored);
  const WriteOutcome stale = store.put("m", at(1), version_of(body));
  CHECK_FALSE(stale.stored);
  CHECK(stale.current == 2);
  CHECK(store.versions("m").size() == 2);
}

TEST_CASE("racing writers on two replicas: one wins each If-Match, no gaps", "[store]") {
  const std::string kind = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(kind);
  StoreUnderTest under(kind);
  auto second = under.open_again();
  ModelStore* replicas[2] = {&under.store(), second.get()};
  replicas[0]->put("m", WriteCondition{}, version_of(weights_bytes(0)));

  // 8 writers, half on each replica, all expecting version 1.
  std::atomic<int> stored{0}, refused_at_2{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w)
    writers.emplace_back([&, w] {
      const WriteOutcome out = replicas[w % 2]->put("m", at(1), version_of(weights_bytes(1000 + w)));
      (out.stored ? stored : refused_at_2) += out.stored || out.current == 2;
    });
  for (auto& t : writers) t.join();
  CHECK(stored == 1);
  CHECK(refused_at_2 == 7);

  // Unconditional writers on both replicas: every write gets its own number.
  writers.clear();
  for (int w = 0; w < 8; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < 10; ++i) replicas[w % 2]->put("m", WriteCondition{}, version_of(weights_bytes(10000 + w * 100 + i)));
    });
  for (auto& t : writers) t.join();
  const auto versions = replicas[1]->versions("m");
  REQUIRE(versions.size() == 82);
  std::set<std::string> bodies;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    CHECK(versions[i].version == static_cast<std::int64_t>(i + 1));
    bodies.insert(*replicas[0]->body("m", versions[i].version));
  }
  CHECK(bodies.size() == 82);
}

TEST_CASE("jobs: bounded admission, one claim each, leases, results stored once", "[store]") {
  const std::string kind = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(kind);
  StoreUnderTest under(kind);
  auto second = under.open_again();
  ModelStore& a = under.store();
  ModelStore& b = *second;
  a.heartbeat("a", 1);
  b.heartbeat("b", 1);

  // Two slots and one place in the queue: the fourth job is refused.
  std::vector<JobRow> jobs;
  for (int i = 0; i < 3; ++i) {
    const SubmitOutcome out = (i % 2 ? b : a).submit_job("m", "{}", R"({"epochs":1})", admit(1));
    REQUIRE(out.job);
    CHECK(out.job->state == "queued");
    jobs.push_back(*out.job);
  }
  const SubmitOutcome full = a.submit_job("m", "{}", "{}", admit(1));
  CHECK_FALSE(full.job);
  CHECK(full.counts.queued == 3);
  CHECK(jobs[0].id < jobs[1].id);

  // Oldest first, and never the same job twice.
  const std::int64_t later = unix_time_ms() + 60000;
  const auto first = a.claim_job("a", later);
  const auto next = b.claim_job("b", later);
  REQUIRE(first);
  REQUIRE(next);
  CHECK(first->id == jobs[0].id);
  CHECK(next->id == jobs[1].id);
  CHECK(first->attempt == 1);
  CHECK(first->replica == "a");
  CHECK(a.job_counts().running == 2);
  CHECK(a.job_counts().queued == 1);
  CHECK(b.renew_job(*next, R"({"epoch":0.5})", later));
  CHECK(a.job(next->id)->progress == R"({"epoch":0.5})");

  // Replica a dies: once its lease has run out, b claims the job again
  // (oldest first, before the queued one)...
  CHECK(a.renew_job(*first, "{}", unix_time_ms() - 1));
  const auto rerun = b.claim_job("b", later);
  REQUIRE(rerun);
  CHECK(rerun->id == first->id);
  CHECK(rerun->attempt == 2);
  CHECK(rerun->replica == "b");
  // ... and a, back from the dead, can neither renew nor store its result.
  CHECK_FALSE(a.renew_job(*first, "{}", later));
  CHECK_FALSE(a.end_job(*first, "{}", version_of(weights_bytes(11)), ""));
  const auto ended = b.end_job(*rerun, R"({"epoch":1})", version_of(weights_bytes(12)), "");
  REQUIRE(ended);
  CHECK(ended->state == "finished");
  CHECK(ended->version == 1);
  CHECK(ended->progress == R"({"epoch":1})");
  CHECK_FALSE(b.end_job(*rerun, "{}", version_of(weights_bytes(13)), ""));
  CHECK(a.versions("m").size() == 1);
  CHECK(a.body("m", 1) == weights_bytes(12));

  // Cancelled anywhere: the runner's renewal fails, its result is not stored.
  const auto cancelled = a.cancel_job(next->id);
  CHECK(cancelled->state == "cancelled");
  CHECK(cancelled->ended_ms > 0);
  CHECK_FALSE(b.renew_job(*next, "{}", later));
  CHECK_FALSE(b.end_job(*next, "{}", version_of(weights_bytes(14)), ""));
  CHECK(a.cancel_job(next->id)->state == "cancelled");
  CHECK_FALSE(a.cancel_job(999999));
  CHECK_FALSE(a.job(999999));

  // A failure is recorded with its reason; a replica that stops hands its
  // running jobs back to the queue.
  const auto third = b.claim_job("b", later);
  REQUIRE(third);
  CHECK(third->id == jobs[2].id);
  const auto failed = b.end_job(*third, "", std::nullopt, "diverged");
  CHECK(failed->state == "failed");
  CHECK(failed->error == "diverged");
  const auto fourth = a.submit_job("n", "{}", "{}", admit(1)).job;
  REQUIRE(fourth);
  REQUIRE(a.claim_job("a", later)->id == fourth->id);
  a.release_jobs("a");
  CHECK(a.job(fourth->id)->state == "queued");
  CHECK(b.claim_job("b", later)->attempt == 2);

  // Ended jobs beyond the newest kept are forgotten.
  a.forget_ended_jobs(1);
  CHECK_FALSE(a.job(jobs[0].id));
  CHECK(a.job(jobs[2].id));
  CHECK(a.job(fourth->id));
}

TEST_CASE("a dead replica's slots stop counting", "[store]") {
  const std::string kind = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  INFO(kind);
  StoreUnderTest under(kind);
  ModelStore& store = under.store();
  store.heartbeat("gone", 5);
  CHECK(store.submit_job("m", "{}", "{}", JobAdmission{0, 0}).job);
  // Seen before the window: its 5 slots are not there, and the queue bound is 0.
  CHECK_FALSE(store.submit_job("m", "{}", "{}", JobAdmission{0, unix_time_ms() + 1}).job);
  store.remove_replica("gone");
  CHECK_FALSE(store.submit_job("m", "{}", "{}", JobAdmission{0, 0}).job);
}

TEST_CASE("store copy: SQLite -> PostgreSQL -> SQLite is byte-identical and resumable", "[store]") {
  StoreUnderTest source("sqlite"), middle("postgresql"), back("sqlite");
  for (int i = 0; i < 3; ++i) source.store().put("a", WriteCondition{}, version_of(weights_bytes(20 + i)));
  source.store().put("b", WriteCondition{}, version_of(weights_bytes(9, 1000)));

  CopyReport report = copy_store(StoreSource(source.db()), middle.store());
  CHECK(report.models == 2);
  CHECK(report.copied == 4);
  // Resumes: only what is new is copied; what is there is checked.
  source.store().put("a", WriteCondition{}, version_of(weights_bytes(77)));
  report = copy_store(StoreSource(source.db()), middle.store());
  CHECK(report.copied == 1);
  CHECK(report.present == 4);
  copy_store(StoreSource(middle.db()), back.store());

  for (const std::string model : {"a", "b"}) {
    const auto original = source.store().versions(model);
    const auto copied = back.store().versions(model);
    REQUIRE(copied.size() == original.size());
    for (std::size_t i = 0; i < original.size(); ++i) {
      CHECK(copied[i].version == original[i].version);
      CHECK(copied[i].created_ms == original[i].created_ms);
      CHECK(copied[i].format == original[i].format);
      CHECK(copied[i].metrics_json == original[i].metrics_json);
      CHECK(back.store().body(model, copied[i].version) == source.store().body(model, original[i].version));
    }
  }
  // A target with its own history for a model is refused, not merged.
  StoreUnderTest diverged("sqlite");
  diverged.store().put("a", WriteCondition{}, version_of(weights_bytes(78)));
  CHECK_THROWS_WITH(copy_store(StoreSource(source.db()), diverged.store()), Catch::Contains("differs"));
  CHECK(diverged.store().versions("a").size() == 1);
}
