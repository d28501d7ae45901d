#include "logic/session_file.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <limits>

#include "digitlab/train/settings.h"
#include "digitlab/util/json_integer.h"

namespace digitlab::gui {

namespace {

using nlohmann::json;
constexpr char kMagic[4] = {'D', 'L', 'S', '1'};
constexpr std::size_t kMaxHeader = 8u << 20;  // curves of 1024 points and a 10,000-digit evaluation fit easily

RunState parse_run_state(const std::string& text) {
  for (RunState s : {RunState::idle, RunState::running, RunState::paused, RunState::finished, RunState::stopped})
    if (text == to_string(s)) return s;
  throw Error("session: unknown run state '" + text.substr(0, 20) + "'");
}

json eval_json(const EvalResult& e) {
  std::string predicted(e.predicted.size(), '0');
  for (std::size_t i = 0; i < e.predicted.size(); ++i) predicted[i] = static_cast<char>('0' + e.predicted[i] % 10);
  return {{"count", e.count}, {"accuracy", e.accuracy}, {"loss", e.loss}, {"confusion", e.confusion},
          {"predicted", predicted}};
}

// A figure of a run's curves: a number, or null where it was not finite (a
// diverged run's loss; JSON has no NaN, so nlohmann writes null) read back as NaN.
double figure(const json& v) {
  return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

std::shared_ptr<const EvalResult> eval_from(const json& j) {
  auto e = std::make_shared<EvalResult>();
  e->count = j.at("count").get<std::size_t>();
  e->accuracy = figure(j.at("accuracy"));
  e->loss = figure(j.at("loss"));
  e->confusion = j.at("confusion").get<std::array<std::array<int, kClasses>, kClasses>>();
  const std::string predicted = j.at("predicted").get<std::string>();
  for (char c : predicted) {
    if (c < '0' || c > '9') throw Error("session: bad predicted digit");
    e->predicted.push_back(static_cast<std::uint8_t>(c - '0'));
  }
  if (e->predicted.size() != e->count && !e->predicted.empty()) throw Error("session: predictions do not match the count");
  return e;
}

}  // namespace

std::vector<std::uint8_t> encode_session(const SavedSession& s) {
  json settings = json::object();
  for (const SettingInfo& info : training_settings()) settings[info.name] = setting_text(s.hyper, info.name);
  json history = json::array(), evals = json::array();
  for (const MetricPoint& p : s.run.history) history.push_back({p.epoch, p.loss, p.accuracy, p.samples_per_s, p.lr});
  for (const EvalPoint& e : s.run.evals) evals.push_back({e.epoch, e.accuracy, e.loss});
  json header = {{"format", "digitlab-session"},
                 {"saved_at", s.saved_at},
                 {"model", {{"name", s.model_name},
                            {"server_version", s.server_version ? json(*s.server_version) : json(nullptr)},
                            {"changed", s.changed_since_server}}},
                 {"settings", settings},
                 {"seed", s.seed},
                 {"run", {{"state", to_string(s.run.state)},
                          {"epoch", s.run.epoch},
                          {"history", history},
                          {"evals", evals},
                          {"last_eval", s.run.last_eval ? eval_json(*s.run.last_eval) : json(nullptr)}}}};
  const std::string text = header.dump();
  const std::vector<std::uint8_t> weights = weights_to_binary(s.weights);
  std::vector<std::uint8_t> out(kMagic, kMagic + 4);
  const auto length = static_cast<std::uint32_t>(text.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  out.insert(out.end(), weights.begin(), weights.end());
  return out;
}

SavedSession decode_session(const std::uint8_t* data, std::size_t size) {
  if (size < 8 || std::memcmp(data, kMagic, 4) != 0) throw Error("session: not a DigitLab session");
  std::uint32_t length = 0;
  for (int i = 0; i < 4; ++i) length |= std::uint32_t(data[4 + i]) << (8 * i);
  if (length > kMaxHeader || length > size - 8) throw Error("session: truncated header");
  SavedSession s;
  try {
    const json h = json::parse(data + 8, data + 8 + length);
    if (h.at("format") != "digitlab-session") throw Error("session: unknown format");
    s.saved_at = json_integer(h.at("saved_at"), "session: saved_at", 0, INT64_MAX);
    const json& model = h.at("model");
    s.model_name = model.at("name").get<std::string>();
    if (!model.at("server_version").is_null()) s.server_version = json_unsigned(model.at("server_version"), "session: server_version");
    s.changed_since_server = model.at("changed").get<bool>();
    for (const auto& [name, text] : h.at("settings").items()) set_setting(s.hyper, name, text.get<std::string>());
    check_hyperparameters(s.hyper);
    s.seed = json_unsigned(h.at("seed"), "session: seed");
    const json& run = h.at("run");
    s.run.state = parse_run_state(run.at("state").get<std::string>());
    s.run.epoch = run.at("epoch").get<double>();
    if (!(s.run.epoch >= 0 && s.run.epoch <= 1e6)) throw Error("session: bad epoch");
    for (const json& p : run.at("history"))
      s.run.history.push_back({p.at(0).get<double>(), float(figure(p.at(1))), float(figure(p.at(2))),
                               float(figure(p.at(3))), float(figure(p.at(4)))});
    for (const json& e : run.at("evals"))
      s.run.evals.push_back({e.at(0).get<double>(), float(figure(e.at(1))), float(figure(e.at(2)))});
    if (!run.at("last_eval").is_null()) s.run.last_eval = eval_from(run.at("last_eval"));
  } catch (const json::exception& e) {
    // In words, without nlohmann's "[json.exception.type_error.302]" prefix.
    const std::string what = e.what();
    const auto end = what.find("] ");
    throw Error("session: the saved file is damaged (" + (end == std::string::npos ? what : what.substr(end + 2)) + ")");
  }
  s.weights = weights_from_binary(data + 8 + length, size - 8 - length);
  return s;
}

}  // namespace digitlab::gui
