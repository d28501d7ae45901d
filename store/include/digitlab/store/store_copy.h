// Moving a store's models between databases (`digitlab-cli store copy`): a
// single-machine SQLite install grows into a PostgreSQL cluster, or back.
// The source may come from anywhere, so it is only ever read, within a time
// and a row budget, and every version it holds passes the store's check
// (version_check.h) on its way into the target.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "digitlab/store/model_store.h"

namespace digitlab::store {

struct CopyLimits {
  // The whole copy's time; a statement still running then is stopped, and
  // the copy ends with a StoreError (run it again to resume).
  std::chrono::seconds time{3600};
  // The most versions a source may hold: a larger one is refused before
  // anything is copied.
  std::int64_t max_versions = 100000;
};

// A store opened to be copied from: the file opened read-only with
// query_only (no schema, no user_version, no side files written), or the
// PostgreSQL database in read-only transactions. Its `versions` table must
// be a table: a view of that name (recursive, huge) is never run. An empty
// or non-DigitLab source is a StoreError.
class StoreSource {
 public:
  StoreSource(const std::string& db, const CopyLimits& limits = {});
  ~StoreSource();
  StoreSource(const StoreSource&) = delete;
  StoreSource& operator=(const StoreSource&) = delete;

 private:
  friend struct SourceReader;  // store_copy.cpp's reads, bounded in rows, bytes and time
  std::string db_;
  CopyLimits limits_;
  std::chrono::steady_clock::time_point deadline_;
  std::unique_ptr<SqlConnection> connection_;
};

// A source version the check refused, or one after it (versions have no
// gaps, so the rest of that model waits for it).
struct RefusedRow {
  std::string model;
  std::int64_t version = 0;
  std::string reason;
};

struct CopyReport {
  std::int64_t models = 0;
  std::int64_t copied = 0;   // versions written to the target
  std::int64_t present = 0;  // versions the target already had, checked byte for byte
  std::vector<RefusedRow> refused;  // not copied; every other version was
};

// Copies every version of every model that `to` lacks, oldest first, each
// with its number, time, format, metrics and bytes unchanged, one version per
// transaction: an interrupted copy resumes where it stopped. A version the
// check refuses is reported in CopyReport::refused with the versions of its
// model after it, and the copy goes on with the rest. A version both have
// must be byte-identical; a target that differs (its own history for a
// model) is a StoreError and nothing more is copied.
// The source is used up by the copy (its time budget with it).
CopyReport copy_store(StoreSource&& from, ModelStore& to,
                      const std::function<void(const VersionInfo&)>& on_copied = {});

}  // namespace digitlab::store
