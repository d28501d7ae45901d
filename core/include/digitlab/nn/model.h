// A net: its architecture and all of its parameters in one contiguous buffer
// (llm.c style), every layer's weights then its bias, in layer order. Views
// name a layer's parameters with their shapes as xtensor adaptors over that
// buffer, so a shape is checked and printed by xtensor, never guessed.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <xtensor/xadapt.hpp>

#include "digitlab/nn/architecture.h"

namespace digitlab {

// An N-dimensional view over floats someone else owns (the model's buffer).
template <std::size_t N>
using TensorView = decltype(xt::adapt(std::declval<float*>(), std::size_t{}, xt::no_ownership(),
                                      std::declval<std::array<std::size_t, N>>()));
template <std::size_t N>
using ConstTensorView = decltype(xt::adapt(std::declval<const float*>(), std::size_t{}, xt::no_ownership(),
                                           std::declval<std::array<std::size_t, N>>()));

// dense: y[B,O] = x[B,I] · weights[I,O] + bias[O]
struct DenseParams {
  TensorView<2> weights;  // [I, O]
  TensorView<1> bias;     // [O]
};
struct ConstDenseParams {
  ConstTensorView<2> weights;  // [I, O]
  ConstTensorView<1> bias;     // [O]
};
// conv: weights[F, C, K, K] (PyTorch's layout), bias[F]
struct ConvParams {
  TensorView<4> weights;  // [F, C, K, K]
  TensorView<1> bias;     // [F]
};
struct ConstConvParams {
  ConstTensorView<4> weights;  // [F, C, K, K]
  ConstTensorView<1> bias;     // [F]
};

// Views of one layer's parameters inside any buffer laid out like a model's
// parameters (the model's own, or its gradients, which mirror it).
DenseParams dense_params(float* buffer, const LayerPlan& layer);
ConstDenseParams dense_params(const float* buffer, const LayerPlan& layer);
ConvParams conv_params(float* buffer, const LayerPlan& layer);
ConstConvParams conv_params(const float* buffer, const LayerPlan& layer);

// Inputs are pixels in [0, 1] (MNIST byte / 255); the net sees
// (pixel - input_mean) / input_std. Both are part of the model so a weight
// file carries the scaling it was trained with.
struct Model {
  Architecture arch;
  std::vector<LayerPlan> layers;  // plan_layers(arch): shapes and offsets
  std::vector<float> params;      // [param_count(arch)]
  float input_mean = 0.0f;
  float input_std = 1.0f;

  // Views of layer l's parameters; l must be a dense (or conv) layer.
  DenseParams dense(int l);
  ConstDenseParams dense(int l) const;
  ConvParams conv(int l);
  ConstConvParams conv(int l) const;
};

// Weight initialisation.
//   he_uniform:   w ~ U(-sqrt(6/fan_in), sqrt(6/fan_in)), b = 0 (suits ReLU; the default);
//                 the last layer (the logits, no ReLU after it) at kLogitsInitScale
//                 of that bound, so a fresh net's first loss is near ln 10
//   torch_linear: w, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default for
//                 nn.Linear and nn.Conv2d, for runs compared with PyTorch
enum class Init { he_uniform, torch_linear };
// At He's full bound a fresh net's logits spread over several units: its
// first loss was 3-6 instead of ln 10 = 2.30, and the cnn preset's first
// steps (lr 0.03, momentum 0.9) threw the loss to 9-43 in every one of 150
// seeds before it fell back to chance, its ReLUs mostly dead, and learned
// again from there. A quarter of the bound starts at 2.2-2.6 (cnn, cnn-small,
// mlp; seeds 1-5) and the loss
// falls from the first batch (test_trainer.cpp's main-loop test).
constexpr float kLogitsInitScale = 0.25f;
const char* to_string(Init init);
Init parse_init(const std::string& name);  // throws Error

// A net with seeded initial weights: the same architecture, seed and init
// give the same weights on every build. Throws Error for an invalid architecture.
Model make_model(const Architecture& arch, std::uint64_t seed, float input_mean = 0.0f,
                 float input_std = 1.0f, Init init = Init::he_uniform);

// Throws Error unless the architecture is valid, the buffer holds exactly its
// parameters, every parameter is finite and the input scaling is usable.
void check_model(const Model& model);
// Throws Error unless input_mean is finite and input_std is in [1e-3, 1e3].
void check_input_scaling(float input_mean, float input_std);

// Class probabilities of one image. image: [784] pixels in [0, 1]; probs: [10].
void predict(const Model& model, const float* image, float* probs);
// The same for n images at once. images: [n, 784]; probs: [n, 10].
void predict_batch(const Model& model, const float* images, int n, float* probs);

// Index of the largest of the 10 values.
int argmax10(const float* values);

}  // namespace digitlab
