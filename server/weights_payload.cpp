#include "weights_payload.h"

#include <digitlab/store/metrics.h>

#include "api_error.h"

namespace digitlab::server {

namespace {

const std::uint8_t* bytes_of(const std::string& s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

}  // namespace

const char* format_name(WeightsFormat format) { return format == WeightsFormat::json ? "json" : "binary"; }

store::NewVersion make_new_version(const ModelFile& model, const std::string& arrived_as) {
  const std::vector<std::uint8_t> binary = weights_to_binary(model);
  return store::NewVersion{std::string(binary.begin(), binary.end()), arrived_as, store::metrics_json_of(model)};
}

ModelFile parse_uploaded_weights(const std::string& body, WeightsFormat format) {
  try {
    return format == WeightsFormat::binary ? weights_from_binary(bytes_of(body), body.size())
                                           : weights_from_json(body);
  } catch (const Error& e) {
    throw ApiError(400, "invalid_weights", e.what());
  }
}

std::string render_json(const std::string& canonical) {
  WeightsJsonRenderer renderer = WeightsJsonRenderer::from_binary(bytes_of(canonical), canonical.size());
  std::string text;
  while (renderer.next(text, SIZE_MAX / 2)) {
  }
  return text;
}

}  // namespace digitlab::server
