#include "digitlab/store/metrics.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include <digitlab/nn/architecture.h>
#include <digitlab/util/number_text.h>

namespace digitlab::store {

namespace {

using nlohmann::json;

enum class Kind { text, optional_text, count, number, optional_number };

struct Field {
  const char* name;
  Kind kind;
};

constexpr Field kFields[] = {{"arch", Kind::text},          {"preset", Kind::optional_text},
                             {"parameters", Kind::count},   {"dataset", Kind::text},
                             {"epochs", Kind::number},      {"test_accuracy", Kind::optional_number},
                             {"test_loss", Kind::optional_number}, {"samples_seen", Kind::count},
                             {"note", Kind::text}};

bool has_kind(const json& v, Kind kind) {
  switch (kind) {
    case Kind::optional_text: return v.is_null() || v.is_string();
    case Kind::text: return v.is_string();
    case Kind::count: return v.is_number_unsigned();
    case Kind::optional_number: return v.is_null() || (v.is_number() && v.get<double>() >= 0);
    case Kind::number: return v.is_number() && v.get<double>() >= 0;
  }
  return false;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::optional_text: return "a string or null";
    case Kind::text: return "a string";
    case Kind::count: return "an integer >= 0";
    case Kind::optional_number: return "a number >= 0 or null";
    case Kind::number: return "a number >= 0";
  }
  return "";
}

}  // namespace

std::string metrics_json_of(const ModelFile& file) {
  const TrainingMeta& meta = file.meta;
  // Negative accuracy/loss mean "never evaluated" in core: say so with null.
  auto optional_number = [](double x) { return x < 0 ? json() : json(printed_float(static_cast<float>(x))); };
  const auto preset = preset_of(file.model.arch);
  const json metrics = {{"arch", to_string(file.model.arch)},
                        {"preset", preset ? json(*preset) : json()},
                        {"parameters", file.model.params.size()},
                        {"dataset", meta.dataset},
                        {"epochs", printed_float(static_cast<float>(meta.epochs))},
                        {"test_accuracy", optional_number(meta.test_accuracy)},
                        {"test_loss", optional_number(meta.test_loss)},
                        {"samples_seen", meta.samples_seen},
                        {"note", meta.note}};
  return metrics.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string metrics_problem(const std::string& metrics_json) {
  if (metrics_json.size() > kMaxMetricsBytes)
    return "metrics are longer than " + std::to_string(kMaxMetricsBytes) + " bytes";
  // nlohmann's parser keeps its own stack (no recursion), and the size bound
  // above bounds the nesting; the schema below then allows no nesting at all.
  const json metrics = json::parse(metrics_json, nullptr, false);
  if (metrics.is_discarded()) return "metrics are not JSON";
  if (!metrics.is_object()) return "metrics are not a JSON object";
  for (const Field& f : kFields) {
    const auto v = metrics.find(f.name);
    if (v == metrics.end()) return std::string("metrics lack '") + f.name + "'";
    if (!has_kind(*v, f.kind)) return std::string("metrics '") + f.name + "' is not " + kind_name(f.kind);
  }
  if (metrics.size() != std::size(kFields)) return "metrics hold fields other than the " + std::to_string(std::size(kFields)) + " known ones";
  return "";
}

}  // namespace digitlab::store
