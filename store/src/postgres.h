// PostgreSQL (libpq) behind the store's SqlConnection, for replicas that
// share one database. Commits are durable when PostgreSQL acknowledges them
// (synchronous_commit on, its default).
#pragma once
#include <chrono>
#include <string>

#include "digitlab/store/sql.h"

struct pg_conn;

namespace digitlab::store {

class PostgresConnection : public SqlConnection {
 public:
  explicit PostgresConnection(const std::string& url);
  // Read-only transactions only (open_sql_source); statements time out at `deadline`.
  PostgresConnection(const std::string& url, std::chrono::steady_clock::time_point deadline);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  const SqlDialect& dialect() const override;
  void exec(const std::string& sql) override;
  SqlRows query(const std::string& sql, const std::vector<SqlParam>& params) override;
  bool broken() const override;

 private:
  pg_conn* conn_ = nullptr;
};

}  // namespace digitlab::store
