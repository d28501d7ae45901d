// The metrics the listings show of a version (GET /api/models, /versions):
// written from the weights' metadata and checked against the same schema,
// both here, so what the store accepts is what the server writes.
#pragma once
#include <string>

#include <digitlab/io/weights.h>

namespace digitlab::store {

// Longest metrics text a version may carry: a note of 1024 bytes escaped
// six-fold plus the architecture's spec fits. Bounding the text bounds its
// nesting too, before anything parses it.
constexpr std::size_t kMaxMetricsBytes = 16u << 10;

// {"arch", "preset", "parameters", "dataset", "epochs", "test_accuracy",
//  "test_loss", "samples_seen", "note"} of `file`, as JSON text.
std::string metrics_json_of(const ModelFile& file);

// Empty when `metrics_json` is an object of exactly those fields with their
// types (preset, test_accuracy and test_loss may be null); else why not.
std::string metrics_problem(const std::string& metrics_json);

}  // namespace digitlab::store
