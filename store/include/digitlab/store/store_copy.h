// Moving a store's models between databases (`digitlab-cli store copy`): a
// single-machine SQLite install grows into a PostgreSQL cluster, or back.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "digitlab/store/model_store.h"

namespace digitlab::store {

struct CopyReport {
  std::int64_t models = 0;
  std::int64_t copied = 0;   // versions written to the target
  std::int64_t present = 0;  // versions the target already had, checked byte for byte
};

// Copies every version of every model that `to` lacks, oldest first, each
// with its number, time, format, metrics and bytes unchanged, one version per
// transaction: an interrupted copy resumes where it stopped. A version both
// have must be byte-identical; a target that differs (its own history for a
// model) is a StoreError and nothing of that model is copied.
CopyReport copy_store(const ModelStore& from, ModelStore& to,
                      const std::function<void(const VersionInfo&)>& on_copied = {});

}  // namespace digitlab::store
