// Turning weights into what the store keeps and back: core parses and
// validates, the store keeps core's binary format (the canonical form), and
// either format is rendered from it on the way out.
#pragma once
#include <string>

#include <digitlab/io/weights.h>

#include <digitlab/store/model_store.h>

namespace digitlab::server {

enum class WeightsFormat { json, binary };
const char* format_name(WeightsFormat format);  // "json", "binary"

// Canonical binary body plus the metrics the listings show.
store::NewVersion make_new_version(const ModelFile& model, const std::string& arrived_as);

// Parses an uploaded body with core (shapes, NaN/Inf, format version, ...).
// Throws ApiError 400 on invalid weights.
ModelFile parse_uploaded_weights(const std::string& body, WeightsFormat format);

// Stored canonical bytes rendered whole as JSON (for versions small enough
// to keep rendered; larger ones are streamed with WeightsJsonRenderer).
std::string render_json(const std::string& canonical);

}  // namespace digitlab::server
