// The store: every version of every model's weights, and the training jobs,
// in one database that one server (SQLite) or several replicas (PostgreSQL)
// use. Versions of a model are numbered 1, 2, 3, ... without gaps and are
// immutable once written; each write is one transaction, so a version is
// either wholly there or not at all, and an acknowledged one is committed.
// Its logic is written once over SqlConnection (sql.h); the SQLite and
// PostgreSQL connections are its two implementations.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "digitlab/store/sql.h"

namespace digitlab::store {

// One stored version without its weights.
struct VersionInfo {
  std::string model;
  std::int64_t version = 0;
  std::int64_t created_ms = 0;  // Unix time in milliseconds
  std::int64_t size = 0;        // bytes of the stored (canonical binary) weights
  std::string format;           // how it arrived: "json", "binary" or "trained"
  std::string metrics_json;     // a JSON object taken from the weights' metadata
};

// What a new version is made of.
struct NewVersion {
  std::string body;  // canonical binary weights
  std::string format;
  std::string metrics_json;
};

// The state a write expects the model to be in (HTTP If-Match / If-None-Match).
struct WriteCondition {
  enum class Kind { any, absent, exists, at_version };
  Kind kind = Kind::any;
  std::int64_t version = 0;  // for at_version
};

struct WriteOutcome {
  bool stored = false;
  VersionInfo info;             // the new version when stored
  std::int64_t current = 0;     // latest version when refused (0: no such model)
};

// A training job as a row: queued, running (on `replica`, attempt `attempt`,
// claimed until `lease_until`), then finished, failed or cancelled.
struct JobRow {
  std::int64_t id = 0;
  std::string model;
  std::string state;
  std::string request;   // the POST body, parsed again by the replica that runs it
  std::string settings;  // JSON: what the job runs with
  std::string progress;  // JSON, or "" before the first report
  std::int64_t version = 0;  // stored when finished, else 0
  std::string error;
  std::int64_t created_ms = 0, started_ms = 0, ended_ms = 0;
  std::string replica;
  std::int64_t attempt = 0;
  std::int64_t lease_until_ms = 0;
};

struct JobCounts {
  std::int64_t running = 0;
  std::int64_t queued = 0;
};

// The cluster-wide bound on jobs: running + queued stays below the live
// replicas' slots plus `queue` waiting.
struct JobAdmission {
  std::int64_t queue = 4;
  std::int64_t live_since_ms = 0;  // replicas seen since then count as live
};

struct SubmitOutcome {
  std::optional<JobRow> job;  // nullopt: refused, the cluster is full
  JobCounts counts;           // when refused: what is running and waiting
};

class ModelStore {
 public:
  // A SQLite file (its directory must exist) or a postgresql:// URL; the
  // schema is created if missing.
  explicit ModelStore(const std::string& db);
  ~ModelStore();
  const char* kind() const { return dialect_->name; }

  // --- models ---
  // Appends the next version if `condition` holds, all in one transaction.
  // Every way in (put, import_version, end_job's result) first passes
  // check_version (version_check.h): a refused version is a RefusedVersion.
  WriteOutcome put(const std::string& model, const WriteCondition& condition, const NewVersion& version);
  // Stores `info.version` exactly as given (created time included) if the
  // model's latest is info.version - 1: how `store copy` moves history.
  bool import_version(const VersionInfo& info, const std::string& body);

  std::optional<std::int64_t> latest_version(const std::string& model) const;
  // The canonical binary weights of one version.
  std::optional<std::string> body(const std::string& model, std::int64_t version) const;
  // The latest version of every model, by name.
  std::vector<VersionInfo> models() const;
  // Every version of one model, oldest first; empty for an unknown model.
  std::vector<VersionInfo> versions(const std::string& model) const;

  // --- jobs ---
  SubmitOutcome submit_job(const std::string& model, const std::string& request, const std::string& settings,
                           const JobAdmission& admission);
  std::optional<JobRow> job(std::int64_t id) const;
  // The oldest queued job, or a running one whose lease ran out (its replica
  // died), now running on `replica` until lease_until_ms; nullopt if none.
  std::optional<JobRow> claim_job(const std::string& replica, std::int64_t lease_until_ms);
  // Records progress and extends the lease; false when the job is no longer
  // this attempt's (cancelled, or claimed again elsewhere): stop running it.
  bool renew_job(const JobRow& claimed, const std::string& progress, std::int64_t lease_until_ms);
  // Ends this attempt: stores `result` as the model's next version and marks
  // the job finished in one transaction, or marks it failed with `error` (or,
  // when check_version refuses the result, with the reason it gives).
  // Nothing changes (nullopt) when the job is no longer this attempt's, so a
  // result is stored once.
  std::optional<JobRow> end_job(const JobRow& claimed, const std::string& progress,
                                const std::optional<NewVersion>& result, const std::string& error);
  // Cancels a queued or running job; its row as it then is (nullopt: unknown).
  std::optional<JobRow> cancel_job(std::int64_t id);
  // A replica shutting down hands its running jobs back to the queue.
  void release_jobs(const std::string& replica);
  JobCounts job_counts() const;
  // Ended jobs beyond the newest `keep` are deleted.
  void forget_ended_jobs(std::int64_t keep);

  // --- replicas (for the cluster-wide job bound) ---
  void heartbeat(const std::string& replica, std::int64_t slots);
  void remove_replica(const std::string& replica);

 private:
  // Connections are not shared between threads: each call leases one from
  // the pool (opened on demand, at most kMaxConnections) and gives it back; a
  // call that finds all in use waits for one. A lost connection is dropped.
  static constexpr std::size_t kMaxConnections = 8;
  struct Lease;
  Lease lease() const;
  // SQLite has one writer at a time: writers queue here rather than in its
  // sleeping busy handler. PostgreSQL writers lock rows instead.
  std::unique_lock<std::mutex> write_turn();
  // Appends a version check_version passed (numbered and timed here).
  WriteOutcome put_in(SqlConnection& db, VersionInfo checked, const WriteCondition& condition,
                      const std::string& body);

  const std::string db_;
  const SqlDialect* dialect_ = nullptr;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<SqlConnection>> idle_;
  mutable std::size_t open_ = 0;  // connections in existence, idle or leased
  mutable std::condition_variable returned_;
  std::mutex write_mutex_;
};

}  // namespace digitlab::store
