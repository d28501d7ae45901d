// Minimal RAII over the SQLite C API: a connection, a prepared statement and
// a transaction guard. Every failure throws StoreError with SQLite's message.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace digitlab::server {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SqliteConnection {
 public:
  explicit SqliteConnection(const std::string& path);  // opens or creates
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  void exec(const char* sql);  // statements without results
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection& db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are numbered from 1, as in SQL's "?1".
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, const std::string& text);
  SqliteStatement& bind_blob(int index, const void* data, std::size_t size);

  bool step();  // true while a row is available, false when done

  // Columns are numbered from 0.
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::string blob(int column) const;
  bool is_null(int column) const;

 private:
  void check(int rc, const char* what) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction: takes the database's write lock up front,
// so a read-check-write inside the transaction cannot race another writer.
// Rolls back unless commit() was called.
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(SqliteConnection& db);
  ~ImmediateTransaction();
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;
  void commit();

 private:
  SqliteConnection& db_;
  bool open_ = true;
};

}  // namespace digitlab::server
