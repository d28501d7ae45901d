#include "logic/server_api.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace digitlab::gui {
namespace {

using nlohmann::json;

// Numbers may come as numbers or numeric strings, or be absent.
double number_or(const json& j, const char* key, double fallback) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    try {
      return std::stod(it->get<std::string>());
    } catch (const std::exception&) {
      return fallback;
    }
  }
  return fallback;
}

std::string string_or(const json& j, const char* key, const std::string& fallback = {}) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// Lists may be bare arrays or wrapped in an object under one key.
const json& unwrap(const json& j, const char* key) {
  if (j.is_object() && j.contains(key)) return j.at(key);
  return j;
}

}  // namespace

std::string samples_path(const std::string& dataset, const std::string& split, std::size_t offset, std::size_t count) {
  return "/api/datasets/" + dataset + "/" + split + "/samples?offset=" + std::to_string(offset) +
         "&count=" + std::to_string(count);
}

std::string random_samples_path(const std::string& dataset, const std::string& split, std::size_t count,
                                std::uint64_t seed) {
  return "/api/datasets/" + dataset + "/" + split + "/samples?random=" + std::to_string(count) +
         "&seed=" + std::to_string(seed);
}

std::string sample_path(const std::string& dataset, const std::string& split, std::size_t index) {
  return "/api/datasets/" + dataset + "/" + split + "/samples/" + std::to_string(index);
}

std::string weights_path(const std::string& model, std::optional<std::uint64_t> version) {
  std::string path = "/api/models/" + model + "/weights";
  if (version) path += "?version=" + std::to_string(*version);
  return path;
}

std::string versions_path(const std::string& model) { return "/api/models/" + model + "/versions"; }
std::string train_path(const std::string& model) { return "/api/models/" + model + "/train"; }
std::string job_path(const std::string& id) { return "/api/jobs/" + id; }

std::optional<std::uint64_t> parse_etag_version(const std::string& etag_in) {
  // The binary representation's tag is "3.bin" (docs/api.md): same version.
  std::string etag = etag_in;
  if (const auto bin = etag.rfind(".bin"); bin != std::string::npos) etag.erase(bin, 4);
  std::string digits;
  for (char c : etag)
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    else if (c != '"' && c != 'W' && c != '/' && c != ' ') return std::nullopt;
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  return std::stoull(digits);
}

std::string error_message(int status, const std::string& body, const std::string& transport_error) {
  if (status == 0) return "server unreachable" + (transport_error.empty() ? "" : " (" + transport_error + ")");
  const json j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error")) {
    const json& e = j["error"];
    if (e.is_object()) {
      const std::string message = string_or(e, "message");
      if (!message.empty()) return message + " (HTTP " + std::to_string(status) + ")";
    } else if (e.is_string()) {
      return e.get<std::string>() + " (HTTP " + std::to_string(status) + ")";
    }
  }
  return "HTTP " + std::to_string(status);
}

// A split's size: a number, or {"count": N}.
std::size_t split_size(const json& splits, const char* name) {
  const auto it = splits.find(name);
  if (it == splits.end()) return 0;
  if (it->is_object()) return static_cast<std::size_t>(number_or(*it, "count", 0));
  return it->is_number() ? it->get<std::size_t>() : 0;
}

std::vector<DatasetInfo> parse_datasets(const std::string& body) {
  std::vector<DatasetInfo> out;
  const json parsed = json::parse(body);  // the list refers into it
  for (const json& d : unwrap(parsed, "datasets")) {
    DatasetInfo info;
    info.name = string_or(d, "name");
    info.is_default = d.value("default", false);
    if (d.contains("splits") && d["splits"].is_object()) {
      info.train = split_size(d["splits"], "train");
      info.test = split_size(d["splits"], "test");
    }
    out.push_back(info);
  }
  return out;
}

std::vector<std::string> parse_model_names(const std::string& body) {
  std::vector<std::string> out;
  const json parsed = json::parse(body);  // the list refers into it
  for (const json& m : unwrap(parsed, "models"))
    out.push_back(m.is_string() ? m.get<std::string>() : string_or(m, "name"));
  return out;
}

namespace {

// A version's metrics as a person reads them: the net, how it was trained,
// how well it did, and its note. Fields the server did not send are left out.
std::string describe_metrics(const json& m, const std::string& format) {
  std::string text;
  char line[160];
  const auto add = [&text](const std::string& l) { text += (text.empty() ? "" : "\n") + l; };
  const std::string preset = string_or(m, "preset"), arch = string_or(m, "arch");
  const double parameters = number_or(m, "parameters", -1);
  if (!preset.empty() || !arch.empty()) {
    std::string net = "net: " + (preset.empty() ? arch : preset);
    if (parameters >= 0) {
      std::snprintf(line, sizeof line, " (%.0f parameters)", parameters);
      net += line;
    }
    add(net);
  }
  const double epochs = number_or(m, "epochs", -1), seen = number_or(m, "samples_seen", -1);
  const std::string dataset = string_or(m, "dataset");
  if (epochs > 0 || seen > 0) {
    std::snprintf(line, sizeof line, "trained%s%s for %.2f epochs (%.0f samples)", dataset.empty() ? "" : " on ",
                  dataset.c_str(), std::max(0.0, epochs), std::max(0.0, seen));
    add(line);
  } else {
    add("untrained");
  }
  const double accuracy = number_or(m, "test_accuracy", -1), loss = number_or(m, "test_loss", -1);
  if (accuracy >= 0) {
    if (loss >= 0) std::snprintf(line, sizeof line, "test accuracy %.2f%%, loss %.4f", 100 * accuracy, loss);
    else std::snprintf(line, sizeof line, "test accuracy %.2f%%", 100 * accuracy);
    add(line);
  } else {
    add("never evaluated");
  }
  if (const std::string note = string_or(m, "note"); !note.empty()) add(note);
  if (format == "trained") add("made by a training job on the server");
  else if (!format.empty()) add("uploaded as " + format);
  return text;
}

}  // namespace

std::vector<ModelVersion> parse_versions(const std::string& body) {
  std::vector<ModelVersion> out;
  const json parsed = json::parse(body);  // the list refers into it
  for (const json& v : unwrap(parsed, "versions")) {
    ModelVersion mv;
    mv.version = static_cast<std::uint64_t>(number_or(v, "version", 0));
    mv.created = string_or(v, "created");
    mv.size = static_cast<std::uint64_t>(number_or(v, "size", 0));
    if (v.contains("metrics") && v["metrics"].is_object()) {
      const json& m = v["metrics"];
      mv.test_accuracy = number_or(m, "test_accuracy", number_or(m, "accuracy", -1));
      mv.description = describe_metrics(m, string_or(v, "format"));
    }
    out.push_back(mv);
  }
  return out;
}

bool JobStatus::finished() const {
  return state == "done" || state == "finished" || state == "succeeded" || state == "completed" ||
         state == "failed" || state == "error" || state == "cancelled" || state == "canceled";
}

JobStatus parse_job(const std::string& body) {
  const json j = json::parse(body);
  JobStatus s;
  s.id = string_or(j, "id");
  s.state = string_or(j, "state", "unknown");
  // Progress numbers sit in a "progress" object (null before the job runs),
  // or at the top level.
  const json& p = j.contains("progress") && j["progress"].is_object() ? j["progress"] : j;
  s.epoch = number_or(p, "epoch", 0);
  s.total_epochs = static_cast<int>(number_or(p, "total_epochs", 0));
  s.loss = static_cast<float>(number_or(p, "loss", 0));
  s.accuracy = static_cast<float>(number_or(p, "accuracy", 0));
  s.test_accuracy = number_or(p, "test_accuracy", -1);
  s.samples_per_s = static_cast<float>(number_or(p, "samples_per_s", 0));
  const double version = number_or(j, "version", -1);
  if (version >= 0) s.version = static_cast<std::uint64_t>(version);
  if (j.contains("error") && !j["error"].is_null())
    s.error = j["error"].is_object() ? string_or(j["error"], "message") : string_or(j, "error");
  return s;
}

std::string parse_job_id(const std::string& body) { return string_or(json::parse(body), "id"); }

std::optional<std::uint64_t> parse_pushed_version(const std::string& body) {
  const double v = number_or(json::parse(body), "version", -1);
  if (v < 0) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

LabelledSample parse_sample(const std::string& body) {
  const json j = json::parse(body);
  LabelledSample s;
  s.index = static_cast<int>(number_or(j, "index", 0));
  s.label = static_cast<int>(number_or(j, "label", -1));
  const auto values = j.at("pixels").get<std::vector<double>>();
  if (values.size() != static_cast<std::size_t>(kImagePixels)) throw std::runtime_error("sample has wrong pixel count");
  // Bytes 0-255, or intensities in [0, 1] if every value is.
  double max_value = 0;
  for (double v : values) max_value = std::max(max_value, v);
  const double scale = max_value <= 1.0 ? 255.0 : 1.0;
  s.pixels.reserve(values.size());
  for (double v : values) s.pixels.push_back(static_cast<std::uint8_t>(std::clamp(v * scale + 0.5, 0.0, 255.0)));
  return s;
}

std::string train_request_json(const Hyperparameters& hyper, const Architecture& arch, std::uint64_t seed) {
  const OptimizerConfig& o = hyper.optimizer;
  const json j = {{"arch", to_string(arch)},
                  {"augment", hyper.augment.enabled},
                  {"optimizer", to_string(o.kind)},
                  {"lr", o.lr},
                  {"momentum", o.momentum},
                  {"weight_decay", o.weight_decay},
                  {"batch_size", hyper.batch_size},
                  {"epochs", hyper.epochs},
                  {"seed", seed},
                  {"schedule", to_string(o.schedule)}};
  return j.dump();
}

}  // namespace digitlab::gui
