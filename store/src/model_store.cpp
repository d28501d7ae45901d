#include "digitlab/store/model_store.h"

#include "digitlab/store/time.h"
#include "digitlab/store/version_check.h"

namespace digitlab::store {

namespace {

constexpr const char* kInfoColumns =
    "versions.model, versions.version, versions.created, versions.size, versions.format, versions.metrics";
constexpr const char* kJobColumns =
    "id, model, state, request, settings, progress, version, error, created, started, ended, replica, attempt, "
    "lease_until";

VersionInfo read_info(const SqlRow& row) {
  return VersionInfo{row.text(0), row.int64(1), row.int64(2), row.int64(3), row.text(4), row.text(5)};
}

JobRow read_job(const SqlRow& row) {
  JobRow job;
  job.id = row.int64(0);
  job.model = row.text(1);
  job.state = row.text(2);
  job.request = row.text(3);
  job.settings = row.text(4);
  job.progress = row.text(5);
  job.version = row.int64(6);
  job.error = row.text(7);
  job.created_ms = row.int64(8);
  job.started_ms = row.int64(9);
  job.ended_ms = row.int64(10);
  job.replica = row.text(11);
  job.attempt = row.int64(12);
  job.lease_until_ms = row.int64(13);
  return job;
}

bool condition_holds(const WriteCondition& condition, std::int64_t current) {
  switch (condition.kind) {
    case WriteCondition::Kind::any: return true;
    case WriteCondition::Kind::absent: return current == 0;
    case WriteCondition::Kind::exists: return current != 0;
    case WriteCondition::Kind::at_version: return current != 0 && current == condition.version;
  }
  return false;
}

std::string job_query(const char* where) { return std::string("SELECT ") + kJobColumns + " FROM jobs WHERE " + where; }

// The model's latest version (0 for a new model), its row locked until the
// transaction ends: a racing writer on any replica waits here, then sees the
// version this one wrote. A new model's row (latest 0) goes with a rollback.
std::int64_t lock_model(SqlConnection& db, const std::string& model, std::int64_t now) {
  db.query("INSERT INTO models(name, latest, created) VALUES($1, 0, $2) ON CONFLICT(name) DO NOTHING", {model, now});
  return db.query(std::string("SELECT latest FROM models WHERE name = $1") + db.dialect().lock_row, {model})
      .at(0)
      .int64(0);
}

// Appends info.version (the next after the locked latest) with its bytes.
void append_version(SqlConnection& db, const VersionInfo& info, const std::string& body) {
  db.query("UPDATE models SET latest = $2 WHERE name = $1", {info.model, info.version});
  db.query("INSERT INTO versions(model, version, created, size, format, metrics, body) "
           "VALUES($1, $2, $3, $4, $5, $6, $7)",
           {info.model, info.version, info.created_ms, static_cast<std::int64_t>(body.size()), info.format,
            info.metrics_json, Bytes{body}});
}

JobCounts count_jobs(SqlConnection& db) {
  JobCounts counts;
  for (const SqlRow& row :
       db.query("SELECT state, COUNT(*) FROM jobs WHERE state IN ('running', 'queued') GROUP BY state"))
    (row.text(0) == "running" ? counts.running : counts.queued) = row.int64(1);
  return counts;
}

std::optional<JobRow> first_job(const SqlRows& rows) {
  if (rows.empty()) return std::nullopt;
  return read_job(rows.front());
}

}  // namespace

struct ModelStore::Lease {
  const ModelStore* store;
  std::unique_ptr<SqlConnection> connection;
  Lease(const ModelStore* s, std::unique_ptr<SqlConnection> c) : store(s), connection(std::move(c)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (!connection) return;
    {
      std::lock_guard<std::mutex> lock(store->pool_mutex_);
      if (connection->broken())
        --store->open_;
      else
        store->idle_.push_back(std::move(connection));
    }
    store->returned_.notify_one();
  }
  SqlConnection& operator*() const { return *connection; }
  SqlConnection* operator->() const { return connection.get(); }
};

ModelStore::ModelStore(const std::string& db) : db_(db) {
  auto connection = open_sql(db_);
  dialect_ = &connection->dialect();
  if (!is_postgres_url(db_)) connection->exec("PRAGMA journal_mode = WAL");
  connection->exec(dialect_->schema);
  idle_.push_back(std::move(connection));
  open_ = 1;
}

ModelStore::~ModelStore() = default;

ModelStore::Lease ModelStore::lease() const {
  {
    std::unique_lock<std::mutex> lock(pool_mutex_);
    returned_.wait(lock, [&] { return !idle_.empty() || open_ < kMaxConnections; });
    if (!idle_.empty()) {
      Lease lease(this, std::move(idle_.back()));
      idle_.pop_back();
      return lease;
    }
    ++open_;
  }
  try {
    return Lease(this, open_sql(db_));
  } catch (...) {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    --open_;
    returned_.notify_one();
    throw;
  }
}

std::unique_lock<std::mutex> ModelStore::write_turn() {
  return dialect_->single_writer ? std::unique_lock<std::mutex>(write_mutex_) : std::unique_lock<std::mutex>();
}

// --- models -------------------------------------------------------------------

namespace {
// A new version as check_version sees it before the store numbers it: the
// check (a parse and a CRC over up to 64 MB) runs before the write turn, so it
// holds no other writer. Version 1 stands for the number the store gives it.
VersionInfo checked_new_version(const std::string& model, const NewVersion& version) {
  VersionInfo info{model, 1, unix_time_ms(), static_cast<std::int64_t>(version.body.size()), version.format,
                   version.metrics_json};
  check_version(info, version.body);
  return info;
}
}  // namespace

WriteOutcome ModelStore::put_in(SqlConnection& db, VersionInfo checked, const WriteCondition& condition,
                                const std::string& body) {
  checked.created_ms = unix_time_ms();  // when it is written: versions keep their order in time
  WriteOutcome outcome;
  outcome.current = lock_model(db, checked.model, checked.created_ms);
  if (!condition_holds(condition, outcome.current)) return outcome;
  checked.version = outcome.current + 1;
  outcome.info = std::move(checked);
  append_version(db, outcome.info, body);
  outcome.stored = true;
  return outcome;
}

WriteOutcome ModelStore::put(const std::string& model, const WriteCondition& condition, const NewVersion& version) {
  VersionInfo checked = checked_new_version(model, version);
  const auto turn = write_turn();
  Lease db = lease();
  SqlTransaction transaction(*db);
  WriteOutcome outcome = put_in(*db, std::move(checked), condition, version.body);
  if (outcome.stored) transaction.commit();
  return outcome;
}

bool ModelStore::import_version(const VersionInfo& info, const std::string& body) {
  check_version(info, body);
  const auto turn = write_turn();
  Lease db = lease();
  SqlTransaction transaction(*db);
  if (lock_model(*db, info.model, info.created_ms) != info.version - 1) return false;
  append_version(*db, info, body);
  transaction.commit();
  return true;
}

std::optional<std::int64_t> ModelStore::latest_version(const std::string& model) const {
  Lease db = lease();
  const SqlRows rows = db->query("SELECT latest FROM models WHERE name = $1 AND latest > 0", {model});
  if (rows.empty()) return std::nullopt;
  return rows[0].int64(0);
}

std::optional<std::string> ModelStore::body(const std::string& model, std::int64_t version) const {
  Lease db = lease();
  SqlRows rows = db->query("SELECT body FROM versions WHERE model = $1 AND version = $2", {model, version});
  if (rows.empty()) return std::nullopt;
  return rows[0].take_text(0);
}

std::vector<VersionInfo> ModelStore::models() const {
  Lease db = lease();
  std::vector<VersionInfo> out;
  for (const SqlRow& row : db->query(std::string("SELECT ") + kInfoColumns +
                                     " FROM versions JOIN models ON model = name AND version = latest ORDER BY model"))
    out.push_back(read_info(row));
  return out;
}

std::vector<VersionInfo> ModelStore::versions(const std::string& model) const {
  Lease db = lease();
  std::vector<VersionInfo> out;
  for (const SqlRow& row :
       db->query(std::string("SELECT ") + kInfoColumns + " FROM versions WHERE model = $1 ORDER BY version", {model}))
    out.push_back(read_info(row));
  return out;
}

// --- jobs -----------------------------------------------------------------------

SubmitOutcome ModelStore::submit_job(const std::string& model, const std::string& request, const std::string& settings,
                                     const JobAdmission& admission) {
  const auto turn = write_turn();
  Lease db = lease();
  SqlTransaction transaction(*db);
  // Admissions are decided one at a time across the cluster.
  if (*dialect_->admission_lock) db->query(dialect_->admission_lock);
  const SqlRows slots = db->query("SELECT slots FROM replicas WHERE seen >= $1", {admission.live_since_ms});
  std::int64_t capacity = admission.queue;
  for (const SqlRow& row : slots) capacity += row.int64(0);
  SubmitOutcome outcome;
  outcome.counts = count_jobs(*db);
  if (outcome.counts.running + outcome.counts.queued >= capacity) return outcome;
  outcome.job = first_job(db->query(std::string("INSERT INTO jobs(model, state, request, settings, created) "
                                                "VALUES($1, 'queued', $2, $3, $4) RETURNING ") +
                                        kJobColumns,
                                    {model, request, settings, unix_time_ms()}));
  transaction.commit();
  return outcome;
}

std::optional<JobRow> ModelStore::job(std::int64_t id) const {
  Lease db = lease();
  return first_job(db->query(job_query("id = $1"), {id}));
}

std::optional<JobRow> ModelStore::claim_job(const std::string& replica, std::int64_t lease_until_ms) {
  const auto turn = write_turn();
  Lease db = lease();
  SqlTransaction transaction(*db);
  const std::int64_t now = unix_time_ms();
  const SqlRows free = db->query(std::string("SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND "
                                             "lease_until < $1) ORDER BY id LIMIT 1") +
                                     dialect_->lock_free_row,
                                 {now});
  if (free.empty()) return std::nullopt;
  auto claimed = first_job(db->query(std::string("UPDATE jobs SET state = 'running', replica = $2, attempt = attempt + 1, "
                                                 "lease_until = $3, started = $4, progress = NULL WHERE id = $1 RETURNING ") +
                                         kJobColumns,
                                     {free[0].int64(0), replica, lease_until_ms, now}));
  transaction.commit();
  return claimed;
}

bool ModelStore::renew_job(const JobRow& claimed, const std::string& progress, std::int64_t lease_until_ms) {
  const auto turn = write_turn();
  Lease db = lease();
  return !db->query("UPDATE jobs SET progress = $4, lease_until = $5 WHERE id = $1 AND state = 'running' AND "
                    "replica = $2 AND attempt = $3 RETURNING id",
                    {claimed.id, claimed.replica, claimed.attempt, progress, lease_until_ms})
              .empty();
}

std::optional<JobRow> ModelStore::end_job(const JobRow& claimed, const std::string& progress,
                                          const std::optional<NewVersion>& result, const std::string& error) {
  // A result the check refuses fails the job with the reason: rerunning it
  // would only make the same result again.
  std::optional<VersionInfo> checked;
  std::string failure = error;
  if (result) try {
      checked = checked_new_version(claimed.model, *result);
    } catch (const RefusedVersion& e) {
      failure = e.what();
    }
  const auto turn = write_turn();
  Lease db = lease();
  SqlTransaction transaction(*db);
  const SqlRows mine = db->query(std::string("SELECT id FROM jobs WHERE id = $1 AND state = 'running' AND replica = $2 "
                                             "AND attempt = $3") +
                                     dialect_->lock_row,
                                 {claimed.id, claimed.replica, claimed.attempt});
  if (mine.empty()) return std::nullopt;
  SqlParam version = nullptr;
  if (checked) version = put_in(*db, std::move(*checked), WriteCondition{}, result->body).info.version;
  const bool stored = !std::holds_alternative<std::nullptr_t>(version);
  auto ended = first_job(db->query(std::string("UPDATE jobs SET state = $2, progress = $3, version = $4, error = $5, "
                                               "ended = $6, lease_until = NULL WHERE id = $1 RETURNING ") +
                                       kJobColumns,
                                   {claimed.id, std::string(stored ? "finished" : "failed"), progress, version,
                                    failure.empty() ? SqlParam(nullptr) : SqlParam(failure), unix_time_ms()}));
  transaction.commit();
  return ended;
}

std::optional<JobRow> ModelStore::cancel_job(std::int64_t id) {
  const auto turn = write_turn();
  Lease db = lease();
  db->query("UPDATE jobs SET state = 'cancelled', ended = $2, lease_until = NULL WHERE id = $1 AND state IN "
            "('queued', 'running')",
            {id, unix_time_ms()});
  return first_job(db->query(job_query("id = $1"), {id}));
}

void ModelStore::release_jobs(const std::string& replica) {
  const auto turn = write_turn();
  Lease db = lease();
  db->query("UPDATE jobs SET state = 'queued', lease_until = NULL, progress = NULL WHERE state = 'running' AND "
            "replica = $1",
            {replica});
}

JobCounts ModelStore::job_counts() const {
  Lease db = lease();
  return count_jobs(*db);
}

void ModelStore::forget_ended_jobs(std::int64_t keep) {
  const auto turn = write_turn();
  Lease db = lease();
  db->query("DELETE FROM jobs WHERE state IN ('finished', 'failed', 'cancelled') AND id NOT IN (SELECT id FROM jobs "
            "WHERE state IN ('finished', 'failed', 'cancelled') ORDER BY id DESC LIMIT $1)",
            {keep});
}

void ModelStore::heartbeat(const std::string& replica, std::int64_t slots) {
  const auto turn = write_turn();
  Lease db = lease();
  db->query("INSERT INTO replicas(name, slots, seen) VALUES($1, $2, $3) ON CONFLICT(name) DO UPDATE SET slots = "
            "excluded.slots, seen = excluded.seen",
            {replica, slots, unix_time_ms()});
}

void ModelStore::remove_replica(const std::string& replica) {
  const auto turn = write_turn();
  Lease db = lease();
  db->query("DELETE FROM replicas WHERE name = $1", {replica});
}

}  // namespace digitlab::store
