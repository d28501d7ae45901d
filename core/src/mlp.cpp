#include "digitlab/mlp.h"

#include <cmath>
#include <string>

#include "layers.h"
#include "loss.h"
#include "rng.h"

namespace digitlab {

namespace {
// {784, hidden..., 10}
std::vector<int> layer_sizes(const std::vector<int>& hidden) {
  std::vector<int> sizes{kImagePixels};
  sizes.insert(sizes.end(), hidden.begin(), hidden.end());
  sizes.push_back(kClasses);
  return sizes;
}

std::size_t weight_offset(const std::vector<int>& sizes, int layer) {
  std::size_t offset = 0;
  for (int l = 0; l < layer; ++l)
    offset += static_cast<std::size_t>(sizes[l]) * sizes[l + 1] + sizes[l + 1];
  return offset;
}
}  // namespace

std::size_t param_count(const std::vector<int>& sizes) {
  return weight_offset(sizes, static_cast<int>(sizes.size()) - 1);
}

LinearView Mlp::layer(int l) {
  float* w = params.data() + weight_offset(sizes, l);
  return {w, w + static_cast<std::size_t>(sizes[l]) * sizes[l + 1], sizes[l], sizes[l + 1]};
}

ConstLinearView Mlp::layer(int l) const {
  const float* w = params.data() + weight_offset(sizes, l);
  return {w, w + static_cast<std::size_t>(sizes[l]) * sizes[l + 1], sizes[l], sizes[l + 1]};
}

void check_hidden_sizes(const std::vector<int>& hidden) {
  if (hidden.size() > 8)
    throw Error("at most 8 hidden layers are supported, got " + std::to_string(hidden.size()));
  for (int h : hidden)
    if (h < 1 || h > 4096)
      throw Error("hidden layer size must be between 1 and 4096, got " + std::to_string(h));
  const std::size_t count = param_count(layer_sizes(hidden));
  if (count > kMaxParams)
    throw Error("the net would have " + std::to_string(count) + " parameters, more than the " +
                std::to_string(kMaxParams) + " supported");
}

const char* to_string(Init init) { return init == Init::he_uniform ? "he_uniform" : "torch_linear"; }

Init parse_init(const std::string& name) {
  for (Init i : {Init::he_uniform, Init::torch_linear})
    if (name == to_string(i)) return i;
  throw Error("unknown init '" + name + "' (expected he_uniform or torch_linear)");
}

Mlp make_mlp(const std::vector<int>& hidden, std::uint64_t seed, float input_mean,
             float input_std, Init init) {
  check_hidden_sizes(hidden);
  Mlp net;
  net.sizes = layer_sizes(hidden);
  net.params.assign(param_count(net.sizes), 0.0f);
  net.input_mean = input_mean;
  net.input_std = input_std;
  std::uint64_t rng = seed;
  for (int l = 0; l < net.num_layers(); ++l) {
    LinearView layer = net.layer(l);
    const bool he = init == Init::he_uniform;
    const float bound = he ? std::sqrt(6.0f / layer.in) : 1.0f / std::sqrt(static_cast<float>(layer.in));
    for (int i = 0; i < layer.in * layer.out; ++i)
      layer.w[i] = (2.0f * random_unit(rng) - 1.0f) * bound;
    if (!he)
      for (int o = 0; o < layer.out; ++o) layer.b[o] = (2.0f * random_unit(rng) - 1.0f) * bound;
  }
  return net;
}

void predict(const Mlp& net, const float* image, float* probs) {
  // Two ping-pong rows sized for the widest layer; stack arrays for the
  // common sizes keep single-image inference free of allocation.
  float a[4096], b[4096];
  scale_input(a, image, 1, net);
  log_softmax_row(probs, mlp_forward(net, 1, a, b), kClasses);
  for (int c = 0; c < kClasses; ++c) probs[c] = std::exp(probs[c]);
}

int argmax10(const float* values) {
  int best = 0;
  for (int c = 1; c < kClasses; ++c) best = values[c] > values[best] ? c : best;
  return best;
}

}  // namespace digitlab
