#include "weights_header.h"

#include <climits>
#include <cmath>
#include <cstdio>

#include "digitlab/util/json_integer.h"

namespace digitlab::weights_format {

namespace {

// Limits of the metadata fields.
constexpr std::size_t kMaxDatasetNameBytes = 64;
constexpr std::size_t kMaxNoteBytes = 1024;
constexpr std::int64_t kMaxBatchSize = 1 << 20;

Json optimizer_to_json(const OptimizerConfig& c) {
  return Json{{"kind", to_string(c.kind)}, {"lr", c.lr}, {"momentum", c.momentum},
              {"beta1", c.beta1}, {"beta2", c.beta2}, {"eps", c.eps},
              {"weight_decay", c.weight_decay}, {"schedule", to_string(c.schedule)},
              {"step_epochs", c.step_epochs}, {"step_gamma", c.step_gamma},
              {"min_lr_fraction", c.min_lr_fraction}};
}

// One layer of the architecture's description: its kind, sizes and output.
Json layer_to_json(const LayerPlan& p) {
  Json j{{"type", to_string(p.spec.kind)}};
  switch (p.spec.kind) {
    case LayerKind::dense: j["outputs"] = p.spec.size; break;
    case LayerKind::conv:
      j["filters"] = p.spec.size;
      j["kernel"] = p.spec.kernel;
      j["padding"] = p.spec.padding == Padding::same ? "same" : "valid";
      break;
    case LayerKind::maxpool: j["size"] = p.spec.size; break;
    case LayerKind::relu:
    case LayerKind::flatten: break;
  }
  j["output"] = p.out.flat ? Json::array({p.out.channels}) : Json::array({p.out.height, p.out.width, p.out.channels});
  return j;
}

}  // namespace

Json header_to_json(const ModelFile& f) {
  const TrainingMeta& m = f.meta;
  const Model& model = f.model;
  Json layers = Json::array();
  for (const LayerPlan& p : model.layers) layers.push_back(layer_to_json(p));
  return Json{
      {"format", kWeightsFormatName},
      {"version", kWeightsFormatVersion},
      {"architecture",
       {{"spec", to_string(model.arch)}, {"input", {kImageSide, kImageSide, 1}}, {"layers", std::move(layers)},
        {"output", "log_softmax"}, {"input_mean", model.input_mean}, {"input_std", model.input_std}}},
      {"training",
       {{"dataset", m.dataset}, {"epochs", m.epochs}, {"test_accuracy", m.test_accuracy},
        {"test_loss", m.test_loss}, {"samples_seen", m.samples_seen},
        {"optimizer", optimizer_to_json(m.optimizer)}, {"batch_size", m.batch_size},
        {"seed", m.seed}, {"note", m.note}}}};
}

const Json& field(const Json& obj, const char* key, const char* where) {
  if (!obj.is_object() || !obj.contains(key))
    throw Error(std::string("weights: missing field '") + key + "' in " + where);
  return obj.at(key);
}
float number(const Json& obj, const char* key, const char* where) {
  const Json& v = field(obj, key, where);
  if (!v.is_number()) throw Error(std::string("weights: '") + key + "' in " + where + " is not a number");
  const float x = v.get<float>();
  if (!std::isfinite(x)) throw Error(std::string("weights: '") + key + "' in " + where + " is not finite");
  return x;
}
namespace {

// A number in [min, max]; the message names the range.
double number_in(const Json& obj, const char* key, const char* where, double min, double max) {
  const double x = number(obj, key, where);
  if (x < min || x > max) {
    char range[96];
    std::snprintf(range, sizeof range, " must be from %g to %g", min, max);
    throw Error(std::string("weights: '") + key + "' in " + where + range);
  }
  return x;
}
std::int64_t integer_in(const Json& v, const std::string& what, std::int64_t min, std::int64_t max) {
  return json_integer(v, "weights: " + what, min, max);
}
// A layer's sizes and output shape are integers: 16.0000001 would compare
// equal to 16 (and read as 16.0f) and must not pass for it.
void check_sizes_are_integers(const Json& layer, const std::string& where) {
  if (!layer.is_object()) return;
  for (const auto& [key, value] : layer.items()) {
    if (value.is_number()) integer_in(value, where + "." + key, 0, INT32_MAX);
    if (value.is_array())
      for (std::size_t d = 0; d < value.size(); ++d)
        if (value[d].is_number()) integer_in(value[d], where + "." + key + "[" + std::to_string(d) + "]", 0, INT32_MAX);
  }
}
std::string text(const Json& obj, const char* key, const char* where, std::size_t max_bytes = kMaxStringBytes) {
  const Json& v = field(obj, key, where);
  if (!v.is_string()) throw Error(std::string("weights: '") + key + "' in " + where + " is not a string");
  if (v.get_ref<const std::string&>().size() > max_bytes)
    throw Error(std::string("weights: '") + key + "' in " + where + " is longer than " + std::to_string(max_bytes) +
                " bytes");
  return v.get<std::string>();
}

}  // namespace

// A model's architecture and input scaling from the header, its params
// still empty. Version 1 lists dense layer widths ("sizes"); version 2 names
// the layers with a spec string and lists them, and both must agree.
Model architecture_from_json(const Json& arch, int version) {
  Model model;
  try {
    if (version == 1) {
      const Json& sizes = field(arch, "sizes", "architecture");
      if (!sizes.is_array() || sizes.size() < 2)
        throw Error("weights: architecture.sizes must list at least 2 layer sizes");
      std::vector<int> hidden;
      for (std::size_t i = 0; i < sizes.size(); ++i) {
        const int size = static_cast<int>(integer_in(sizes[i], "architecture.sizes", 1, 1 << 20));
        const bool first = i == 0, last = i + 1 == sizes.size();
        if ((first && size != kImagePixels) || (last && size != kClasses))
          throw Error("weights: architecture must start at 784 inputs and end at 10 outputs");
        if (!first && !last) hidden.push_back(size);
      }
      if (text(arch, "weight_layout", "architecture") != "in_out")
        throw Error("weights: unsupported weight_layout (expected in_out)");
      model.arch = dense_architecture(hidden);
    } else {
      model.arch = parse_architecture(text(arch, "spec", "architecture"));
      const Json& layers = field(arch, "layers", "architecture");
      const std::vector<LayerPlan> plan = plan_layers(model.arch);
      if (!layers.is_array() || layers.size() != plan.size())
        throw Error("weights: architecture.layers must list the " + std::to_string(plan.size()) + " layers of the spec");
      for (std::size_t i = 0; i < plan.size(); ++i) {
        const Json described = layer_to_json(plan[i]);
        Json given = layers[i];
        // Shapes are derived: a file may leave them out, but one it gives
        // must be the one the spec makes.
        if (given.is_object() && !given.contains("output")) given["output"] = described.at("output");
        check_sizes_are_integers(given, "architecture.layers[" + std::to_string(i) + "]");
        if (given != described)
          throw Error("weights: architecture.layers[" + std::to_string(i) + "] does not match layer " +
                      std::to_string(i + 1) + " of the spec (" + to_string(plan[i].spec) + ")");
      }
    }
    model.layers = plan_layers(model.arch);
    model.input_mean = number(arch, "input_mean", "architecture");
    model.input_std = number(arch, "input_std", "architecture");
    check_input_scaling(model.input_mean, model.input_std);
  } catch (const Error& e) {
    const std::string what = e.what();
    throw Error(what.rfind("weights: ", 0) == 0 ? what : "weights: " + what);
  }
  return model;
}

namespace {

TrainingMeta training_from_json(const Json& t) {
  TrainingMeta m;
  m.dataset = text(t, "dataset", "training", kMaxDatasetNameBytes);
  m.epochs = number_in(t, "epochs", "training", 0, 1e9);
  // -1 means never evaluated.
  m.test_accuracy = number_in(t, "test_accuracy", "training", -1, 1);
  m.test_loss = number_in(t, "test_loss", "training", -1, 1e9);
  if ((m.test_accuracy < 0 && m.test_accuracy != -1) || (m.test_loss < 0 && m.test_loss != -1))
    throw Error("weights: training.test_accuracy and test_loss are -1 (never evaluated) or not negative");
  m.samples_seen = static_cast<std::uint64_t>(integer_in(field(t, "samples_seen", "training"), "training.samples_seen",
                                                         0, INT64_MAX));
  m.seed = json_unsigned(field(t, "seed", "training"), "weights: training.seed");
  const Json& batch = field(t, "batch_size", "training");
  // Older files wrote it as a float (64.0); 0 for untrained weights.
  if (batch.is_number_float() && batch.get<float>() == std::floor(batch.get<float>()) && batch.get<float>() >= 0 &&
      batch.get<float>() <= kMaxBatchSize)
    m.batch_size = static_cast<int>(batch.get<float>());
  else
    m.batch_size = static_cast<int>(integer_in(batch, "training.batch_size", 0, kMaxBatchSize));
  if (t.contains("note")) m.note = text(t, "note", "training", kMaxNoteBytes);
  const Json& o = field(t, "optimizer", "training");
  OptimizerConfig& c = m.optimizer;
  c.kind = parse_optimizer_kind(text(o, "kind", "training.optimizer", 32));
  c.schedule = parse_schedule(text(o, "schedule", "training.optimizer", 32));
  c.lr = number(o, "lr", "training.optimizer");
  c.momentum = number(o, "momentum", "training.optimizer");
  c.beta1 = number(o, "beta1", "training.optimizer");
  c.beta2 = number(o, "beta2", "training.optimizer");
  c.eps = number(o, "eps", "training.optimizer");
  c.weight_decay = number(o, "weight_decay", "training.optimizer");
  c.step_epochs = number(o, "step_epochs", "training.optimizer");
  c.step_gamma = number(o, "step_gamma", "training.optimizer");
  c.min_lr_fraction = number(o, "min_lr_fraction", "training.optimizer");
  try {
    check_optimizer_config(c);
  } catch (const Error& e) {
    throw Error(std::string("weights: training.optimizer: ") + e.what());
  }
  return m;
}

}  // namespace

// The format version a file declares: 1 or 2.
int format_version(const Json& version) {
  if (!version.is_number_integer() || version.get<std::int64_t>() < 1 ||
      version.get<std::int64_t>() > kWeightsFormatVersion) {
    // Never dump an untrusted value: it may be large or deeply nested.
    const std::string shown = version.is_number_integer() ? std::to_string(version.get<std::int64_t>())
                                                          : std::string("of type ") + version.type_name();
    throw Error("weights: unsupported format version " + shown + " (this build reads versions 1 to " +
                std::to_string(kWeightsFormatVersion) + ")");
  }
  return static_cast<int>(version.get<std::int64_t>());
}

// Reads format, version, architecture and training. The net's params stay
// empty: callers check that the data really holds that many values before
// allocating, so a small body cannot make the parser allocate a huge net.
ModelFile header_from_json(const Json& j) {
  if (!j.is_object()) throw Error("weights: top level is not a JSON object");
  if (text(j, "format", "the file", 64) != kWeightsFormatName)
    throw Error("weights: format is not '" + std::string(kWeightsFormatName) + "'");
  const int version = format_version(field(j, "version", "the file"));
  ModelFile f;
  f.model = architecture_from_json(field(j, "architecture", "the file"), version);
  if (j.contains("training")) f.meta = training_from_json(j.at("training"));
  return f;
}

// The layers that have parameters (dense, conv), in order: entry i of the
// file's parameter list belongs to model.layers[param_layers(model)[i]].
std::vector<int> param_layers(const Model& model) {
  std::vector<int> out;
  for (std::size_t l = 0; l < model.layers.size(); ++l)
    if (model.layers[l].weights_count > 0) out.push_back(static_cast<int>(l));
  return out;
}

// The shape of a parameter layer's weights: dense [I, O], conv [F, C, K, K].
std::vector<std::size_t> weights_shape(const LayerPlan& p) {
  if (p.spec.kind == LayerKind::dense) return {p.in.size(), std::size_t(p.spec.size)};
  return {std::size_t(p.spec.size), std::size_t(p.in.channels), std::size_t(p.spec.kernel), std::size_t(p.spec.kernel)};
}

}  // namespace digitlab::weights_format
