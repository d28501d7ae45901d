// SQLite behind the store's SqlConnection: one database file in WAL mode,
// synced at every commit, writers serialised by BEGIN IMMEDIATE.
#pragma once
#include <chrono>
#include <string>

#include "digitlab/store/sql.h"

struct sqlite3;

namespace digitlab::store {

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(const std::string& path);  // opens or creates
  // Read-only (open_sql_source): statements running at `deadline` are interrupted.
  SqliteConnection(const std::string& path, std::chrono::steady_clock::time_point deadline);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  const SqlDialect& dialect() const override;
  void exec(const std::string& sql) override;
  // "$N" parameters are SQLite's "?N".
  SqlRows query(const std::string& sql, const std::vector<SqlParam>& params) override;

 private:
  void open(const std::string& path, int flags);

  sqlite3* db_ = nullptr;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
};

}  // namespace digitlab::store
