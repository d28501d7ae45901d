// The session the app keeps across a reload or restart (platform/storage.h,
// name "session"): the weights, the settings, the run with its curves and
// last evaluation, and which server version the weights came from. One
// byte string: "DLS1", the JSON header's length (4 bytes, little-endian),
// the JSON header, then the weights in core's binary format. Pure
// encoding, unit-tested; decoding checks everything and throws Error.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "digitlab/train/trainer.h"

namespace digitlab::gui {

struct SavedSession {
  std::int64_t saved_at = 0;  // seconds since 1970
  std::string model_name;
  std::optional<std::uint64_t> server_version;  // the server version the weights came from
  bool changed_since_server = false;            // trained or taught since
  Hyperparameters hyper;
  std::uint64_t seed = 1;
  RunRecord run;
  ModelFile weights;
};

std::vector<std::uint8_t> encode_session(const SavedSession& session);
SavedSession decode_session(const std::uint8_t* data, std::size_t size);

}  // namespace digitlab::gui
