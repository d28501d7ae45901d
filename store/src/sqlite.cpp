#include "sqlite.h"

#include <sqlite3.h>

#include <cstdio>
#include <fstream>

#include "schema.h"

namespace digitlab::store {

namespace {

// The tables in SQLite's words (schema.h); user_version marks the schema's
// generation.
const std::string kSchema = create_tables_sql({"INTEGER", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT", "",
                                               "PRAGMA user_version = 2;"});

// WAL: readers never wait for the writer. BEGIN IMMEDIATE takes the write
// lock up front, so a read-check-write inside it cannot race another writer
// (other processes on the same file included); rows need no locking.
const SqlDialect kSqlite{"sqlite", kSchema.c_str(), "BEGIN IMMEDIATE", "", "", "", true};

std::string sqlite_message(sqlite3* db) { return db ? sqlite3_errmsg(db) : "out of memory"; }

// "$1" -> "?1": the store's SQL is written once, with PostgreSQL's numbering.
std::string with_sqlite_parameters(const std::string& sql) {
  std::string out = sql;
  for (std::size_t i = 0; i + 1 < out.size(); ++i)
    if (out[i] == '$' && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '?';
  return out;
}

// Bytes 18 and 19 of a SQLite header are 2 for a WAL-mode database.
bool wal_mode(const std::string& path) {
  char header[20] = {};
  std::ifstream(path, std::ios::binary).read(header, sizeof header);
  return header[18] == 2 && header[19] == 2;
}

// A file name as the path of a file: URI ('%', '?' and '#' escaped).
std::string uri_path(const std::string& path) {
  std::string out;
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path) {
  open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // FULL: the WAL is synced at every commit, so an acknowledged version
  // survives power loss too, not just a killed process.
  exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;");
}

SqliteConnection::SqliteConnection(const std::string& path, std::chrono::steady_clock::time_point deadline)
    : deadline_(deadline) {
  // A reader of a WAL file nothing has open would leave empty -wal and -shm
  // files next to it: such a file is opened immutable instead, with no side
  // files. A store in use has its -wal file, and is read through it.
  const bool idle_wal = wal_mode(path) && !std::ifstream(path + "-wal");
  open("file:" + uri_path(path) + (idle_wal ? "?immutable=1" : ""), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
  // A runaway statement (a recursive view, a huge join) is interrupted at
  // the deadline instead of running on.
  sqlite3_progress_handler(
      db_, 10000, [](void* d) { return std::chrono::steady_clock::now() > *static_cast<decltype(deadline_)*>(d) ? 1 : 0; },
      &deadline_);
  exec("PRAGMA query_only = 1; PRAGMA busy_timeout = 10000;");
}

void SqliteConnection::open(const std::string& path, int flags) {
  if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string message = sqlite_message(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(path + ": cannot open database: " + message);
  }
}

SqliteConnection::~SqliteConnection() { sqlite3_close(db_); }

const SqlDialect& SqliteConnection::dialect() const { return kSqlite; }

void SqliteConnection::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message ? message : sqlite_message(db_);
    sqlite3_free(message);
    throw StoreError("sqlite: " + text + " in: " + sql.substr(0, 200));
  }
}

SqlRows SqliteConnection::query(const std::string& sql, const std::vector<SqlParam>& params) {
  const auto check = [&](int rc, const char* what) {
    if (rc != SQLITE_OK) throw StoreError(std::string("sqlite ") + what + ": " + sqlite_message(db_));
  };
  Statement s;
  check(sqlite3_prepare_v2(db_, with_sqlite_parameters(sql).c_str(), -1, &s.stmt, nullptr), "prepare");
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    const SqlParam& p = params[i];
    if (const auto* n = std::get_if<std::int64_t>(&p)) {
      check(sqlite3_bind_int64(s.stmt, index, *n), "bind");
    } else if (const auto* text = std::get_if<std::string>(&p)) {
      check(sqlite3_bind_text64(s.stmt, index, text->data(), text->size(), SQLITE_TRANSIENT, SQLITE_UTF8), "bind");
    } else if (const auto* bytes = std::get_if<Bytes>(&p)) {
      check(sqlite3_bind_blob64(s.stmt, index, bytes->data.data(), bytes->data.size(), SQLITE_STATIC), "bind");
    } else {
      check(sqlite3_bind_null(s.stmt, index), "bind");
    }
  }
  SqlRows rows;
  for (;;) {
    const int rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_DONE) return rows;
    if (rc == SQLITE_INTERRUPT) throw StoreError("sqlite: the statement ran past its time budget and was stopped");
    if (rc != SQLITE_ROW) throw StoreError(std::string("sqlite step: ") + sqlite_message(db_));
    std::vector<SqlCell> cells;
    for (int c = 0; c < sqlite3_column_count(s.stmt); ++c) {
      switch (sqlite3_column_type(s.stmt, c)) {
        case SQLITE_NULL: cells.emplace_back(std::monostate{}); break;
        case SQLITE_INTEGER: cells.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(s.stmt, c))); break;
        default: {
          const auto* p = static_cast<const char*>(sqlite3_column_blob(s.stmt, c));
          cells.emplace_back(std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s.stmt, c))));
        }
      }
    }
    rows.emplace_back(std::move(cells));
  }
}

}  // namespace digitlab::store
