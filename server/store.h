// The model store: every version of every model's weights in one SQLite
// database (WAL mode). Versions of a model are numbered 1, 2, 3, ... and are
// immutable once written; each write is one transaction, so a version is
// either wholly there or not at all, and a committed one survives a crash.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.h"

namespace digitlab::server {

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

class ModelStore {
 public:
  // Opens or creates the database file (its directory must exist).
  explicit ModelStore(const std::string& path);
  ~ModelStore();

  // Appends the next version if `condition` holds, all in one transaction.
  WriteOutcome put(const std::string& model, const WriteCondition& condition, const NewVersion& version);

  std::optional<std::int64_t> latest_version(const std::string& model) const;
  // The canonical binary weights of one version.
  std::optional<std::string> body(const std::string& model, std::int64_t version) const;
  // The latest version of every model, by name.
  std::vector<VersionInfo> models() const;
  // Every version of one model, oldest first; empty for an unknown model.
  std::vector<VersionInfo> versions(const std::string& model) const;

 private:
  // Connections are not shared between threads: each call leases one from
  // the pool (opened on demand, at most kMaxConnections, each 2 file
  // descriptors: the database and its WAL) and gives it back; a call that
  // finds all in use waits for one.
  static constexpr std::size_t kMaxConnections = 8;
  struct Lease;
  Lease lease() const;
  std::unique_ptr<SqliteConnection> open_connection() const;

  const std::string path_;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<SqliteConnection>> idle_;
  mutable std::size_t open_ = 0;  // connections in existence, idle or leased
  mutable std::condition_variable returned_;
  // Writers queue here rather than in SQLite's sleeping busy handler; BEGIN
  // IMMEDIATE still guards against other processes on the same file.
  std::mutex write_mutex_;
};

}  // namespace digitlab::server
