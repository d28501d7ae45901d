// The one SQL surface the store is written against, so its logic exists once
// and runs on SQLite (one machine) or PostgreSQL (replicas sharing one
// database): a connection runs statements with numbered parameters ($1, $2,
// ...) and returns their rows. Every failure throws StoreError.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace digitlab::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parameter: NULL, an integer, text, or bytes (a BLOB / BYTEA).
struct Bytes {
  const std::string& data;
};
using SqlParam = std::variant<std::nullptr_t, std::int64_t, std::string, Bytes>;

// A result cell: NULL, an integer, or text/bytes.
using SqlCell = std::variant<std::monostate, std::int64_t, std::string>;

class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlCell> cells) : cells_(std::move(cells)) {}
  bool is_null(std::size_t column) const { return std::holds_alternative<std::monostate>(cells_.at(column)); }
  std::int64_t int64(std::size_t column) const;     // NULL reads as 0
  const std::string& text(std::size_t column) const;  // also bytes; NULL reads as ""
  std::string take_text(std::size_t column);          // moves a large value out

 private:
  std::vector<SqlCell> cells_;
};
using SqlRows = std::vector<SqlRow>;

// How the two databases differ where the store's SQL must say it.
struct SqlDialect {
  const char* name;             // "sqlite", "postgresql"
  const char* schema;           // CREATE TABLE IF NOT EXISTS ... for models, versions, jobs, replicas
  const char* begin_write;      // starts a transaction that will write
  const char* lock_row;         // appended to a SELECT of rows to change: " FOR UPDATE" or ""
  const char* lock_free_row;    // the same, skipping rows another transaction holds
  const char* admission_lock;   // a statement that serialises job admissions, or ""
  bool single_writer;           // writes queue in-process (one file, one writer at a time)
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual const SqlDialect& dialect() const = 0;
  // Statements without parameters or results (schema, BEGIN, COMMIT), ';'-separated.
  virtual void exec(const std::string& sql) = 0;
  virtual SqlRows query(const std::string& sql, const std::vector<SqlParam>& params = {}) = 0;
  // True once the connection is lost (the pool then opens a new one).
  virtual bool broken() const { return false; }
};

// Opens a connection: a postgresql:// (or postgres://) URL, else a SQLite file.
std::unique_ptr<SqlConnection> open_sql(const std::string& db);
// A connection that can only read, for `store copy`'s source: a SQLite file
// opened read-only with query_only (no file is created or written), or
// PostgreSQL with read-only transactions. A statement still running at
// `deadline` ends with a StoreError.
std::unique_ptr<SqlConnection> open_sql_source(const std::string& db, std::chrono::steady_clock::time_point deadline);
bool is_postgres_url(const std::string& db);
// The URL without its password, for log lines (a file name as it is).
std::string redact_url(const std::string& url);

// A transaction that rolls back unless committed (and on any exception).
class SqlTransaction {
 public:
  explicit SqlTransaction(SqlConnection& db) : db_(db) { db_.exec(db_.dialect().begin_write); }
  ~SqlTransaction();
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;
  void commit();

 private:
  SqlConnection& db_;
  bool open_ = true;
};

}  // namespace digitlab::store
