// The store's tables, written once for both engines: a table is its
// columns with a logical type each, and create_tables_sql spells them in
// one engine's words. The store test checks that both engines made exactly
// these columns.
#pragma once
#include <string>
#include <vector>

namespace digitlab::store {

enum class ColumnType { text, integer, bytes, row_id };

struct Column {
  const char* name;
  ColumnType type;
  const char* constraints;  // "NOT NULL", "PRIMARY KEY", ... or ""
};

struct Table {
  const char* name;
  std::vector<Column> columns;
  const char* table_constraint;  // e.g. "PRIMARY KEY(model, version)", or ""
};

// models, versions, jobs, replicas.
const std::vector<Table>& schema_tables();

// How one engine spells the logical types, and what it runs around them.
struct SchemaWords {
  const char* integer;  // a 64-bit integer
  const char* bytes;    // a binary string
  const char* row_id;   // an integer key the database numbers, with its PRIMARY KEY
  const char* before;   // statements before the tables, or ""
  const char* after;    // statements after them, or ""
};

// CREATE TABLE IF NOT EXISTS for every table, and the jobs table's index.
std::string create_tables_sql(const SchemaWords& words);

}  // namespace digitlab::store
