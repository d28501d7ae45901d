#include "digitlab/weights_io.h"

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

Json header_to_json(const ModelFile& f) {
  const TrainingMeta& m = f.meta;
  return Json{
      {"format", kWeightsFormatName},
      {"version", kWeightsFormatVersion},
      {"architecture",
       {{"sizes", f.net.sizes}, {"activation", "relu"}, {"output", "log_softmax"},
        {"weight_layout", "in_out"}, {"input_mean", f.net.input_mean}, {"input_std", f.net.input_std}}},
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

// Layer sizes and input scaling of a net, whatever its parameters hold.
// `who` starts the message ("weights" while parsing a file, "model" otherwise).
// The scaling bounds keep (pixel - mean) / std finite for pixels in [0, 1].
void check_architecture(const Mlp& net, const char* who) {
  if (net.sizes.size() < 2 || net.sizes.front() != kImagePixels || net.sizes.back() != kClasses)
    throw Error(std::string(who) + ": architecture must start at 784 inputs and end at 10 outputs");
  check_hidden_sizes(net.hidden());
  if (!std::isfinite(net.input_mean) || !std::isfinite(net.input_std) || std::fabs(net.input_mean) > 1000.0f ||
      net.input_std < 1e-6f || net.input_std > 1000.0f)
    throw Error(std::string(who) + ": input scaling must have a mean within +-1000 and a std from 1e-6 to 1000");
}

// The net an architecture object describes, its params still empty.
Mlp architecture_from_json(const Json& arch) {
  const Json& sizes = field(arch, "sizes", "architecture");
  if (!sizes.is_array() || sizes.size() < 2) throw Error("weights: architecture.sizes must list at least 2 layer sizes");
  Mlp net;
  for (const Json& s : sizes) net.sizes.push_back(static_cast<int>(integer_in(s, "architecture.sizes", 1, 1 << 20)));
  if (text(arch, "weight_layout", "architecture") != "in_out")
    throw Error("weights: unsupported weight_layout (expected in_out)");
  net.input_mean = number(arch, "input_mean", "architecture");
  net.input_std = number(arch, "input_std", "architecture");
  check_architecture(net, "weights");
  return net;
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

// Reads format, version, architecture and training. The net's params stay
// empty: callers check that the data really holds that many values before
// allocating, so a small body cannot make the parser allocate a huge net.
ModelFile header_from_json(const Json& j) {
  if (!j.is_object()) throw Error("weights: top level is not a JSON object");
  if (text(j, "format", "the file", 64) != kWeightsFormatName)
    throw Error("weights: format is not '" + std::string(kWeightsFormatName) + "'");
  const Json& version = field(j, "version", "the file");
  if (!version.is_number_integer() || version.get<std::int64_t>() != kWeightsFormatVersion) {
    // Never dump an untrusted value: it may be large or deeply nested.
    const std::string shown = version.is_number_integer() ? std::to_string(version.get<std::int64_t>())
                                                          : std::string("of type ") + version.type_name();
    throw Error("weights: unsupported format version " + shown + " (this build reads version " +
                std::to_string(kWeightsFormatVersion) + ")");
  }
  ModelFile f;
  f.net = architecture_from_json(field(j, "architecture", "the file"));
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
  // Called when the top-level "layers" array starts, with the document read
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
    const bool starts_layers = depth_ == 1 && stack_.back()->is_object() && key_ == "layers" && targets_;
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

// A net's parameter buffer, allocated only when the text can hold that many
// numbers (at least "0," each): a small body naming a huge net allocates nothing.
void allocate_params(Mlp& net, std::size_t text_size) {
  const std::size_t count = param_count(net.sizes);
  if (count > text_size / 2)
    throw Error("weights: a text of " + std::to_string(text_size) + " bytes cannot hold the " + std::to_string(count) +
                " parameters its architecture needs");
  net.params.assign(count, 0.0f);
}

// Where layers[l].weights or .bias of `net` go.
ParamTarget layer_target(Mlp& net, int l, bool bias) {
  if (l >= net.num_layers()) throw Error("weights: expected " + std::to_string(net.num_layers()) + " layers");
  const LinearView view = net.layer(l);
  return bias ? ParamTarget{view.b, static_cast<std::size_t>(view.out)}
              : ParamTarget{view.w, static_cast<std::size_t>(view.in) * view.out};
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
  const std::uint8_t* params;  // param_count(header.net.sizes) little-endian floats
};

BinaryWeights read_binary(const std::uint8_t* data, std::size_t size) {
  if (size < 16 || std::memcmp(data, kBinaryMagic, 4) != 0) throw Error("weights: not a DigitLab binary weights file");
  const std::uint32_t version = read_le32(data + 4);
  if (version != kWeightsFormatVersion)
    throw Error("weights: unsupported binary format version " + std::to_string(version));
  if (crc32(data, size - 4) != read_le32(data + size - 4))
    throw Error("weights: checksum mismatch (file truncated or corrupted)");
  const std::uint64_t header_len = read_le32(data + 8);
  if (12 + header_len + 4 + 4 > size) throw Error("weights: header length exceeds the file");
  BinaryWeights b{header_from_json(parse_header_json(reinterpret_cast<const char*>(data + 12), header_len)), nullptr};
  const std::uint8_t* p = data + 12 + header_len;
  const std::uint32_t count = read_le32(p);
  if (count != param_count(b.header.net.sizes))
    throw Error("weights: " + std::to_string(count) + " parameters stored, architecture needs " +
                std::to_string(param_count(b.header.net.sizes)));
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

void check_model(const Mlp& net) {
  check_architecture(net, "model");
  if (net.params.size() != param_count(net.sizes))
    throw Error("model: " + std::to_string(net.params.size()) + " parameters, architecture needs " +
                std::to_string(param_count(net.sizes)));
  for (std::size_t i = 0; i < net.params.size(); ++i)
    if (!std::isfinite(net.params[i]))
      throw Error("model: parameter " + std::to_string(i) + " is NaN or infinite");
}

// --- JSON rendering ----------------------------------------------------------

WeightsJsonRenderer::WeightsJsonRenderer(const ModelFile& f) : WeightsJsonRenderer(f, f.net.params.data(), nullptr) {
  check_model(f.net);
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
  text.pop_back();  // the closing brace: the layers go last
  text += ",\"layers\":[";
  std::size_t offset = 0;
  for (int l = 0; l < f.net.num_layers(); ++l) {
    const std::size_t in = f.net.sizes[l], out = f.net.sizes[l + 1];
    text += (l ? "]},{\"in\":" : "{\"in\":") + std::to_string(in) + ",\"out\":" + std::to_string(out) + ",\"weights\":[";
    segments_.push_back({std::move(text), offset, in * out});
    offset += in * out;
    segments_.push_back({"],\"bias\":[", offset, out});
    offset += out;
    text.clear();
  }
  segments_.push_back({(f.net.num_layers() ? "]}]}" : "]}"), 0, 0});
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
  out.reserve(f.net.params.size() * 11 + 1024);
  while (renderer.next(out, SIZE_MAX / 2)) {
  }
  return out;
}

// --- JSON parsing --------------------------------------------------------------

ModelFile weights_from_json(const std::string& text_in) {
  // The parameters go straight into the net once its architecture is known.
  // A file that lists its layers before its architecture (ours never do) is
  // read twice: first counting, then storing.
  ModelFile prepared;
  bool placed = false;
  const auto place_in = [&](const Json& doc_so_far) -> std::function<ParamTarget(int, bool)> {
    if (!doc_so_far.contains("architecture")) return nullptr;
    prepared.net = architecture_from_json(doc_so_far.at("architecture"));
    allocate_params(prepared.net, text_in.size());
    placed = true;
    return [&](int l, bool bias) { return layer_target(prepared.net, l, bias); };
  };
  WeightsJsonReader reader(place_in);
  read_json(text_in.data(), text_in.size(), reader);
  ModelFile f = header_from_json(reader.doc);
  const Json& layers = field(reader.doc, "layers", "the file");
  if (!layers.is_array() || static_cast<int>(layers.size()) != f.net.num_layers())
    throw Error("weights: expected " + std::to_string(f.net.num_layers()) + " layers");
  for (int l = 0; l < f.net.num_layers(); ++l) {
    const std::string where = "layer " + std::to_string(l);
    const int in = f.net.sizes[l], out = f.net.sizes[l + 1];
    if (number(layers[l], "in", where.c_str()) != in || number(layers[l], "out", where.c_str()) != out)
      throw Error("weights: " + where + " shape does not match architecture.sizes");
    for (const bool bias : {false, true}) {
      const auto a = std::find_if(reader.arrays.begin(), reader.arrays.end(),
                                  [&](const ParamArray& p) { return p.layer == l && p.bias == bias; });
      const std::size_t expected = bias ? out : static_cast<std::size_t>(in) * out;
      if (a == reader.arrays.end() || a->count != expected)
        throw Error("weights: " + where + (bias ? " bias" : " weights") + " must hold " + std::to_string(expected) +
                    " numbers, has " + (a == reader.arrays.end() ? std::string("no array") : std::to_string(a->count)));
    }
  }
  if (!placed) {  // every count is right: read the numbers again, into the net
    prepared.net = f.net;
    allocate_params(prepared.net, text_in.size());
    WeightsJsonReader second([&](const Json&) -> std::function<ParamTarget(int, bool)> {
      return [&](int l, bool bias) { return layer_target(prepared.net, l, bias); };
    });
    read_json(text_in.data(), text_in.size(), second);
  }
  f.net.params = std::move(prepared.net.params);
  check_model(f.net);
  return f;
}

// --- binary ------------------------------------------------------------------

std::vector<std::uint8_t> weights_to_binary(const ModelFile& f) {
  check_model(f.net);
  const std::string header = header_to_json(f).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::vector<std::uint8_t> out;
  out.reserve(4 + 4 + 4 + header.size() + 4 + 4 * f.net.params.size() + 4);
  out.insert(out.end(), kBinaryMagic, kBinaryMagic + 4);
  put_le32(out, kWeightsFormatVersion);
  put_le32(out, static_cast<std::uint32_t>(header.size()));
  out.insert(out.end(), header.begin(), header.end());
  put_le32(out, static_cast<std::uint32_t>(f.net.params.size()));
  for (float p : f.net.params) {
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
  f.net.params.resize(param_count(f.net.sizes));
  for (std::size_t i = 0; i < f.net.params.size(); ++i) f.net.params[i] = le_float(b.params, i);
  check_model(f.net);
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

void write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot write");
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error(path + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot replace file");
  }
}

void save_weights(const std::string& path, const ModelFile& f) { write_file_atomically(path, weights_file_bytes(path, f)); }

ModelFile load_weights(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return weights_from_bytes(bytes.data(), bytes.size());
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace digitlab
