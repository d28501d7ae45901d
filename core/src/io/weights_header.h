// What both weights formats share: the header (format, version,
// architecture, training metadata) as JSON, written and read with every
// check, and where each layer's parameters lie (docs/weights-format.md).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "digitlab/io/weights.h"

namespace digitlab::weights_format {

// Weights are floats: a JSON whose number type is float prints each value in
// its shortest float form, half the size of printing them as doubles.
using Json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t, std::uint64_t, float>;

// The longest key or string value read anywhere in a file.
constexpr std::size_t kMaxStringBytes = 4096;

Json header_to_json(const ModelFile& f);
// Reads format, version, architecture and training. The net's params stay
// empty: callers check that the data really holds that many values before
// allocating, so a small body cannot make the parser allocate a huge net.
ModelFile header_from_json(const Json& j);
// A model's architecture and input scaling, its params still empty.
Model architecture_from_json(const Json& arch, int version);
// The format version a file declares: 1 or 2.
int format_version(const Json& version);
// The field `key` of object `obj`, a finite number in it; Error naming `where` otherwise.
const Json& field(const Json& obj, const char* key, const char* where);
float number(const Json& obj, const char* key, const char* where);

// The layers that have parameters (dense, conv), in order: entry i of the
// file's parameter list belongs to model.layers[param_layers(model)[i]].
std::vector<int> param_layers(const Model& model);
// The shape of a parameter layer's weights: dense [I, O], conv [F, C, K, K].
std::vector<std::size_t> weights_shape(const LayerPlan& p);

}  // namespace digitlab::weights_format
