// libFuzzer target: `store copy` from a hostile source. The input is a list
// of versions rows (fields split by "\0|\0", rows by "\0ROW\0": model,
// version, created, size, format, metrics, body), written as they are into a
// SQLite source; the copy must never crash, must account for every row
// (copied or refused), and must never copy a row the store's check refuses.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <digitlab/store/store_copy.h>
#include <digitlab/store/version_check.h>

#include "schema.h"

namespace {

std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (std::size_t next; (next = text.find(separator, at)) != std::string::npos; at = next + separator.size())
    out.push_back(text.substr(at, next - at));
  out.push_back(text.substr(at));
  return out;
}

void write_source(const std::string& path, const std::string& input) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  const std::string schema =
      digitlab::store::create_tables_sql({"INTEGER", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT", "", ""});
  sqlite3_exec(db, schema.c_str(), nullptr, nullptr, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (const std::string& row : split(input, std::string("\0ROW\0", 5))) {
    std::vector<std::string> f = split(row, std::string("\0|\0", 3));
    f.resize(7);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO versions VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &s, nullptr);
    sqlite3_bind_text(s, 1, f[0].data(), static_cast<int>(f[0].size()), SQLITE_TRANSIENT);
    for (int i = 1; i <= 3; ++i) sqlite3_bind_int64(s, i + 1, std::strtoll(f[i].c_str(), nullptr, 10));
    sqlite3_bind_text(s, 5, f[4].data(), static_cast<int>(f[4].size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, f[5].data(), static_cast<int>(f[5].size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 7, f[6].data(), static_cast<int>(f[6].size()), SQLITE_TRANSIENT);
    sqlite3_step(s);
    sqlite3_finalize(s);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  // tmpfs when there is one: the target syncs every commit.
  static const fs::path dir = (fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) /
                              ("digitlab-fuzz-copy-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string source = (dir / "source.db").string();
  write_source(source, std::string(reinterpret_cast<const char*>(data), size));
  digitlab::store::ModelStore target((dir / "target.db").string());
  digitlab::store::CopyReport report;
  try {
    report = digitlab::store::copy_store(digitlab::store::StoreSource(source), target);
  } catch (const digitlab::store::StoreError&) {
    return 0;  // refused as a whole, with a message
  }
  std::int64_t in_target = 0;
  for (const auto& model : target.models())
    for (const auto& info : target.versions(model.model)) {
      ++in_target;
      if (!digitlab::store::version_problem(info, *target.body(info.model, info.version)).empty()) std::abort();
    }
  if (in_target != report.copied) std::abort();
  return 0;
}
