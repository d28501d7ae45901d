#include "digitlab/nn/architecture.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "nn/layers.h"

namespace digitlab {

namespace {

struct Preset {
  const char* name;
  const char* spec;
};
constexpr Preset kPresets[] = {
    {"mlp", "dense128,relu,dense10"},
    {"cnn-small", "conv5x5x8,relu,maxpool2,conv5x5x16,relu,maxpool3,dense10"},
    {"cnn", "conv3x3x32,relu,maxpool2,conv3x3x64,relu,maxpool2,dense128,relu,dense10"},
};

[[noreturn]] void invalid(std::size_t index, const LayerSpec& layer, const std::string& why) {
  throw Error("architecture: layer " + std::to_string(index + 1) + " (" + to_string(layer) + "): " + why);
}

std::string shape_text(const FeatureShape& s) {
  if (s.flat) return std::to_string(s.channels) + " values";
  return std::to_string(s.height) + "x" + std::to_string(s.width) + "x" + std::to_string(s.channels);
}

// A whole decimal number from `text` at `pos` (advanced past it); -1 if none
// or larger than any size the architecture allows.
int read_number(const std::string& text, std::size_t& pos) {
  const std::size_t start = pos;
  long value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    value = value * 10 + (text[pos++] - '0');
    if (value > 1000000) return -1;
  }
  return pos == start ? -1 : static_cast<int>(value);
}

bool take(const std::string& text, std::size_t& pos, const std::string& word) {
  if (text.compare(pos, word.size(), word) != 0) return false;
  pos += word.size();
  return true;
}

LayerSpec parse_layer(const std::string& token, std::size_t index) {
  const auto bad = [&](const std::string& why) -> Error {
    return Error("architecture: layer " + std::to_string(index + 1) + " '" + token.substr(0, 40) + "': " + why);
  };
  LayerSpec layer;
  std::size_t pos = 0;
  if (token == "relu") {
    layer.kind = LayerKind::relu;
  } else if (token == "flatten") {
    layer.kind = LayerKind::flatten;
  } else if (take(token, pos, "dense")) {
    layer.kind = LayerKind::dense;
    layer.size = read_number(token, pos);
    if (layer.size < 0 || pos != token.size()) throw bad("expected denseN, e.g. dense128");
  } else if (take(token, pos, "maxpool")) {
    layer.kind = LayerKind::maxpool;
    layer.size = read_number(token, pos);
    if (layer.size < 0 || pos != token.size()) throw bad("expected maxpoolS, e.g. maxpool2");
  } else if (take(token, pos, "conv")) {
    layer.kind = LayerKind::conv;
    const int rows = read_number(token, pos);
    const bool x1 = take(token, pos, "x") || take(token, pos, "\xC3\x97");  // "×" in UTF-8
    const int cols = x1 ? read_number(token, pos) : -1;
    const bool x2 = take(token, pos, "x") || take(token, pos, "\xC3\x97");
    layer.size = x2 ? read_number(token, pos) : -1;
    if (rows < 0 || cols < 0 || layer.size < 0) throw bad("expected convKxKxF, e.g. conv3x3x32");
    if (rows != cols) throw bad("only square kernels are supported");
    layer.kernel = rows;
    if (pos != token.size()) {
      take(token, pos, ":");
      if (token.compare(pos, std::string::npos, "same") == 0) layer.padding = Padding::same;
      else if (token.compare(pos, std::string::npos, "valid") == 0) layer.padding = Padding::valid;
      else throw bad("padding must be same or valid, e.g. conv3x3x32:valid");
    }
  } else {
    throw bad("unknown layer (expected denseN, convKxKxF, maxpoolS, relu or flatten)");
  }
  return layer;
}

}  // namespace

const char* to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::dense: return "dense";
    case LayerKind::conv: return "conv";
    case LayerKind::maxpool: return "maxpool";
    case LayerKind::relu: return "relu";
    case LayerKind::flatten: return "flatten";
  }
  return "?";
}

std::string to_string(const LayerSpec& l) {
  switch (l.kind) {
    case LayerKind::dense: return "dense" + std::to_string(l.size);
    case LayerKind::conv: {
      const std::string k = std::to_string(l.kernel);
      return "conv" + k + "x" + k + "x" + std::to_string(l.size) + (l.padding == Padding::valid ? ":valid" : "");
    }
    case LayerKind::maxpool: return "maxpool" + std::to_string(l.size);
    case LayerKind::relu: return "relu";
    case LayerKind::flatten: return "flatten";
  }
  return "?";
}

std::string to_string(const Architecture& arch) {
  std::string out;
  for (const LayerSpec& l : arch.layers) out += (out.empty() ? "" : ",") + to_string(l);
  return out;
}

std::vector<LayerPlan> plan_layers(const Architecture& arch) {
  if (arch.layers.empty()) throw Error("architecture: no layers (the last one must be dense10)");
  if (arch.layers.size() > static_cast<std::size_t>(kMaxLayers))
    throw Error("architecture: " + std::to_string(arch.layers.size()) + " layers, at most " +
                std::to_string(kMaxLayers) + " are supported");
  std::vector<LayerPlan> plan;
  FeatureShape shape{kImageSide, kImageSide, 1, false};
  std::size_t offset = 0;
  for (std::size_t i = 0; i < arch.layers.size(); ++i) {
    const LayerSpec& l = arch.layers[i];
    LayerPlan p;
    std::uint64_t weights = 0;  // 64 bits: a wasm size_t could overflow before the check
    p.spec = l;
    p.in = shape;
    switch (l.kind) {
      case LayerKind::dense:
        if (l.size < 1 || l.size > kMaxDenseOutputs)
          invalid(i, l, "outputs must be between 1 and " + std::to_string(kMaxDenseOutputs));
        p.fan_in = static_cast<int>(shape.size());
        weights = std::uint64_t(shape.size()) * static_cast<std::uint64_t>(l.size);
        p.bias_count = static_cast<std::size_t>(l.size);
        shape = FeatureShape{1, 1, l.size, true};
        break;
      case LayerKind::conv:
        if (shape.flat) invalid(i, l, "a conv layer needs feature maps; it cannot follow a dense or flatten layer");
        if (l.size < 1 || l.size > kMaxFilters) invalid(i, l, "filters must be between 1 and " + std::to_string(kMaxFilters));
        if (l.kernel < 1 || l.kernel > kMaxKernel)
          invalid(i, l, "kernel size must be between 1 and " + std::to_string(kMaxKernel));
        if (l.padding == Padding::same && l.kernel % 2 == 0) invalid(i, l, "'same' padding needs an odd kernel size");
        if (l.padding == Padding::valid && (l.kernel > shape.height || l.kernel > shape.width))
          invalid(i, l, "the kernel is larger than its " + shape_text(shape) + " input");
        p.fan_in = shape.channels * l.kernel * l.kernel;
        weights = std::uint64_t(l.size) * static_cast<std::uint64_t>(p.fan_in);
        p.bias_count = static_cast<std::size_t>(l.size);
        if (l.padding == Padding::valid) {
          shape.height -= l.kernel - 1;
          shape.width -= l.kernel - 1;
        }
        shape.channels = l.size;
        break;
      case LayerKind::maxpool:
        if (shape.flat) invalid(i, l, "a pool needs feature maps; it cannot follow a dense or flatten layer");
        if (l.size < 2 || l.size > kMaxPool) invalid(i, l, "pool size must be between 2 and " + std::to_string(kMaxPool));
        if (l.size > shape.height || l.size > shape.width)
          invalid(i, l, "the pool window is larger than its " + shape_text(shape) + " input");
        shape.height /= l.size;
        shape.width /= l.size;
        break;
      case LayerKind::relu:
        if (i + 1 == arch.layers.size()) invalid(i, l, "the net must end with dense10 (its logits), not relu");
        break;
      case LayerKind::flatten:
        if (shape.flat) invalid(i, l, "the values are already flat");
        shape = FeatureShape{1, 1, static_cast<int>(shape.size()), true};
        break;
    }
    if (shape.size() > kMaxFeaturesPerSample)
      invalid(i, l, "its output has " + std::to_string(shape.size()) + " values per sample, more than the " +
                        std::to_string(kMaxFeaturesPerSample) + " supported");
    p.out = shape;
    if (offset + weights + p.bias_count > kMaxParams)
      throw Error("architecture: more than " + std::to_string(kMaxParams) + " parameters (" +
                  std::to_string(offset + weights + p.bias_count) + " by layer " + std::to_string(i + 1) + ")");
    p.weights_count = static_cast<std::size_t>(weights);
    p.weights_offset = offset;
    p.bias_offset = offset + p.weights_count;
    offset += p.weights_count + p.bias_count;
    plan.push_back(p);
  }
  const LayerSpec& last = arch.layers.back();
  if (last.kind != LayerKind::dense || last.size != kClasses)
    throw Error("architecture: the last layer must be dense10 (one output per digit), not " + to_string(last));
  return plan;
}

std::size_t param_count(const Architecture& arch) {
  const LayerPlan last = plan_layers(arch).back();
  return last.bias_offset + last.bias_count;
}

std::uint64_t training_bytes(const Architecture& arch, int batch) {
  std::uint64_t per_sample = kImagePixels;  // the scaled input
  for (const LayerPlan& p : plan_layers(arch)) {
    if (p.spec.kind == LayerKind::relu) continue;  // works in place
    per_sample += p.out.size() * 2;                // the output and its gradient
    if (p.spec.kind == LayerKind::dense && !p.in.flat) per_sample += p.in.size() * 2;  // its implied flatten
  }
  return per_sample * sizeof(float) * static_cast<std::uint64_t>(std::max(batch, 1));
}

TrainingCost training_cost(const Architecture& arch, int batch, int threads) {
  // Copies of the parameters a trainer holds: the weights, their gradient,
  // two of optimizer state (Adam's), a main-loop batch's pending sum, the
  // evaluation's and the best evaluation's weights, a published snapshot
  // and the one a reader holds; then one slice gradient per extra thread.
  constexpr int kParamCopies = 9;
  threads = std::max(threads, 1);
  TrainingCost cost;
  double forward = 0;
  std::uint64_t scratch = 0;
  for (const LayerPlan& p : plan_layers(arch)) {
    switch (p.spec.kind) {
      case LayerKind::dense: forward += 2.0 * p.in.size() * p.out.size(); break;
      case LayerKind::conv:
        forward += 2.0 * p.out.size() * p.fan_in;
        scratch += conv_scratch_floats(p);
        break;
      case LayerKind::maxpool:
      case LayerKind::relu: forward += static_cast<double>(p.in.size()); break;
      case LayerKind::flatten: break;
    }
  }
  cost.flops_per_sample = 3 * forward;
  const std::uint64_t params = param_count(arch);
  cost.bytes = training_bytes(arch, batch) + sizeof(float) * (scratch * threads + params * (kParamCopies + threads - 1));
  return cost;
}

void check_trainable(const Architecture& arch, int batch) {
  const std::uint64_t bytes = training_bytes(arch, batch);
  if (bytes > kMaxTrainingBytes)
    throw Error("training " + to_string(arch) + " in batches of " + std::to_string(batch) + " needs " +
                std::to_string(bytes >> 20) + " MB of activations, more than the " +
                std::to_string(kMaxTrainingBytes >> 20) + " MB allowed: use a smaller batch or net");
}

Architecture parse_architecture(const std::string& spec) {
  if (spec.size() > 4096) throw Error("architecture: the spec is longer than 4096 characters");
  for (const Preset& p : kPresets)
    if (spec == p.name) return parse_architecture(p.spec);
  Architecture arch;
  std::string token;
  const auto flush = [&] {
    if (token.empty()) throw Error("architecture: empty layer at position " + std::to_string(arch.layers.size() + 1));
    arch.layers.push_back(parse_layer(token, arch.layers.size()));
    token.clear();
    if (arch.layers.size() > static_cast<std::size_t>(kMaxLayers))
      throw Error("architecture: more than " + std::to_string(kMaxLayers) + " layers");
  };
  for (char c : spec) {
    if (c == ',') flush();
    else if (!std::isspace(static_cast<unsigned char>(c))) token += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  flush();
  plan_layers(arch);
  return arch;
}

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Preset& p : kPresets) n.push_back(p.name);
    return n;
  }();
  return names;
}

Architecture preset_architecture(const std::string& name) {
  for (const Preset& p : kPresets)
    if (name == p.name) return parse_architecture(p.spec);
  throw Error("unknown preset '" + name + "' (expected mlp, cnn-small or cnn)");
}

std::optional<std::string> preset_of(const Architecture& arch) {
  for (const Preset& p : kPresets)
    if (parse_architecture(p.spec) == arch) return std::string(p.name);
  return std::nullopt;
}

bool is_convolutional(const Architecture& arch) {
  for (const LayerSpec& l : arch.layers)
    if (l.kind == LayerKind::conv) return true;
  return false;
}

Architecture dense_architecture(const std::vector<int>& hidden) {
  Architecture arch;
  for (int h : hidden) {
    arch.layers.push_back({LayerKind::dense, h, 0, Padding::same});
    arch.layers.push_back({LayerKind::relu, 0, 0, Padding::same});
  }
  arch.layers.push_back({LayerKind::dense, kClasses, 0, Padding::same});
  return arch;
}

}  // namespace digitlab
