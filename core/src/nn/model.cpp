#include "digitlab/nn/model.h"

#include <cmath>

#include "nn/network.h"
#include "nn/loss.h"
#include "util/rng.h"

namespace digitlab {

namespace {
template <std::size_t N>
std::array<std::size_t, N> dims(std::initializer_list<int> sizes) {
  std::array<std::size_t, N> out{};
  std::size_t i = 0;
  for (int s : sizes) out[i++] = static_cast<std::size_t>(s);
  return out;
}

void require_kind(const LayerPlan& layer, LayerKind kind) {
  if (layer.spec.kind != kind) throw Error("model: layer " + to_string(layer.spec) + " has no " +
                                           (kind == LayerKind::dense ? "dense" : "conv") + " parameters");
}

template <class Float>
auto dense_view(Float* base, const LayerPlan& l) {
  require_kind(l, LayerKind::dense);
  const int in = static_cast<int>(l.in.size()), out = l.spec.size;
  return std::make_pair(xt::adapt(base + l.weights_offset, l.weights_count, xt::no_ownership(), dims<2>({in, out})),
                        xt::adapt(base + l.bias_offset, l.bias_count, xt::no_ownership(), dims<1>({out})));
}

template <class Float>
auto conv_view(Float* base, const LayerPlan& l) {
  require_kind(l, LayerKind::conv);
  const int k = l.spec.kernel;
  return std::make_pair(xt::adapt(base + l.weights_offset, l.weights_count, xt::no_ownership(),
                                  dims<4>({l.spec.size, l.in.channels, k, k})),
                        xt::adapt(base + l.bias_offset, l.bias_count, xt::no_ownership(), dims<1>({l.spec.size})));
}
}  // namespace

DenseParams dense_params(float* base, const LayerPlan& l) {
  auto [w, b] = dense_view(base, l);
  return {w, b};
}
ConstDenseParams dense_params(const float* base, const LayerPlan& l) {
  auto [w, b] = dense_view(base, l);
  return {w, b};
}
ConvParams conv_params(float* base, const LayerPlan& l) {
  auto [w, b] = conv_view(base, l);
  return {w, b};
}
ConstConvParams conv_params(const float* base, const LayerPlan& l) {
  auto [w, b] = conv_view(base, l);
  return {w, b};
}

DenseParams Model::dense(int l) { return dense_params(params.data(), layers.at(l)); }
ConstDenseParams Model::dense(int l) const { return dense_params(params.data(), layers.at(l)); }
ConvParams Model::conv(int l) { return conv_params(params.data(), layers.at(l)); }
ConstConvParams Model::conv(int l) const { return conv_params(params.data(), layers.at(l)); }

const char* to_string(Init init) { return init == Init::he_uniform ? "he_uniform" : "torch_linear"; }

Init parse_init(const std::string& name) {
  for (Init i : {Init::he_uniform, Init::torch_linear})
    if (name == to_string(i)) return i;
  throw Error("unknown init '" + name + "' (expected he_uniform or torch_linear)");
}

void check_input_scaling(float input_mean, float input_std) {
  if (!std::isfinite(input_mean) || std::fabs(input_mean) > 1e3f)
    throw Error("input_mean must be a finite number in [-1000, 1000]");
  if (!std::isfinite(input_std) || input_std < 1e-3f || input_std > 1e3f)
    throw Error("input_std must be in [0.001, 1000]");
}

Model make_model(const Architecture& arch, std::uint64_t seed, float input_mean, float input_std, Init init) {
  check_input_scaling(input_mean, input_std);
  Model m;
  m.arch = arch;
  m.layers = plan_layers(arch);
  m.params.assign(param_count(arch), 0.0f);
  m.input_mean = input_mean;
  m.input_std = input_std;
  std::uint64_t rng = seed;
  const LayerPlan* logits = nullptr;
  for (const LayerPlan& l : m.layers)
    if (l.weights_count > 0) logits = &l;
  for (const LayerPlan& l : m.layers) {
    if (l.weights_count == 0) continue;
    const bool he = init == Init::he_uniform;
    float bound = he ? std::sqrt(6.0f / l.fan_in) : 1.0f / std::sqrt(static_cast<float>(l.fan_in));
    if (he && &l == logits) bound *= kLogitsInitScale;
    float* w = m.params.data() + l.weights_offset;
    for (std::size_t i = 0; i < l.weights_count; ++i) w[i] = (2.0f * random_unit(rng) - 1.0f) * bound;
    if (he) continue;  // He: biases start at zero
    float* b = m.params.data() + l.bias_offset;
    for (std::size_t i = 0; i < l.bias_count; ++i) b[i] = (2.0f * random_unit(rng) - 1.0f) * bound;
  }
  return m;
}

void check_model(const Model& m) {
  const std::vector<LayerPlan> plan = plan_layers(m.arch);
  if (m.layers.size() != plan.size()) throw Error("model: its layer plan does not match its architecture");
  check_input_scaling(m.input_mean, m.input_std);
  const std::size_t want = plan.back().bias_offset + plan.back().bias_count;
  if (m.params.size() != want)
    throw Error("model: " + std::to_string(m.params.size()) + " parameters, the architecture needs " +
                std::to_string(want));
  for (std::size_t i = 0; i < m.params.size(); ++i)
    if (!std::isfinite(m.params[i])) throw Error("model: parameter " + std::to_string(i) + " is NaN or infinite");
}

void predict_batch(const Model& model, const float* images, int n, float* probs) {
  // One network per thread: the interface predicts on its own thread while a
  // trainer runs on another, and repeated calls reuse the activations.
  thread_local Network network;
  const Vectors& logits = network.forward(model, images, n);
  for (int r = 0; r < n; ++r) {
    float* row = probs + static_cast<std::size_t>(r) * kClasses;
    log_softmax_row(row, logits.data() + static_cast<std::size_t>(r) * kClasses, kClasses);
    for (int c = 0; c < kClasses; ++c) row[c] = std::exp(row[c]);
  }
}

void predict(const Model& model, const float* image, float* probs) { predict_batch(model, image, 1, probs); }

int argmax10(const float* values) {
  int best = 0;
  for (int c = 1; c < kClasses; ++c) best = values[c] > values[best] ? c : best;
  return best;
}

}  // namespace digitlab
