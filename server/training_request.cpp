#include "training_request.h"

#include <climits>
#include <set>

#include "api_error.h"
#include "data_catalog.h"
#include "http_util.h"
#include "store.h"

namespace digitlab::server {

namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& message) { throw ApiError(400, "invalid_hyperparameters", message); }

double number_field(const json& j, const char* key) {
  if (!j.at(key).is_number()) invalid(std::string(key) + " must be a number");
  return j.at(key).get<double>();
}

// An integer field that fits in `int` (core's range checks come after).
int int_value(const json& v, const std::string& what) {
  const bool fits = v.is_number_integer() && (v.is_number_unsigned() ? v.get<std::uint64_t>() <= INT_MAX
                                                                      : v.get<std::int64_t>() >= INT_MIN &&
                                                                            v.get<std::int64_t>() <= INT_MAX);
  if (!fits) invalid(what + " must be an integer");
  return static_cast<int>(v.get<std::int64_t>());
}

std::string string_field(const json& j, const char* key) {
  if (!j.at(key).is_string()) invalid(std::string(key) + " must be a string");
  return j.at(key).get<std::string>();
}

json parse_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();  // all defaults
  // The DOM is small (kMaxTrainingRequestBytes), but never deep.
  const auto shallow = [](int depth, json::parse_event_t, json&) {
    if (depth > 8) throw ApiError(400, "bad_json", "the body is nested deeper than 8 levels");
    return true;
  };
  json j = json::parse(body, shallow, false);
  if (j.is_discarded() || !j.is_object()) throw ApiError(400, "bad_json", "the body must be a JSON object");
  static const std::set<std::string> known = {"dataset", "hidden", "optimizer", "lr", "momentum", "weight_decay",
                                              "batch_size", "epochs", "seed", "schedule", "resume"};
  for (const auto& item : j.items())
    if (!known.count(item.key())) invalid("unknown field '" + item.key() + "'");
  return j;
}

ModelFile latest_weights(const ModelStore& store, const std::string& model) {
  const auto latest = store.latest_version(model);
  const auto body = latest ? store.body(model, *latest) : std::nullopt;
  if (!body) throw ApiError(404, "unknown_model", "cannot resume: no model named '" + model + "'");
  return weights_from_binary(reinterpret_cast<const std::uint8_t*>(body->data()), body->size());
}

}  // namespace

TrainingRequest parse_training_request(const std::string& model, const std::string& body, const DataCatalog& data,
                                       const ModelStore& store) {
  const json j = parse_body(body);
  TrainingRequest request;
  request.model = model;
  request.dataset = &data.default_set();
  if (j.contains("dataset")) {
    request.dataset = data.find(string_field(j, "dataset"));
    if (!request.dataset) invalid("no data set named '" + j.at("dataset").get<std::string>() + "'");
  }

  TrainerConfig& config = request.config;
  config = default_trainer_config();
  config.dataset_name = request.dataset->name;
  OptimizerConfig& optimizer = config.hyper.optimizer;
  try {
    if (j.contains("hidden")) {
      if (!j.at("hidden").is_array()) invalid("hidden must be a list of layer sizes");
      config.hidden.clear();
      for (const json& size : j.at("hidden")) config.hidden.push_back(int_value(size, "each hidden size"));
    }
    check_hidden_sizes(config.hidden);
    if (j.contains("optimizer")) optimizer.kind = parse_optimizer_kind(string_field(j, "optimizer"));
    if (j.contains("schedule")) optimizer.schedule = parse_schedule(string_field(j, "schedule"));
    if (j.contains("lr")) optimizer.lr = static_cast<float>(number_field(j, "lr"));
    if (j.contains("momentum")) optimizer.momentum = static_cast<float>(number_field(j, "momentum"));
    if (j.contains("weight_decay")) optimizer.weight_decay = static_cast<float>(number_field(j, "weight_decay"));
    if (j.contains("batch_size")) config.hyper.batch_size = int_value(j.at("batch_size"), "batch_size");
    if (j.contains("epochs")) config.hyper.epochs = int_value(j.at("epochs"), "epochs");
    if (j.contains("seed")) {
      const json& seed = j.at("seed");
      if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<std::int64_t>() >= 0))
        invalid("seed must be a non-negative integer");
      config.seed = seed.get<std::uint64_t>();
    }
    check_hyperparameters(config.hyper);
  } catch (const Error& e) {
    invalid(e.what());
  }
  if (j.contains("resume") && !j.at("resume").is_boolean()) invalid("resume must be true or false");
  const bool resume = j.value("resume", false);
  if (resume) {
    request.start_from = latest_weights(store, model);
    config.hidden = request.start_from->net.hidden();
  }

  request.settings = {{"dataset", request.dataset->name},
                      {"hidden", config.hidden},
                      {"optimizer", to_string(optimizer.kind)},
                      {"lr", float_json(optimizer.lr)},
                      {"momentum", float_json(optimizer.momentum)},
                      {"weight_decay", float_json(optimizer.weight_decay)},
                      {"schedule", to_string(optimizer.schedule)},
                      {"batch_size", config.hyper.batch_size},
                      {"epochs", config.hyper.epochs},
                      {"seed", config.seed},
                      {"resume", resume}};
  return request;
}

}  // namespace digitlab::server
