#include "postgres.h"

#include <libpq-fe.h>

#include <algorithm>

#include "schema.h"

namespace digitlab::store {

namespace {

// The tables in PostgreSQL's words (schema.h). Replicas starting together
// must not create them twice at once (two CREATE TABLE IF NOT EXISTS can
// still collide): they are made under a transaction-level advisory lock.
// Weights are stored out of line, uncompressed (they do not compress).
const std::string kSchema = create_tables_sql({"BIGINT", "BYTEA", "BIGSERIAL PRIMARY KEY",
                                               "BEGIN;\nSELECT pg_advisory_xact_lock(20260411);",
                                               "ALTER TABLE versions ALTER COLUMN body SET STORAGE EXTERNAL;\nCOMMIT;\n"});

// READ COMMITTED with row locks: a write
// locks its model's row (SELECT ... FOR UPDATE), so racing If-Match writers on
// any replicas are decided one after the other; job claims skip rows that
// another replica is claiming (SKIP LOCKED); job admissions (count, then
// insert) take a transaction-level advisory lock, one at a time.
const SqlDialect kPostgres{"postgresql", kSchema.c_str(), "BEGIN", " FOR UPDATE", " FOR UPDATE SKIP LOCKED",
                           "SELECT pg_advisory_xact_lock(20260412)", false};

// Type OIDs (catalog/pg_type.h) of the columns the store reads.
constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kBytea = 17, kBool = 16;

std::int64_t big_endian(const char* p, int size) {
  std::uint64_t v = 0;
  for (int i = 0; i < size; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  if (size < 8 && (v >> (size * 8 - 1)) & 1) v |= ~std::uint64_t(0) << (size * 8);  // sign-extend
  return static_cast<std::int64_t>(v);
}

struct Result {
  PGresult* r;
  ~Result() { PQclear(r); }
};

}  // namespace

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

PostgresConnection::PostgresConnection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    PQfinish(conn_);
    throw StoreError(redact_url(url) + ": cannot connect: " + message);
  }
  exec("SET client_min_messages = warning");
}

PostgresConnection::PostgresConnection(const std::string& url, std::chrono::steady_clock::time_point deadline)
    : PostgresConnection(url) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  exec("SET default_transaction_read_only = on; SET statement_timeout = " +
       std::to_string(std::max<std::int64_t>(1, left.count())));
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

const SqlDialect& PostgresConnection::dialect() const { return kPostgres; }

bool PostgresConnection::broken() const { return PQstatus(conn_) != CONNECTION_OK; }

void PostgresConnection::exec(const std::string& sql) {
  Result result{PQexec(conn_, sql.c_str())};
  const ExecStatusType status = PQresultStatus(result.r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw StoreError("postgresql: " + std::string(PQerrorMessage(conn_)) + " in: " + sql.substr(0, 200));
}

SqlRows PostgresConnection::query(const std::string& sql, const std::vector<SqlParam>& params) {
  // Integers and text go as text; bytes as binary BYTEA. Results come back in
  // binary, so bodies arrive as they are (not hex-encoded).
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
  std::vector<Oid> types(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SqlParam& p = params[i];
    if (const auto* n = std::get_if<std::int64_t>(&p)) {
      texts[i] = std::to_string(*n);
      values[i] = texts[i].c_str();
      types[i] = kInt8;
    } else if (const auto* text = std::get_if<std::string>(&p)) {
      values[i] = text->c_str();
    } else if (const auto* bytes = std::get_if<Bytes>(&p)) {
      values[i] = bytes->data.data();
      lengths[i] = static_cast<int>(bytes->data.size());
      formats[i] = 1;
      types[i] = kBytea;
    }
  }
  Result result{PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), types.data(), values.data(),
                             lengths.data(), formats.data(), 1)};
  const ExecStatusType status = PQresultStatus(result.r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw StoreError(std::string("postgresql: ") + PQerrorMessage(conn_));
  SqlRows rows;
  const int n_rows = PQntuples(result.r), n_cols = PQnfields(result.r);
  rows.reserve(static_cast<std::size_t>(n_rows));
  for (int r = 0; r < n_rows; ++r) {
    std::vector<SqlCell> cells;
    for (int c = 0; c < n_cols; ++c) {
      if (PQgetisnull(result.r, r, c)) {
        cells.emplace_back(std::monostate{});
        continue;
      }
      const char* value = PQgetvalue(result.r, r, c);
      const int length = PQgetlength(result.r, r, c);
      const Oid type = PQftype(result.r, c);
      if (type == kInt8 || type == kInt4 || type == kInt2 || type == kBool)
        cells.emplace_back(big_endian(value, length));
      else
        cells.emplace_back(std::string(value, static_cast<std::size_t>(length)));
    }
    rows.emplace_back(std::move(cells));
  }
  return rows;
}

}  // namespace digitlab::store
