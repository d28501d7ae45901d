#include "training_request.h"

#include <set>

#include <digitlab/util/json_integer.h>
#include <digitlab/util/number_text.h>

#include "api_error.h"
#include "data_catalog.h"
#include "http_util.h"
#include <digitlab/store/model_store.h>

namespace digitlab::server {

namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& message) { throw ApiError(400, "invalid_hyperparameters", message); }

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
  static const std::set<std::string> known = [] {
    std::set<std::string> names = {"dataset", "preset", "arch", "seed", "resume"};
    for (const SettingInfo& s : training_settings()) names.insert(s.name);
    return names;
  }();
  for (const auto& item : j.items())
    if (!known.count(item.key())) invalid("unknown field '" + item.key().substr(0, 64) + "'");
  return j;
}

// Whole numbers of a limit, as the options name them.
std::string rounded(double x) { return std::to_string(static_cast<long long>(x + 0.5)); }

void check_budget(const TrainerConfig& config, std::size_t train_samples, const JobBudget& budget) {
  const TrainingCost cost = training_cost(config.arch, config.hyper.batch_size, config.threads);
  const double flops = cost.flops_per_sample * static_cast<double>(train_samples) * config.hyper.epochs;
  if (flops > budget.max_flops)
    throw ApiError(400, "job_too_large",
                   "this job needs about " + rounded(flops / 1e12) + " TFLOP (" + rounded(cost.flops_per_sample / 1e6) +
                       " MFLOP per sample x " + std::to_string(train_samples) + " samples x " +
                       std::to_string(config.hyper.epochs) + " epochs), more than this server's limit of " +
                       rounded(budget.max_flops / 1e12) + " TFLOP per job (--max-job-tflop): use fewer epochs or a smaller net");
  if (cost.bytes > budget.max_bytes)
    throw ApiError(400, "job_too_large",
                   "this job needs about " + std::to_string(cost.bytes >> 20) + " MB of memory, more than this server's limit of " +
                       std::to_string(budget.max_bytes >> 20) + " MB per job (--max-job-mb): use a smaller batch or net");
}

ModelFile latest_weights(const store::ModelStore& store, const std::string& model) {
  const auto latest = store.latest_version(model);
  const auto body = latest ? store.body(model, *latest) : std::nullopt;
  if (!body) throw ApiError(404, "unknown_model", "cannot resume: no model named '" + model + "'");
  return weights_from_binary(reinterpret_cast<const std::uint8_t*>(body->data()), body->size());
}

}  // namespace

TrainingRequest parse_training_request(const std::string& model, const std::string& body, const DataCatalog& data,
                                       const store::ModelStore& store, const JobBudget& budget) {
  const json j = parse_body(body);
  TrainingRequest request;
  request.model = model;
  request.dataset = &data.default_set();
  if (j.contains("dataset")) {
    request.dataset = data.find(string_field(j, "dataset"));
    if (!request.dataset) invalid("no data set named '" + j.at("dataset").get<std::string>() + "'");
  }

  if (j.contains("resume") && !j.at("resume").is_boolean()) invalid("resume must be true or false");
  const bool resume = j.value("resume", false);
  if (resume) request.start_from = latest_weights(store, model);
  TrainerConfig& config = request.config;
  try {
    // The net: the model's own when resuming, else the arch, else the
    // preset's; DigitLab's defaults for it (training_config), then the
    // settings the request names.
    const Architecture named = j.contains("arch") ? parse_architecture(string_field(j, "arch"))
                                                  : preset_architecture(j.contains("preset") ? string_field(j, "preset")
                                                                                             : "cnn");
    if (resume && (j.contains("arch") || j.contains("preset")) && request.start_from->model.arch != named)
      invalid("resume trains the model's own layers (" + to_string(request.start_from->model.arch) +
              "): leave out preset and arch");
    config = training_config(resume ? request.start_from->model.arch : named, request.dataset->name);
    // Every training setting by its name in core's table, typed as the table says.
    for (const SettingInfo& s : training_settings()) {
      if (!j.contains(s.name)) continue;
      const json& v = j.at(s.name);
      if (s.kind == SettingKind::choice) set_setting(config.hyper, s.name, string_field(j, s.name));
      else if (s.kind == SettingKind::flag && v.is_boolean()) set_setting(config.hyper, s.name, v.get<bool>() ? 1.0 : 0.0);
      else if (s.kind != SettingKind::flag && v.is_number()) set_setting(config.hyper, s.name, v.get<double>());
      else invalid(std::string(s.name) + (s.kind == SettingKind::flag ? " must be true or false" : " must be a number"));
    }
    if (j.contains("seed")) config.seed = json_unsigned(j.at("seed"), "seed");
    check_hyperparameters(config.hyper);
  } catch (const Error& e) {
    invalid(e.what());
  }
  try {
    check_trainable(config.arch, config.hyper.batch_size);
  } catch (const Error& e) {
    invalid(e.what());
  }
  check_budget(config, request.dataset->train->size(), budget);

  const auto preset = preset_of(config.arch);
  request.settings = {{"dataset", request.dataset->name},
                      {"preset", preset ? json(*preset) : json()},
                      {"arch", to_string(config.arch)},
                      {"seed", config.seed},
                      {"resume", resume}};
  for (const SettingInfo& s : training_settings()) {
    if (s.kind == SettingKind::choice) request.settings[s.name] = setting_text(config.hyper, s.name);
    else if (s.kind == SettingKind::flag) request.settings[s.name] = setting_number(config.hyper, s.name) != 0;
    else if (s.kind == SettingKind::integer) request.settings[s.name] = static_cast<int>(setting_number(config.hyper, s.name));
    else request.settings[s.name] = printed_float(static_cast<float>(setting_number(config.hyper, s.name)));
  }
  return request;
}

}  // namespace digitlab::server
