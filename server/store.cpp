#include "store.h"

#include "time_util.h"

namespace digitlab::server {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS models(
  name    TEXT PRIMARY KEY,
  latest  INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS versions(
  model   TEXT NOT NULL REFERENCES models(name),
  version INTEGER NOT NULL,
  created INTEGER NOT NULL,
  size    INTEGER NOT NULL,
  format  TEXT NOT NULL,
  metrics TEXT NOT NULL,
  body    BLOB NOT NULL,
  PRIMARY KEY(model, version)
);
PRAGMA user_version = 1;
)sql";

constexpr const char* kInfoColumns =
    "versions.model, versions.version, versions.created, versions.size, versions.format, versions.metrics";

VersionInfo read_info(const SqliteStatement& row) {
  return VersionInfo{row.text(0), row.int64(1), row.int64(2), row.int64(3), row.text(4), row.text(5)};
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

}  // namespace

struct ModelStore::Lease {
  const ModelStore* store;
  std::unique_ptr<SqliteConnection> connection;
  Lease(const ModelStore* s, std::unique_ptr<SqliteConnection> c) : store(s), connection(std::move(c)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (!connection) return;
    {
      std::lock_guard<std::mutex> lock(store->pool_mutex_);
      store->idle_.push_back(std::move(connection));
    }
    store->returned_.notify_one();
  }
  SqliteConnection& operator*() const { return *connection; }
};

ModelStore::ModelStore(const std::string& path) : path_(path) {
  auto db = open_connection();
  db->exec("PRAGMA journal_mode = WAL");
  db->exec(kSchema);
  idle_.push_back(std::move(db));
  open_ = 1;
}

ModelStore::~ModelStore() = default;

std::unique_ptr<SqliteConnection> ModelStore::open_connection() const {
  auto db = std::make_unique<SqliteConnection>(path_);
  // FULL: the WAL is synced at every commit, so an acknowledged version
  // survives power loss too, not just a killed process.
  db->exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;");
  return db;
}

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
    return Lease(this, open_connection());
  } catch (...) {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    --open_;
    throw;
  }
}

WriteOutcome ModelStore::put(const std::string& model, const WriteCondition& condition, const NewVersion& version) {
  std::lock_guard<std::mutex> writer(write_mutex_);
  Lease db = lease();
  ImmediateTransaction transaction(*db);

  std::int64_t current = 0;
  {
    SqliteStatement latest(*db, "SELECT latest FROM models WHERE name = ?1");
    latest.bind(1, model);
    if (latest.step()) current = latest.int64(0);
  }
  WriteOutcome outcome;
  outcome.current = current;
  if (!condition_holds(condition, current)) return outcome;

  VersionInfo& info = outcome.info;
  info = VersionInfo{model, current + 1, unix_time_ms(), static_cast<std::int64_t>(version.body.size()),
                     version.format, version.metrics_json};
  SqliteStatement upsert(*db,
                         "INSERT INTO models(name, latest, created) VALUES(?1, ?2, ?3) "
                         "ON CONFLICT(name) DO UPDATE SET latest = excluded.latest");
  upsert.bind(1, model).bind(2, info.version).bind(3, info.created_ms).step();
  SqliteStatement insert(*db,
                         "INSERT INTO versions(model, version, created, size, format, metrics, body) "
                         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert.bind(1, model).bind(2, info.version).bind(3, info.created_ms).bind(4, info.size);
  insert.bind(5, info.format).bind(6, info.metrics_json).bind_blob(7, version.body.data(), version.body.size());
  insert.step();
  transaction.commit();
  outcome.stored = true;
  return outcome;
}

std::optional<std::int64_t> ModelStore::latest_version(const std::string& model) const {
  Lease db = lease();
  SqliteStatement query(*db, "SELECT latest FROM models WHERE name = ?1");
  query.bind(1, model);
  if (!query.step()) return std::nullopt;
  return query.int64(0);
}

std::optional<std::string> ModelStore::body(const std::string& model, std::int64_t version) const {
  Lease db = lease();
  SqliteStatement query(*db, "SELECT body FROM versions WHERE model = ?1 AND version = ?2");
  query.bind(1, model).bind(2, version);
  if (!query.step()) return std::nullopt;
  return query.blob(0);
}

std::vector<VersionInfo> ModelStore::models() const {
  Lease db = lease();
  const std::string sql = std::string("SELECT ") + kInfoColumns +
                          " FROM versions JOIN models ON model = name AND version = latest ORDER BY model";
  SqliteStatement query(*db, sql.c_str());
  std::vector<VersionInfo> out;
  while (query.step()) out.push_back(read_info(query));
  return out;
}

std::vector<VersionInfo> ModelStore::versions(const std::string& model) const {
  Lease db = lease();
  const std::string sql = std::string("SELECT ") + kInfoColumns + " FROM versions WHERE model = ?1 ORDER BY version";
  SqliteStatement query(*db, sql.c_str());
  query.bind(1, model);
  std::vector<VersionInfo> out;
  while (query.step()) out.push_back(read_info(query));
  return out;
}

}  // namespace digitlab::server
