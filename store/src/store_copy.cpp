#include "digitlab/store/store_copy.h"

namespace digitlab::store {

CopyReport copy_store(const ModelStore& from, ModelStore& to, const std::function<void(const VersionInfo&)>& on_copied) {
  CopyReport report;
  for (const VersionInfo& model : from.models()) {
    ++report.models;
    const std::vector<VersionInfo> source = from.versions(model.model);
    const std::vector<VersionInfo> target = to.versions(model.model);
    if (target.size() > source.size())
      throw StoreError("model '" + model.model + "': the target has " + std::to_string(target.size()) +
                       " versions, the source only " + std::to_string(source.size()));
    for (std::size_t i = 0; i < target.size(); ++i) {
      const VersionInfo& a = source[i];
      const VersionInfo& b = target[i];
      if (a.version != b.version || a.size != b.size || a.created_ms != b.created_ms || a.format != b.format ||
          a.metrics_json != b.metrics_json || from.body(a.model, a.version) != to.body(b.model, b.version))
        throw StoreError("model '" + model.model + "' version " + std::to_string(a.version) +
                         " differs between source and target: not copying a model with its own history");
      ++report.present;
    }
    for (std::size_t i = target.size(); i < source.size(); ++i) {
      const VersionInfo& info = source[i];
      const auto body = from.body(info.model, info.version);
      if (!body) throw StoreError("model '" + info.model + "' version " + std::to_string(info.version) + " vanished");
      if (!to.import_version(info, *body))
        throw StoreError("model '" + info.model + "' changed in the target while copying; run the copy again");
      ++report.copied;
      if (on_copied) on_copied(info);
    }
  }
  return report;
}

}  // namespace digitlab::store
