#include "digitlab/store/store_copy.h"

#include "digitlab/store/metrics.h"
#include "digitlab/store/version_check.h"

namespace digitlab::store {

namespace {

using Clock = std::chrono::steady_clock;

// One source row as listed, before its metrics and body are read.
struct Listed {
  VersionInfo info;
  std::string unreadable;  // why its columns could not be read, or ""
};

}  // namespace

// The source's reads: names and numbers of every version first (a few dozen
// bytes each, at most max_versions + 1 rows), then one version's metrics and
// body at a time, each cut one byte past its limit so the check refuses it.
struct SourceReader {
  StoreSource& source;

  void check_time() const {
    if (Clock::now() > source.deadline_)
      throw StoreError("store copy: the time budget of " + std::to_string(source.limits_.time.count()) +
                       " s ran out; run the copy again to resume");
  }

  std::vector<Listed> list() const {
    const std::string limit = std::to_string(source.limits_.max_versions + 1);
    const SqlRows rows = source.connection_->query(
        "SELECT substr(model, 1, 65), version, created, size, substr(format, 1, 16) FROM versions "
        "ORDER BY model, version LIMIT " + limit);
    if (static_cast<std::int64_t>(rows.size()) > source.limits_.max_versions)
      throw StoreError(redact_url(source.db_) + " holds more than " + std::to_string(source.limits_.max_versions) +
                       " versions, the most one copy takes");
    std::vector<Listed> out;
    for (const SqlRow& row : rows) {
      Listed listed;
      try {  // one field at a time: what could be read names the row
        listed.info.model = row.text(0);
        listed.info.version = row.int64(1);
        listed.info.created_ms = row.int64(2);
        listed.info.size = row.int64(3);
        listed.info.format = row.text(4);
      } catch (const StoreError& e) {
        listed.unreadable = std::string("its row cannot be read: ") + e.what();
      }
      out.push_back(std::move(listed));
    }
    return out;
  }

  // The metrics and body of one version (empty when the row is gone).
  std::pair<std::string, std::string> content(const VersionInfo& info) const {
    check_time();
    SqlRows rows = source.connection_->query(
        "SELECT substr(metrics, 1, " + std::to_string(kMaxMetricsBytes + 1) + "), substr(body, 1, " +
            std::to_string(kMaxBodyBytes + 1) + ") FROM versions WHERE model = $1 AND version = $2",
        {info.model, info.version});
    if (rows.empty()) return {};
    return {rows[0].take_text(0), rows[0].take_text(1)};
  }
};

StoreSource::StoreSource(const std::string& db, const CopyLimits& limits)
    : db_(db), limits_(limits), deadline_(Clock::now() + limits.time), connection_(open_sql_source(db, deadline_)) {
  // Tables by name only: a view called `versions` could run forever.
  const bool postgres = is_postgres_url(db);
  const SqlRows tables =
      postgres ? connection_->query("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                    "current_schema() AND table_type = 'BASE TABLE' AND table_name = 'versions'")
               : connection_->query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'versions'");
  if (tables.empty())
    throw StoreError(redact_url(db) + " is not a DigitLab store: it has no table 'versions' (a view is never read)");
}

StoreSource::~StoreSource() = default;

CopyReport copy_store(StoreSource&& from, ModelStore& to, const std::function<void(const VersionInfo&)>& on_copied) {
  const SourceReader reader{from};
  const std::vector<Listed> listed = reader.list();
  CopyReport report;
  for (std::size_t first = 0, end = 0; first < listed.size(); first = end) {
    const std::string& model = listed[first].info.model;
    for (end = first; end < listed.size() && listed[end].info.model == model;) ++end;
    ++report.models;
    const std::vector<VersionInfo> target = to.versions(model);
    if (target.size() > end - first)
      throw StoreError("model '" + model + "': the target has " + std::to_string(target.size()) +
                       " versions, the source only " + std::to_string(end - first));
    std::string blocked;  // once a version is refused, the model's later ones wait for it
    for (std::size_t i = first; i < end; ++i) {
      VersionInfo info = listed[i].info;
      const std::size_t at = i - first;
      const auto refuse = [&](const std::string& reason) {
        report.refused.push_back({info.model, info.version, reason});
        if (blocked.empty()) blocked = "it follows version " + std::to_string(info.version) + ", which was refused";
      };
      if (!blocked.empty()) {
        report.refused.push_back({info.model, info.version, blocked});
        continue;
      }
      if (!listed[i].unreadable.empty()) {
        refuse(listed[i].unreadable);
        continue;
      }
      if (info.version != static_cast<std::int64_t>(at + 1)) {
        refuse("versions are numbered 1, 2, 3, ...: this one should be " + std::to_string(at + 1));
        continue;
      }
      auto [metrics, body] = reader.content(info);
      info.metrics_json = std::move(metrics);
      if (at < target.size()) {
        const VersionInfo& b = target[at];
        if (info.size != b.size || info.created_ms != b.created_ms || info.format != b.format ||
            info.metrics_json != b.metrics_json || body != to.body(b.model, b.version))
          throw StoreError("model '" + model + "' version " + std::to_string(info.version) +
                           " differs between source and target: not copying a model with its own history");
        ++report.present;
        continue;
      }
      try {
        if (!to.import_version(info, body))
          throw StoreError("model '" + model + "' changed in the target while copying; run the copy again");
      } catch (const RefusedVersion& e) {
        refuse(e.reason());
        continue;
      }
      ++report.copied;
      if (on_copied) on_copied(info);
    }
  }
  return report;
}

}  // namespace digitlab::store
