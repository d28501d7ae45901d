#include "weights_payload.h"


#include <nlohmann/json.hpp>

#include "api_error.h"
#include "http_util.h"

namespace digitlab::server {

namespace {

nlohmann::json metrics_of(const ModelFile& model) {
  const TrainingMeta& meta = model.meta;
  // Negative accuracy/loss mean "never evaluated" in core: say so with null.
  // The weights formats keep these as floats: show float precision, so a
  // version reads the same whichever format it arrived in.
  auto optional_number = [](double x) { return x < 0 ? nlohmann::json() : float_json(static_cast<float>(x)); };
  const auto preset = preset_of(model.model.arch);
  return {{"arch", to_string(model.model.arch)},
          {"preset", preset ? nlohmann::json(*preset) : nlohmann::json()},
          {"parameters", model.model.params.size()},
          {"dataset", meta.dataset},
          {"epochs", float_json(static_cast<float>(meta.epochs))},
          {"test_accuracy", optional_number(meta.test_accuracy)},
          {"test_loss", optional_number(meta.test_loss)},
          {"samples_seen", meta.samples_seen},
          {"note", meta.note}};
}

const std::uint8_t* bytes_of(const std::string& s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

}  // namespace

const char* format_name(WeightsFormat format) { return format == WeightsFormat::json ? "json" : "binary"; }

store::NewVersion make_new_version(const ModelFile& model, const std::string& arrived_as) {
  const std::vector<std::uint8_t> binary = weights_to_binary(model);
  return store::NewVersion{std::string(binary.begin(), binary.end()), arrived_as,
                    metrics_of(model).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
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
