#include "digitlab/weights_io.h"

#include <array>
#include <cmath>
#include <map>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
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
std::string text(const Json& obj, const char* key, const char* where) {
  const Json& v = field(obj, key, where);
  if (!v.is_string()) throw Error(std::string("weights: '") + key + "' in " + where + " is not a string");
  return v.get<std::string>();
}

// Layer sizes and input scaling of a net, whatever its parameters hold.
// `who` starts the message ("weights" while parsing a file, "model" otherwise).
void check_architecture(const Mlp& net, const char* who) {
  if (net.sizes.size() < 2 || net.sizes.front() != kImagePixels || net.sizes.back() != kClasses)
    throw Error(std::string(who) + ": architecture must start at 784 inputs and end at 10 outputs");
  check_hidden_sizes(net.hidden());
  if (!std::isfinite(net.input_mean) || !std::isfinite(net.input_std) || net.input_std <= 0.0f)
    throw Error(std::string(who) + ": input scaling must be finite with a positive std");
}

// Reads format, version, architecture and training. The net's params stay
// empty: callers check that the data really holds that many values before
// allocating, so a small body cannot make the parser allocate a huge net.
ModelFile header_from_json(const Json& j) {
  if (!j.is_object()) throw Error("weights: top level is not a JSON object");
  if (text(j, "format", "the file") != kWeightsFormatName)
    throw Error("weights: format is not '" + std::string(kWeightsFormatName) + "'");
  const Json& version = field(j, "version", "the file");
  if (!version.is_number_integer() || version.get<std::int64_t>() != kWeightsFormatVersion)
    throw Error("weights: unsupported format version " + version.dump() + " (this build reads version " +
                std::to_string(kWeightsFormatVersion) + ")");
  const Json& arch = field(j, "architecture", "the file");
  const Json& sizes = field(arch, "sizes", "architecture");
  if (!sizes.is_array() || sizes.size() < 2) throw Error("weights: architecture.sizes must list at least 2 layer sizes");
  ModelFile f;
  for (const Json& s : sizes) {
    if (!s.is_number_integer()) throw Error("weights: architecture.sizes must be integers");
    f.net.sizes.push_back(static_cast<int>(s.get<std::int64_t>()));
  }
  if (text(arch, "weight_layout", "architecture") != "in_out")
    throw Error("weights: unsupported weight_layout (expected in_out)");
  f.net.input_mean = number(arch, "input_mean", "architecture");
  f.net.input_std = number(arch, "input_std", "architecture");
  check_architecture(f.net, "weights");

  if (j.contains("training")) {
    const Json& t = j.at("training");
    TrainingMeta& m = f.meta;
    m.dataset = text(t, "dataset", "training");
    m.epochs = number(t, "epochs", "training");
    m.test_accuracy = number(t, "test_accuracy", "training");
    m.test_loss = number(t, "test_loss", "training");
    const Json& seen = field(t, "samples_seen", "training");
    const Json& seed = field(t, "seed", "training");
    if (!seen.is_number_unsigned() && !(seen.is_number_integer() && seen.get<std::int64_t>() >= 0))
      throw Error("weights: training.samples_seen must be a non-negative integer");
    m.samples_seen = seen.get<std::uint64_t>();
    if (!seed.is_number_integer()) throw Error("weights: training.seed must be an integer");
    m.seed = seed.get<std::uint64_t>();
    m.batch_size = static_cast<int>(number(t, "batch_size", "training"));
    if (t.contains("note")) m.note = text(t, "note", "training");
    const Json& o = field(t, "optimizer", "training");
    OptimizerConfig& c = m.optimizer;
    c.kind = parse_optimizer_kind(text(o, "kind", "training.optimizer"));
    c.schedule = parse_schedule(text(o, "schedule", "training.optimizer"));
    c.lr = number(o, "lr", "training.optimizer");
    c.momentum = number(o, "momentum", "training.optimizer");
    c.beta1 = number(o, "beta1", "training.optimizer");
    c.beta2 = number(o, "beta2", "training.optimizer");
    c.eps = number(o, "eps", "training.optimizer");
    c.weight_decay = number(o, "weight_decay", "training.optimizer");
    c.step_epochs = number(o, "step_epochs", "training.optimizer");
    c.step_gamma = number(o, "step_gamma", "training.optimizer");
    c.min_lr_fraction = number(o, "min_lr_fraction", "training.optimizer");
  }
  return f;
}

Json parse_json(const char* data, std::size_t size) {
  try {
    return Json::parse(data, data + size);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("weights: not valid JSON (") + e.what() + ")");
  }
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

std::string weights_to_json(const ModelFile& f) {
  check_model(f.net);
  Json j = header_to_json(f);
  Json layers = Json::array();
  for (int l = 0; l < f.net.num_layers(); ++l) {
    const ConstLinearView layer = f.net.layer(l);
    layers.push_back({{"in", layer.in}, {"out", layer.out},
                      {"weights", std::vector<float>(layer.w, layer.w + layer.in * layer.out)},
                      {"bias", std::vector<float>(layer.b, layer.b + layer.out)}});
  }
  j["layers"] = std::move(layers);
  return j.dump();
}

ModelFile weights_from_json(const std::string& text_in) try {
  const Json j = parse_json(text_in.data(), text_in.size());
  ModelFile f = header_from_json(j);
  const Json& layers = field(j, "layers", "the file");
  if (!layers.is_array() || static_cast<int>(layers.size()) != f.net.num_layers())
    throw Error("weights: expected " + std::to_string(f.net.num_layers()) + " layers");
  auto values = [&](int l, const char* key, std::size_t count) -> const Json& {
    const std::string where = "layer " + std::to_string(l);
    const Json& v = field(layers[l], key, where.c_str());
    if (!v.is_array() || v.size() != count)
      throw Error("weights: " + where + " " + key + " must hold " + std::to_string(count) + " numbers, has " +
                  (v.is_array() ? std::to_string(v.size()) : std::string("no array")));
    return v;
  };
  for (int l = 0; l < f.net.num_layers(); ++l) {  // every count checked before anything is allocated
    const std::string where = "layer " + std::to_string(l);
    const int in = f.net.sizes[l], out = f.net.sizes[l + 1];
    if (number(layers[l], "in", where.c_str()) != in || number(layers[l], "out", where.c_str()) != out)
      throw Error("weights: " + where + " shape does not match architecture.sizes");
    values(l, "weights", static_cast<std::size_t>(in) * out);
    values(l, "bias", out);
  }
  f.net.params.assign(param_count(f.net.sizes), 0.0f);
  for (int l = 0; l < f.net.num_layers(); ++l) {
    const LinearView view = f.net.layer(l);
    auto fill = [&](const char* key, float* dst, std::size_t count) {
      const Json& v = values(l, key, count);
      for (std::size_t i = 0; i < count; ++i) {
        if (!v[i].is_number())
          throw Error("weights: layer " + std::to_string(l) + " " + key + "[" + std::to_string(i) +
                      "] is not a number (NaN or Inf?)");
        dst[i] = v[i].get<float>();
      }
    };
    fill("weights", view.w, static_cast<std::size_t>(view.in) * view.out);
    fill("bias", view.b, view.out);
  }
  check_model(f.net);
  return f;
} catch (const nlohmann::json::exception& e) {
  throw Error(std::string("weights: malformed (") + e.what() + ")");
}

// Binary layout (little-endian), docs/weights-format.md:
//   "DLWB" | u32 version | u32 header_len | header JSON (format, version,
//   architecture, training) | u32 param_count | f32 params[param_count] |
//   u32 CRC-32 of every byte before it
std::vector<std::uint8_t> weights_to_binary(const ModelFile& f) {
  check_model(f.net);
  const std::string header = header_to_json(f).dump();
  std::vector<std::uint8_t> out(kBinaryMagic, kBinaryMagic + 4);
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

ModelFile weights_from_binary(const std::uint8_t* data, std::size_t size) try {
  if (size < 16 || std::memcmp(data, kBinaryMagic, 4) != 0) throw Error("weights: not a DigitLab binary weights file");
  const std::uint32_t version = read_le32(data + 4);
  if (version != kWeightsFormatVersion)
    throw Error("weights: unsupported binary format version " + std::to_string(version));
  if (crc32(data, size - 4) != read_le32(data + size - 4))
    throw Error("weights: checksum mismatch (file truncated or corrupted)");
  const std::uint64_t header_len = read_le32(data + 8);
  if (12 + header_len + 4 + 4 > size) throw Error("weights: header length exceeds the file");
  ModelFile f = header_from_json(parse_json(reinterpret_cast<const char*>(data + 12), header_len));
  const std::uint8_t* p = data + 12 + header_len;
  const std::uint32_t count = read_le32(p);
  if (count != param_count(f.net.sizes))
    throw Error("weights: " + std::to_string(count) + " parameters stored, architecture needs " +
                std::to_string(param_count(f.net.sizes)));
  if (12 + header_len + 4 + std::uint64_t(count) * 4 + 4 != size) throw Error("weights: file size does not match the parameter count");
  f.net.params.resize(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t bits = read_le32(p + 4 + 4 * std::size_t(i));
    std::memcpy(&f.net.params[i], &bits, 4);
  }
  check_model(f.net);
  return f;
} catch (const nlohmann::json::exception& e) {
  throw Error(std::string("weights: malformed header (") + e.what() + ")");
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
