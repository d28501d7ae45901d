// The multilayer perceptron: 784 -> hidden ReLU layers -> 10, LogSoftmax.
// All weights and biases live in one contiguous buffer (llm.c style); a layer
// is a named view into it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "digitlab/common.h"

namespace digitlab {

// One linear layer inside Mlp::params. w is [in, out] row-major (y = x·w + b),
// so the hot loops run along `out`, the contiguous dimension.
struct ConstLinearView {
  const float* w;  // [in, out]
  const float* b;  // [out]
  int in;
  int out;
};

struct LinearView {
  float* w;  // [in, out]
  float* b;  // [out]
  int in;
  int out;
  operator ConstLinearView() const { return {w, b, in, out}; }
};
// Inputs are pixels in [0, 1] (MNIST byte / 255); the net sees
// (pixel - input_mean) / input_std. Both are part of the model so a weight
// file carries the scaling it was trained with.
struct Mlp {
  std::vector<int> sizes;     // {784, hidden..., 10}
  std::vector<float> params;  // w0 b0 w1 b1 ... (see layer())
  float input_mean = 0.0f;
  float input_std = 1.0f;

  int num_layers() const { return static_cast<int>(sizes.size()) - 1; }
  std::vector<int> hidden() const { return {sizes.begin() + 1, sizes.end() - 1}; }
  LinearView layer(int l);
  ConstLinearView layer(int l) const;
};

// Number of floats in the parameter buffer of a net with these layer sizes.
std::size_t param_count(const std::vector<int>& sizes);

// Throws Error unless hidden sizes are all in [1, 4096], there are at most 8
// hidden layers (0 is plain logistic regression, allowed) and the net has at
// most kMaxParams parameters (64 MB of float32).
constexpr std::size_t kMaxParams = 16u << 20;
void check_hidden_sizes(const std::vector<int>& hidden);

// Weight initialisation.
//   he_uniform:   w ~ U(-sqrt(6/in), sqrt(6/in)), b = 0 (suits ReLU; the default)
//   torch_linear: w, b ~ U(-1/sqrt(in), 1/sqrt(in)), PyTorch's nn.Linear
//                 default, for runs that are compared with PyTorch
enum class Init { he_uniform, torch_linear };
const char* to_string(Init init);
Init parse_init(const std::string& name);  // throws Error

// A net with seeded initial weights: the same hidden sizes, seed and init
// give the same weights on every build.
Mlp make_mlp(const std::vector<int>& hidden, std::uint64_t seed, float input_mean = 0.0f,
             float input_std = 1.0f, Init init = Init::he_uniform);

// Class probabilities of one image. image: [784] pixels in [0, 1]; probs: [10].
void predict(const Mlp& net, const float* image, float* probs);

// Index of the largest of the 10 values.
int argmax10(const float* values);

}  // namespace digitlab
