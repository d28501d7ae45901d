#include "weights_json_reader.h"

namespace digitlab::weights_format {

void read_json(const char* data, std::size_t size, WeightsJsonReader& reader) try {
  Json::sax_parse(data, data + size, &reader);
} catch (const nlohmann::json::exception& e) {
  throw Error(std::string("weights: malformed (") + e.what() + ")");
}

Json parse_header_json(const char* data, std::size_t size) {
  WeightsJsonReader reader(nullptr);
  read_json(data, size, reader);
  return std::move(reader.doc);
}

void allocate_params(Model& model, std::size_t text_size) {
  const std::size_t count = param_count(model.arch);
  if (count > text_size / 2)
    throw Error("weights: a text of " + std::to_string(text_size) + " bytes cannot hold the " + std::to_string(count) +
                " parameters its architecture needs");
  model.params.assign(count, 0.0f);
}

ParamTarget entry_target(Model& model, int entry, bool bias) {
  const std::vector<int> layers = param_layers(model);
  if (entry >= static_cast<int>(layers.size()))
    throw Error("weights: expected " + std::to_string(layers.size()) + " layers with parameters");
  const LayerPlan& p = model.layers[layers[entry]];
  return bias ? ParamTarget{model.params.data() + p.bias_offset, p.bias_count}
              : ParamTarget{model.params.data() + p.weights_offset, p.weights_count};
}

}  // namespace digitlab::weights_format
