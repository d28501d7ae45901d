// `store copy` from a hostile source: a SQLite file built here row by row
// with sqlite3's C API, holding what the store's check must refuse. Every
// bad version is refused by name with its reason, the good ones are copied,
// and the source file is left exactly as it was.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <digitlab/io/weights.h>
#include <digitlab/store/metrics.h>
#include <digitlab/store/store_copy.h>
#include <digitlab/store/time.h>
#include <digitlab/store/version_check.h>

#include "schema.h"

using namespace digitlab::store;
namespace fs = std::filesystem;

namespace {

std::string weights_bytes(unsigned seed) {
  digitlab::ModelFile file;
  file.model = digitlab::make_model(digitlab::dense_architecture({8}), seed);
  const auto bytes = digitlab::weights_to_binary(file);
  return std::string(bytes.begin(), bytes.end());
}

std::string good_metrics() {
  digitlab::ModelFile file;
  file.model = digitlab::make_model(digitlab::dense_architecture({8}), 1);
  return metrics_json_of(file);
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A folder of its own for the source, the target and their side files.
struct Folder {
  fs::path dir;
  Folder() : dir(fs::temp_directory_path() / ("digitlab-copy-test-" + std::to_string(getpid()) + "-" +
                                              std::to_string(reinterpret_cast<std::uintptr_t>(this)))) {
    fs::create_directories(dir);
  }
  ~Folder() { fs::remove_all(dir); }
  std::string operator/(const char* name) const { return (dir / name).string(); }
  // The source's side files (-wal, -shm, -journal): a reader must make none.
  bool side_files(const std::string& source) const {
    for (const char* suffix : {"-wal", "-shm", "-journal"})
      if (fs::exists(source + suffix)) return true;
    return false;
  }
};

// A SQLite file written directly, in its default (rollback) journal mode.
class RawSqlite {
 public:
  explicit RawSqlite(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK); }
  ~RawSqlite() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    INFO((message ? message : ""));
    sqlite3_free(message);
    REQUIRE(rc == SQLITE_OK);
  }
  // One versions row exactly as given: nothing checks it on the way in.
  void version(const std::string& model, std::int64_t version, std::int64_t size, const std::string& metrics,
               const std::string& body, std::int64_t created = unix_time_ms(), const std::string& format = "binary") {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, "INSERT INTO versions VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &s, nullptr) ==
            SQLITE_OK);
    sqlite3_bind_text(s, 1, model.data(), static_cast<int>(model.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, version);
    sqlite3_bind_int64(s, 3, created);
    sqlite3_bind_int64(s, 4, size);
    sqlite3_bind_text(s, 5, format.data(), static_cast<int>(format.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, metrics.data(), static_cast<int>(metrics.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 7, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
    const int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    REQUIRE(rc == SQLITE_DONE);
  }
  void good(const std::string& model, std::int64_t version, unsigned seed) {
    const std::string body = weights_bytes(seed);
    this->version(model, version, static_cast<std::int64_t>(body.size()), good_metrics(), body);
  }

 private:
  sqlite3* db_ = nullptr;
};

// The store's tables in SQLite's words, without the foreign key a hostile
// file would not keep either.
const std::string& schema() {
  static const std::string sql = create_tables_sql({"INTEGER", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT", "", ""});
  return sql;
}

const RefusedRow* refusal(const CopyReport& report, const std::string& model, std::int64_t version) {
  for (const RefusedRow& r : report.refused)
    if (r.model == model && r.version == version) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("store copy refuses every bad row by name and reason, copies the rest, leaves the source as it was",
          "[store][copy]") {
  Folder folder;
  const std::string source = folder / "hostile.db";
  {
    RawSqlite raw(source);
    raw.exec(schema());
    raw.good("a", 1, 1);
    raw.good("a", 2, 2);
    const std::string body = weights_bytes(3);
    const auto size = static_cast<std::int64_t>(body.size());
    raw.version("deep", 1, size, std::string(100000, '[') + std::string(100000, ']'), body);
    raw.version("not-json", 1, size, "<discarded>", body);
    raw.version("old-metrics", 1, size, R"({"test_accuracy":0.9})", body);
    raw.version("../../etc/passwd", 1, size, good_metrics(), body);
    std::string corrupt = body;
    corrupt[corrupt.size() / 2] ^= 1;  // the checksum no longer holds
    raw.version("corrupt", 1, size, good_metrics(), corrupt);
    raw.version("huge", 1, std::int64_t(1) << 62, good_metrics(), body);
    raw.version("negative", 1, -1, good_metrics(), body);
    raw.version("future", 1, size, good_metrics(), body, unix_time_ms() + 365ll * 24 * 3600 * 1000);
    raw.version("odd-format", 1, size, good_metrics(), body, unix_time_ms(), "pickle");
    raw.version("zero", 0, size, good_metrics(), body);
    // A bad version holds back the later ones of its model; earlier ones go.
    raw.good("b", 1, 4);
    raw.version("b", 2, size, "{}", body);
    raw.good("b", 3, 5);
  }
  const std::string before = file_bytes(source);
  REQUIRE_FALSE(folder.side_files(source));

  ModelStore target(folder / "target.db");
  const CopyReport report = copy_store(StoreSource(source), target);

  CHECK(report.copied == 3);  // a v1, a v2, b v1
  CHECK(target.versions("a").size() == 2);
  CHECK(target.body("a", 2) == weights_bytes(2));
  CHECK(target.versions("b").size() == 1);
  const auto refused_because = [&](const std::string& model, std::int64_t version, const std::string& reason) {
    INFO(model << " v" << version);
    const RefusedRow* r = refusal(report, model, version);
    REQUIRE(r);
    CHECK_THAT(r->reason, Catch::Contains(reason));
    CHECK(target.versions(model).empty() == (model != "b"));
  };
  refused_because("deep", 1, "metrics are longer than 16384 bytes");
  refused_because("not-json", 1, "metrics are not JSON");
  refused_because("old-metrics", 1, "metrics lack 'arch'");
  refused_because("../../etc/passwd", 1, "bad model name");
  refused_because("corrupt", 1, "body is not valid binary weights");
  refused_because("huge", 1, "size 4611686018427387904 is not the body's length");
  refused_because("negative", 1, "size -1 is not the body's length");
  refused_because("future", 1, "created time");
  refused_because("odd-format", 1, "format is not json, binary or trained");
  refused_because("zero", 0, "numbered 1, 2, 3");
  refused_because("b", 2, "metrics lack");
  refused_because("b", 3, "follows version 2, which was refused");
  CHECK(report.refused.size() == 12);
  // Nothing the check refuses reached the target.
  for (const VersionInfo& info : target.models()) CHECK((info.model == "a" || info.model == "b"));

  // The source: the same bytes, and no side file made by reading it.
  CHECK(file_bytes(source) == before);
  CHECK_FALSE(folder.side_files(source));
}

TEST_CASE("store copy never runs a view: a recursive or huge view named like a store table is refused",
          "[store][copy]") {
  Folder folder;
  const auto refused = [&](const char* name, const std::string& view) {
    INFO(name);
    const std::string source = folder / name;
    {
      RawSqlite raw(source);
      raw.exec(schema());
      raw.good("a", 1, 1);
      raw.exec("DROP TABLE versions; " + view);
    }
    const std::string before = file_bytes(source);
    ModelStore target(folder / "target.db");
    // Returns (with its error) at once instead of running the view; the
    // time budget would stop it if it ran.
    CHECK_THROWS_WITH(copy_store(StoreSource(source, CopyLimits{std::chrono::seconds(20), 1000}), target),
                      Catch::Contains("is not a DigitLab store"));
    CHECK(target.models().empty());
    CHECK(file_bytes(source) == before);
    CHECK_FALSE(folder.side_files(source));
  };
  refused("recursive.db",
          "CREATE VIEW versions AS WITH RECURSIVE r(model, version, created, size, format, metrics, body) AS "
          "(SELECT 'a', 1, 0, 0, 'binary', '{}', x'00' UNION ALL SELECT model, version + 1, created, size, format, "
          "metrics, body FROM r) SELECT * FROM r");
  refused("huge.db",
          "CREATE TABLE n(i); INSERT INTO n VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10); "
          "CREATE VIEW versions AS SELECT 'a' AS model, 1 AS version, 0 AS created, 0 AS size, 'binary' AS format, "
          "'{}' AS metrics, x'00' AS body FROM n a, n b, n c, n d, n e, n f, n g, n h, n i, n j");
}

TEST_CASE("store copy from an empty, missing, oversized or slow source is a clear error, and writes nothing there",
          "[store][copy]") {
  Folder folder;
  ModelStore target(folder / "target.db");

  const std::string empty = folder / "empty.db";
  std::ofstream(empty).close();
  CHECK_THROWS_WITH(copy_store(StoreSource(empty), target), Catch::Contains("is not a DigitLab store"));
  CHECK(fs::file_size(empty) == 0);  // no schema, no user_version written into it
  CHECK_FALSE(folder.side_files(empty));

  const std::string missing = folder / "missing.db";
  CHECK_THROWS_WITH(StoreSource(missing), Catch::Contains("cannot open"));
  CHECK_FALSE(fs::exists(missing));

  const std::string three = folder / "three.db";
  {
    RawSqlite raw(three);
    raw.exec(schema());
    for (int v = 1; v <= 3; ++v) raw.good("a", v, v);
  }
  CHECK_THROWS_WITH(copy_store(StoreSource(three, CopyLimits{std::chrono::seconds(60), 2}), target),
                    Catch::Contains("more than 2 versions"));
  CHECK_THROWS_WITH(copy_store(StoreSource(three, CopyLimits{std::chrono::seconds(0), 10}), target),
                    Catch::Contains("time budget"));
  CHECK(target.models().empty());
  CHECK(copy_store(StoreSource(three), target).copied == 3);
}

TEST_CASE("store copy reads a store file no server has open without leaving -wal or -shm files", "[store][copy]") {
  Folder folder;
  const std::string source = folder / "store.db";
  {
    ModelStore store(source);  // WAL mode, as the server keeps it
    const std::string body = weights_bytes(7);
    store.put("a", WriteCondition{}, NewVersion{body, "json", good_metrics()});
  }
  REQUIRE_FALSE(folder.side_files(source));
  const std::string before = file_bytes(source);
  ModelStore target(folder / "target.db");
  CHECK(copy_store(StoreSource(source), target).copied == 1);
  CHECK(file_bytes(source) == before);
  CHECK_FALSE(folder.side_files(source));
}

TEST_CASE("every way into the store is checked: put, import and a job's result", "[store][copy]") {
  Folder folder;
  ModelStore store(folder / "store.db");
  const std::string body = weights_bytes(1);
  CHECK_THROWS_AS(store.put("m", WriteCondition{}, NewVersion{"not weights", "binary", good_metrics()}), RefusedVersion);
  CHECK_THROWS_WITH(store.put("m", WriteCondition{}, NewVersion{body, "binary", "{}"}), Catch::Contains("metrics lack"));
  CHECK_THROWS_WITH(store.put("../x", WriteCondition{}, NewVersion{body, "binary", good_metrics()}),
                    Catch::Contains("bad model name"));
  const VersionInfo old{"m", 1, 0, static_cast<std::int64_t>(body.size()), "binary", good_metrics()};
  CHECK_THROWS_WITH(store.import_version(old, body), Catch::Contains("created time"));
  CHECK_FALSE(store.latest_version("m"));

  // A refused result fails its job with the reason; nothing is stored.
  REQUIRE(store.submit_job("m", "{}", "{}", JobAdmission{1, 0}).job);
  const auto claimed = store.claim_job("here", unix_time_ms() + 60000);
  REQUIRE(claimed);
  const auto ended = store.end_job(*claimed, "{}", NewVersion{body, "binary", "[]"}, "");
  REQUIRE(ended);
  CHECK(ended->state == "failed");
  CHECK_THAT(ended->error, Catch::Contains("metrics are not a JSON object"));
  CHECK_FALSE(store.latest_version("m"));
  CHECK(store.put("m", WriteCondition{}, NewVersion{body, "trained", good_metrics()}).stored);
}
