#include "digitlab/store/sql.h"

#include "postgres.h"
#include "sqlite.h"

namespace digitlab::store {

std::int64_t SqlRow::int64(std::size_t column) const {
  const SqlCell& cell = cells_.at(column);
  if (const auto* n = std::get_if<std::int64_t>(&cell)) return *n;
  if (std::holds_alternative<std::monostate>(cell)) return 0;
  throw StoreError("column " + std::to_string(column) + " is not an integer");
}

const std::string& SqlRow::text(std::size_t column) const {
  static const std::string empty;
  const SqlCell& cell = cells_.at(column);
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (std::holds_alternative<std::monostate>(cell)) return empty;
  throw StoreError("column " + std::to_string(column) + " is not text");
}

std::string SqlRow::take_text(std::size_t column) {
  if (auto* s = std::get_if<std::string>(&cells_.at(column))) return std::move(*s);
  return text(column);
}

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::unique_ptr<SqlConnection> open_sql(const std::string& db) {
  if (is_postgres_url(db)) return std::make_unique<PostgresConnection>(db);
  return std::make_unique<SqliteConnection>(db);
}

std::unique_ptr<SqlConnection> open_sql_source(const std::string& db, std::chrono::steady_clock::time_point deadline) {
  if (is_postgres_url(db)) return std::make_unique<PostgresConnection>(db, deadline);
  return std::make_unique<SqliteConnection>(db, deadline);
}

SqlTransaction::~SqlTransaction() {
  if (!open_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const StoreError&) {
    // The connection is broken; the database rolls the transaction back itself.
  }
}

void SqlTransaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace digitlab::store
