#include "digitlab/io/weights.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "digitlab/util/files.h"

namespace digitlab {

namespace {

// Weights are floats: a JSON whose number type is float prints each value in
// its shortest float form, half the size of printing them as doubles.
using Json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t,
                                  std::uint64_t, float>;

constexpr char kBinaryMagic[4] = {'D', 'L', 'W', 'B'};

std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint32_t read_le32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
         (std::uint32_t(p[3]) << 24);
}
// The i-th of a run of little-endian floats (unaligned).
float le_float(const std::uint8_t* p, std::size_t i) {
  const std::uint32_t bits = read_le32(p + 4 * i);
  float x;
  std::memcpy(&x, &bits, 4);
  return x;
}

// Limits of the streaming JSON reader outside the parameter arrays: they bound
// what a hostile file can make the parser hold (kMaxJsonDepth is public).
constexpr std::size_t kMaxStringBytes = 4096;   // any key or string value
constexpr std::size_t kMaxListItems = 1024;     // items of one array
constexpr std::size_t kMaxHeaderValues = 4096;  // values in all
// Limits of the metadata fields.
constexpr std::size_t kMaxDatasetNameBytes = 64;
constexpr std::size_t kMaxNoteBytes = 1024;
constexpr std::int64_t kMaxBatchSize = 1 << 20;

// --- the parts both formats share: architecture and training metadata ------

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
// An integer in [min, max], checked before any narrowing cast.
std::int64_t integer_in(const Json& v, const std::string& what, std::int64_t min, std::int64_t max) {
  const bool fits = v.is_number_integer() &&
                    (v.is_number_unsigned() ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max)
                                            : v.get<std::int64_t>() >= min && v.get<std::int64_t>() <= max) &&
                    v.get<std::int64_t>() >= min;
  if (!fits)
    throw Error("weights: " + what + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return v.get<std::int64_t>();
}
std::string text(const Json& obj, const char* key, const char* where, std::size_t max_bytes = kMaxStringBytes) {
  const Json& v = field(obj, key, where);
  if (!v.is_string()) throw Error(std::string("weights: '") + key + "' in " + where + " is not a string");
  if (v.get_ref<const std::string&>().size() > max_bytes)
    throw Error(std::string("weights: '") + key + "' in " + where + " is longer than " + std::to_string(max_bytes) +
                " bytes");
  return v.get<std::string>();
}

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
        Json described = layer_to_json(plan[i]);
        described.erase("output");  // shapes are derived: a reader may leave them out
        Json given = layers[i];
        if (given.is_object()) given.erase("output");
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
  const Json& seed = field(t, "seed", "training");
  if (!seed.is_number_integer()) throw Error("weights: training.seed must be an integer");
  m.seed = seed.get<std::uint64_t>();
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

// --- streaming JSON reader ---------------------------------------------------

// Where the numbers of one parameter array go: `capacity` floats at `data`,
// or nowhere (data null) while the architecture is not known yet.
struct ParamTarget {
  float* data = nullptr;
  std::size_t capacity = 0;
};

// One layers[l].weights or layers[l].bias array as it was read.
struct ParamArray {
  int layer;
  bool bias;
  std::size_t count;
};

// Reads a weights JSON text as a stream of SAX events (nlohmann's SAX
// interface). Everything outside the parameter arrays builds a small document
// (`doc`), held within the limits above; the numbers of layers[l].weights and
// layers[l].bias never become JSON values: they go straight to the float
// buffer `target(layer, bias)` names, or are only counted and checked.
class WeightsJsonReader final : public nlohmann::json_sax<Json> {
 public:
  // Called when the top-level parameter array starts, with the document read
  // so far; answers where each parameter array goes.
  using Targets = std::function<std::function<ParamTarget(int layer, bool bias)>(const Json& doc_so_far)>;

  explicit WeightsJsonReader(Targets targets) : targets_(std::move(targets)) {}

  Json doc;
  std::vector<ParamArray> arrays;

  bool null() override { return scalar(Json(nullptr)); }
  bool boolean(bool v) override { return scalar(Json(v)); }
  bool number_integer(number_integer_t v) override { return param_mode_ ? param(static_cast<float>(v)) : scalar(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override {
    return param_mode_ ? param(static_cast<float>(v)) : scalar(Json(v));
  }
  bool number_float(number_float_t v, const string_t&) override { return param_mode_ ? param(v) : scalar(Json(v)); }
  bool string(string_t& v) override {
    check_string(v);
    return scalar(Json(std::move(v)));
  }
  bool binary(binary_t&) override { throw Error("weights: not valid JSON (binary value)"); }
  bool key(string_t& v) override {
    check_string(v);
    key_ = std::move(v);
    return true;
  }
  bool start_object(std::size_t) override { return open(Json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override {
    if (param_mode_) not_a_number();
    if (in_layers() && depth_ == layers_depth_ + 1 && stack_.back()->is_object() &&
        (key_ == "weights" || key_ == "bias")) {
      param_mode_ = true;
      const bool bias = key_ == "bias";
      for (const ParamArray& a : arrays)
        if (a.layer == layer_ && a.bias == bias) throw Error("weights: layer " + std::to_string(layer_) + " has two '" + key_ + "' arrays");
      arrays.push_back({layer_, bias, 0});
      target_ = place_ ? place_(layer_, bias) : ParamTarget{};
      return true;
    }
    // The parameters: "parameters" in version 2, "layers" in version 1.
    const bool starts_layers =
        depth_ == 1 && stack_.back()->is_object() && (key_ == "parameters" || key_ == "layers") && targets_;
    if (!open(Json::array())) return false;
    if (starts_layers) {
      layers_depth_ = depth_;
      place_ = targets_(doc);
    }
    return true;
  }
  bool end_array() override {
    if (!param_mode_) return close();
    param_mode_ = false;
    const ParamArray& a = arrays.back();
    if (target_.data && a.count != target_.capacity) wrong_count(a.count);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    // The message quotes the offending token: keep it short.
    std::string what = e.what();
    if (what.size() > 200) what = what.substr(0, 200) + "...";
    throw Error("weights: not valid JSON (" + what + ")");
  }

 private:
  bool in_layers() const { return layers_depth_ > 0 && depth_ >= layers_depth_; }

  bool param(float v) {
    ParamArray& a = arrays.back();
    if (target_.data) {
      if (a.count == target_.capacity) wrong_count(a.count + 1);
      target_.data[a.count] = v;
    }
    ++a.count;
    return true;
  }
  [[noreturn]] void not_a_number() const {
    const ParamArray& a = arrays.back();
    throw Error("weights: layer " + std::to_string(a.layer) + (a.bias ? " bias[" : " weights[") +
                std::to_string(a.count) + "] is not a number (NaN or Inf?)");
  }
  [[noreturn]] void wrong_count(std::size_t count) const {
    const ParamArray& a = arrays.back();
    throw Error("weights: layer " + std::to_string(a.layer) + (a.bias ? " bias" : " weights") + " must hold " +
                std::to_string(target_.capacity) + " numbers, has " + (count > target_.capacity ? "more" : std::to_string(count)));
  }
  void check_string(const string_t& v) const {
    if (v.size() > kMaxStringBytes)
      throw Error("weights: a JSON string longer than " + std::to_string(kMaxStringBytes) + " bytes");
  }
  void count_value() {
    if (++values_ > kMaxHeaderValues)
      throw Error("weights: more than " + std::to_string(kMaxHeaderValues) + " JSON values outside the parameters");
    if (!stack_.empty() && stack_.back()->is_array() && stack_.back()->size() >= kMaxListItems)
      throw Error("weights: a JSON array outside the parameters holds more than " + std::to_string(kMaxListItems) +
                  " items");
  }
  // Adds a value to the open container (or makes it the document); returns it.
  Json* add(Json&& v) {
    count_value();
    if (stack_.empty()) {
      doc = std::move(v);
      return &doc;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    Json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }
  bool scalar(Json&& v) {
    if (param_mode_) not_a_number();
    add(std::move(v));
    return true;
  }
  bool open(Json&& container) {
    if (param_mode_) not_a_number();
    if (++depth_ > kMaxJsonDepth)
      throw Error("weights: JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    if (in_layers() && depth_ == layers_depth_ + 1) ++layer_;  // a layer object (or whatever stands there)
    stack_.push_back(add(std::move(container)));
    return true;
  }
  bool close() {
    if (depth_ == layers_depth_) layers_depth_ = -1;  // the layers array ends
    stack_.pop_back();
    --depth_;
    return true;
  }

  Targets targets_;
  std::function<ParamTarget(int, bool)> place_;
  std::vector<Json*> stack_;  // open containers of doc
  std::string key_;           // the last key read
  int depth_ = 0;
  int layers_depth_ = -1;  // depth of the top-level layers array while it is open
  int layer_ = -1;         // index of the layer object being read
  std::size_t values_ = 0;
  bool param_mode_ = false;
  ParamTarget target_;
};

// Parses `data` with `reader`: malformed JSON and the reader's limits throw Error.
void read_json(const char* data, std::size_t size, WeightsJsonReader& reader) try {
  Json::sax_parse(data, data + size, &reader);
} catch (const nlohmann::json::exception& e) {
  throw Error(std::string("weights: malformed (") + e.what() + ")");
}

// A model's parameter buffer, allocated only when the text can hold that many
// numbers (at least "0," each): a small body naming a huge net allocates nothing.
void allocate_params(Model& model, std::size_t text_size) {
  const std::size_t count = param_count(model.arch);
  if (count > text_size / 2)
    throw Error("weights: a text of " + std::to_string(text_size) + " bytes cannot hold the " + std::to_string(count) +
                " parameters its architecture needs");
  model.params.assign(count, 0.0f);
}

// The layers that have parameters (dense, conv), in order: entry i of the
// file's parameter list belongs to model.layers[param_layers(model)[i]].
std::vector<int> param_layers(const Model& model) {
  std::vector<int> out;
  for (std::size_t l = 0; l < model.layers.size(); ++l)
    if (model.layers[l].weights_count > 0) out.push_back(static_cast<int>(l));
  return out;
}

// Where the weights or bias of parameter entry `entry` of `model` go.
ParamTarget entry_target(Model& model, int entry, bool bias) {
  const std::vector<int> layers = param_layers(model);
  if (entry >= static_cast<int>(layers.size()))
    throw Error("weights: expected " + std::to_string(layers.size()) + " layers with parameters");
  const LayerPlan& p = model.layers[layers[entry]];
  return bias ? ParamTarget{model.params.data() + p.bias_offset, p.bias_count}
              : ParamTarget{model.params.data() + p.weights_offset, p.weights_count};
}

// The shape of a parameter layer's weights: dense [I, O], conv [F, C, K, K].
std::vector<std::size_t> weights_shape(const LayerPlan& p) {
  if (p.spec.kind == LayerKind::dense) return {p.in.size(), std::size_t(p.spec.size)};
  return {std::size_t(p.spec.size), std::size_t(p.in.channels), std::size_t(p.spec.kernel), std::size_t(p.spec.kernel)};
}

Json parse_header_json(const char* data, std::size_t size) {
  WeightsJsonReader reader(nullptr);
  read_json(data, size, reader);
  return std::move(reader.doc);
}

// --- binary layout ---------------------------------------------------------

// Binary layout (little-endian), docs/weights-format.md:
//   "DLWB" | u32 version | u32 header_len | header JSON (format, version,
//   architecture, training) | u32 param_count | f32 params[param_count] |
//   u32 CRC-32 of every byte before it
struct BinaryWeights {
  ModelFile header;             // params empty
  const std::uint8_t* params;  // param_count(header.model.arch) little-endian floats
};

BinaryWeights read_binary(const std::uint8_t* data, std::size_t size) {
  if (size < 16 || std::memcmp(data, kBinaryMagic, 4) != 0) throw Error("weights: not a DigitLab binary weights file");
  const std::uint32_t version = read_le32(data + 4);
  if (version < 1 || version > kWeightsFormatVersion)
    throw Error("weights: unsupported binary format version " + std::to_string(version));
  if (crc32(data, size - 4) != read_le32(data + size - 4))
    throw Error("weights: checksum mismatch (file truncated or corrupted)");
  const std::uint64_t header_len = read_le32(data + 8);
  if (12 + header_len + 4 + 4 > size) throw Error("weights: header length exceeds the file");
  const Json header = parse_header_json(reinterpret_cast<const char*>(data + 12), header_len);
  BinaryWeights b{header_from_json(header), nullptr};
  if (format_version(header.at("version")) != static_cast<int>(version))
    throw Error("weights: the header's format version differs from the file's (" + std::to_string(version) + ")");
  const std::uint8_t* p = data + 12 + header_len;
  const std::uint32_t count = read_le32(p);
  const std::size_t needed = param_count(b.header.model.arch);
  if (count != needed)
    throw Error("weights: " + std::to_string(count) + " parameters stored, architecture needs " + std::to_string(needed));
  if (12 + header_len + 4 + std::uint64_t(count) * 4 + 4 != size) throw Error("weights: file size does not match the parameter count");
  b.params = p + 4;
  for (std::uint32_t i = 0; i < count; ++i)
    if (!std::isfinite(le_float(b.params, i)))
      throw Error("weights: parameter " + std::to_string(i) + " is NaN or infinite");
  return b;
}

// Shortest text that reads back as the same float, as nlohmann's dump
// writes it ("0.05", "1e-08", "-0.0", "100.0": never integer-looking, so -0
// keeps its sign). Its Grisu2 code rather than std::to_chars, which
// Emscripten 3.1.6's libc++ lacks for floats.
void append_float(std::string& out, float x) {
  char buf[64];
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, x);
  out.append(static_cast<const char*>(buf), end);
}

}  // namespace

// --- JSON rendering ----------------------------------------------------------

WeightsJsonRenderer::WeightsJsonRenderer(const ModelFile& f) : WeightsJsonRenderer(f, f.model.params.data(), nullptr) {
  check_model(f.model);
}

WeightsJsonRenderer WeightsJsonRenderer::from_binary(const std::uint8_t* data, std::size_t size) {
  const BinaryWeights b = read_binary(data, size);
  return WeightsJsonRenderer(b.header, nullptr, b.params);
}

// The header object is small: nlohmann renders it (strings escaped); the
// layers follow as segments, each a literal piece and a run of parameters.
WeightsJsonRenderer::WeightsJsonRenderer(const ModelFile& f, const float* floats, const std::uint8_t* little_endian)
    : floats_(floats), little_endian_(little_endian) {
  std::string text = header_to_json(f).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.pop_back();  // the closing brace: the parameters go last
  text += ",\"parameters\":[";
  const Model& model = f.model;
  const std::vector<int> layers = param_layers(model);
  for (std::size_t e = 0; e < layers.size(); ++e) {
    const LayerPlan& p = model.layers[layers[e]];
    std::string shape;
    for (std::size_t d : weights_shape(p)) shape += (shape.empty() ? "" : ",") + std::to_string(d);
    text += (e ? "]},{\"layer\":" : "{\"layer\":") + std::to_string(layers[e]) + ",\"weights_shape\":[" + shape +
            "],\"weights\":[";
    segments_.push_back({std::move(text), p.weights_offset, p.weights_count});
    segments_.push_back({"],\"bias\":[", p.bias_offset, p.bias_count});
    text.clear();
  }
  segments_.push_back({(layers.empty() ? "]}" : "]}]}"), 0, 0});
}

float WeightsJsonRenderer::param(std::size_t i) const { return floats_ ? floats_[i] : le_float(little_endian_, i); }

bool WeightsJsonRenderer::next(std::string& out, std::size_t max_bytes) {
  const std::size_t limit = out.size() + max_bytes;
  while (segment_ < segments_.size()) {
    const Segment& s = segments_[segment_];
    if (!text_written_) {
      out += s.text;
      text_written_ = true;
    }
    for (; done_in_segment_ < s.count; ++done_in_segment_) {
      if (out.size() >= limit) return true;
      if (done_in_segment_) out += ',';
      append_float(out, param(s.first + done_in_segment_));
    }
    ++segment_;
    done_in_segment_ = 0;
    text_written_ = false;
    if (out.size() >= limit) return segment_ < segments_.size();
  }
  return false;
}

std::string weights_to_json(const ModelFile& f) {
  WeightsJsonRenderer renderer(f);
  std::string out;
  out.reserve(f.model.params.size() * 11 + 1024);
  while (renderer.next(out, SIZE_MAX / 2)) {
  }
  return out;
}

// --- JSON parsing --------------------------------------------------------------

ModelFile weights_from_json(const std::string& text_in) {
  // The parameters go straight into the model once its architecture is known.
  // A file that lists its parameters before its architecture (ours never do)
  // is read twice: first counting, then storing.
  ModelFile prepared;
  bool placed = false;
  const auto place_in = [&](const Json& doc_so_far) -> std::function<ParamTarget(int, bool)> {
    if (!doc_so_far.contains("architecture") || !doc_so_far.contains("version")) return nullptr;
    prepared.model = architecture_from_json(doc_so_far.at("architecture"), format_version(doc_so_far.at("version")));
    allocate_params(prepared.model, text_in.size());
    placed = true;
    return [&](int entry, bool bias) { return entry_target(prepared.model, entry, bias); };
  };
  WeightsJsonReader reader(place_in);
  read_json(text_in.data(), text_in.size(), reader);
  ModelFile f = header_from_json(reader.doc);
  const int version = format_version(reader.doc.at("version"));
  const std::vector<int> layers = param_layers(f.model);
  const char* list_name = version == 1 ? "layers" : "parameters";
  const Json& list = field(reader.doc, list_name, "the file");
  if (!list.is_array() || list.size() != layers.size())
    throw Error("weights: '" + std::string(list_name) + "' must hold " + std::to_string(layers.size()) +
                " layers with parameters");
  for (std::size_t e = 0; e < layers.size(); ++e) {
    const LayerPlan& p = f.model.layers[layers[e]];
    const std::string where = "layer " + std::to_string(e);
    if (version == 1) {
      if (number(list[e], "in", where.c_str()) != p.in.size() || number(list[e], "out", where.c_str()) != p.spec.size)
        throw Error("weights: " + where + " shape does not match architecture.sizes");
    } else {
      const Json& at = field(list[e], "layer", where.c_str());
      if (!at.is_number_integer() || at.get<std::int64_t>() != layers[e])
        throw Error("weights: parameters[" + std::to_string(e) + "] must belong to layer " + std::to_string(layers[e]));
      const Json& shape = field(list[e], "weights_shape", where.c_str());
      const std::vector<std::size_t> expected = weights_shape(p);
      bool same = shape.is_array() && shape.size() == expected.size();
      for (std::size_t d = 0; same && d < expected.size(); ++d)
        same = shape[d].is_number_integer() && shape[d].get<std::int64_t>() == static_cast<std::int64_t>(expected[d]);
      if (!same) throw Error("weights: parameters[" + std::to_string(e) + "].weights_shape does not match its layer");
    }
    for (const bool bias : {false, true}) {
      const auto a = std::find_if(reader.arrays.begin(), reader.arrays.end(),
                                  [&](const ParamArray& arr) { return arr.layer == static_cast<int>(e) && arr.bias == bias; });
      const std::size_t expected = bias ? p.bias_count : p.weights_count;
      if (a == reader.arrays.end() || a->count != expected)
        throw Error("weights: " + where + (bias ? " bias" : " weights") + " must hold " + std::to_string(expected) +
                    " numbers, has " + (a == reader.arrays.end() ? std::string("no array") : std::to_string(a->count)));
    }
  }
  if (!placed) {  // every count is right: read the numbers again, into the model
    prepared.model = f.model;
    allocate_params(prepared.model, text_in.size());
    WeightsJsonReader second([&](const Json&) -> std::function<ParamTarget(int, bool)> {
      return [&](int entry, bool bias) { return entry_target(prepared.model, entry, bias); };
    });
    read_json(text_in.data(), text_in.size(), second);
  }
  f.model.params = std::move(prepared.model.params);
  check_model(f.model);
  return f;
}

// --- binary ------------------------------------------------------------------

std::vector<std::uint8_t> weights_to_binary(const ModelFile& f) {
  check_model(f.model);
  const std::string header = header_to_json(f).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::vector<std::uint8_t> out(kBinaryMagic, kBinaryMagic + 4);
  out.reserve(4 + 4 + 4 + header.size() + 4 + 4 * f.model.params.size() + 4);
  put_le32(out, kWeightsFormatVersion);
  put_le32(out, static_cast<std::uint32_t>(header.size()));
  out.insert(out.end(), header.begin(), header.end());
  put_le32(out, static_cast<std::uint32_t>(f.model.params.size()));
  for (float p : f.model.params) {
    std::uint32_t bits;
    std::memcpy(&bits, &p, 4);
    put_le32(out, bits);
  }
  put_le32(out, crc32(out.data(), out.size()));
  return out;
}

ModelFile weights_from_binary(const std::uint8_t* data, std::size_t size) {
  BinaryWeights b = read_binary(data, size);
  ModelFile f = std::move(b.header);
  f.model.params.resize(param_count(f.model.arch));
  for (std::size_t i = 0; i < f.model.params.size(); ++i) f.model.params[i] = le_float(b.params, i);
  check_model(f.model);
  return f;
}

ModelFile weights_from_bytes(const std::uint8_t* data, std::size_t size) {
  if (size >= 4 && std::memcmp(data, kBinaryMagic, 4) == 0) return weights_from_binary(data, size);
  return weights_from_json(std::string(reinterpret_cast<const char*>(data), size));
}

std::vector<std::uint8_t> weights_file_bytes(const std::string& file_name, const ModelFile& f) {
  const bool binary = file_name.size() >= 4 && file_name.compare(file_name.size() - 4, 4, ".bin") == 0;
  if (binary) return weights_to_binary(f);
  const std::string json = weights_to_json(f);
  return {json.begin(), json.end()};
}

void save_weights(const std::string& path, const ModelFile& f) { write_file_atomically(path, weights_file_bytes(path, f)); }

ModelFile load_weights(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  try {
    return weights_from_bytes(bytes.data(), bytes.size());
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace digitlab
