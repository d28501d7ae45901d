// The one check every version passes before it enters the store, whichever
// way it comes: a PUT, a training job's result, or `store copy` from another
// database. ModelStore::put, import_version and end_job run it themselves, so
// no caller can skip it; the server's read paths use its parts on rows that a
// database held from before it existed.
#pragma once
#include <cstdint>
#include <string>

#include "digitlab/store/model_store.h"

namespace digitlab::store {

// A version the check refused; what() names the model, the version and why.
class RefusedVersion : public StoreError {
 public:
  RefusedVersion(const std::string& model, std::int64_t version, const std::string& reason);
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

// The largest body a version may have: core's largest net (16M parameters,
// 4 bytes each) with room for its header.
constexpr std::int64_t kMaxBodyBytes = (64ll << 20) + (1 << 20);

// Empty when `body` is core's canonical binary weights (magic, format
// version, shapes, checksum: weights_from_binary's checks); else why not.
std::string body_problem(const std::string& body);

// Empty when the whole row may be stored, else why not: a model name by
// core's rule, version >= 1, format json/binary/trained, metrics by their
// schema (metrics.h), a body that parses, size equal to the body's length,
// and a created time from 2000 to a day ahead of this machine's clock.
std::string version_problem(const VersionInfo& info, const std::string& body);

// Throws RefusedVersion unless version_problem is empty.
void check_version(const VersionInfo& info, const std::string& body);

}  // namespace digitlab::store
