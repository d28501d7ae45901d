#include "schema.h"

namespace digitlab::store {

const std::vector<Table>& schema_tables() {
  using T = ColumnType;
  static const std::vector<Table> tables = {
      {"models",
       {{"name", T::text, "PRIMARY KEY"}, {"latest", T::integer, "NOT NULL"}, {"created", T::integer, "NOT NULL"}},
       ""},
      {"versions",
       {{"model", T::text, "NOT NULL REFERENCES models(name)"},
        {"version", T::integer, "NOT NULL"},
        {"created", T::integer, "NOT NULL"},
        {"size", T::integer, "NOT NULL"},
        {"format", T::text, "NOT NULL"},
        {"metrics", T::text, "NOT NULL"},
        {"body", T::bytes, "NOT NULL"}},
       "PRIMARY KEY(model, version)"},
      {"jobs",
       {{"id", T::row_id, ""},
        {"model", T::text, "NOT NULL"},
        {"state", T::text, "NOT NULL"},
        {"request", T::text, "NOT NULL"},
        {"settings", T::text, "NOT NULL"},
        {"progress", T::text, ""},
        {"version", T::integer, ""},
        {"error", T::text, ""},
        {"created", T::integer, "NOT NULL"},
        {"started", T::integer, ""},
        {"ended", T::integer, ""},
        {"replica", T::text, ""},
        {"attempt", T::integer, "NOT NULL DEFAULT 0"},
        {"lease_until", T::integer, ""}},
       ""},
      {"replicas",
       {{"name", T::text, "PRIMARY KEY"}, {"slots", T::integer, "NOT NULL"}, {"seen", T::integer, "NOT NULL"}},
       ""},
  };
  return tables;
}

std::string create_tables_sql(const SchemaWords& words) {
  const auto type_word = [&](ColumnType type) -> std::string {
    switch (type) {
      case ColumnType::text: return "TEXT";
      case ColumnType::integer: return words.integer;
      case ColumnType::bytes: return words.bytes;
      case ColumnType::row_id: return words.row_id;
    }
    return "";
  };
  std::string sql = words.before;
  for (const Table& table : schema_tables()) {
    sql += std::string("\nCREATE TABLE IF NOT EXISTS ") + table.name + "(";
    const char* separator = "\n  ";
    for (const Column& c : table.columns) {
      sql += separator + std::string(c.name) + " " + type_word(c.type) + (*c.constraints ? " " : "") + c.constraints;
      separator = ",\n  ";
    }
    if (*table.table_constraint) sql += separator + std::string(table.table_constraint);
    sql += "\n);";
  }
  sql += "\nCREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state, id);\n";
  return sql + words.after;
}

}  // namespace digitlab::store
