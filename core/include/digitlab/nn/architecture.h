// A net as a list of layers, in the manner of PyTorch's nn.Sequential:
// dense, conv, maxpool, relu and flatten, ending in `dense 10` whose outputs
// go through LogSoftmax + NLL. An architecture is written as a spec string,
//   conv3x3x32,relu,maxpool2,conv3x3x64,relu,maxpool2,dense128,relu,dense10
// and three presets name the nets DigitLab ships: mlp, cnn-small and cnn.
// Every architecture is validated before anything is built from it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "digitlab/util/common.h"

namespace digitlab {

enum class LayerKind { dense, conv, maxpool, relu, flatten };
enum class Padding { same, valid };
const char* to_string(LayerKind kind);  // "dense", "conv", "maxpool", "relu", "flatten"

// One layer as the spec string names it:
//   dense N           N outputs (a dense layer flattens feature maps itself)
//   convKxKxF[:pad]   F filters of K x K, stride 1, padding same (default) or valid
//   maxpoolS          S x S windows with stride S; rows and columns that do not
//                     fill a window are dropped, as PyTorch's MaxPool2d does
//   relu, flatten
struct LayerSpec {
  LayerKind kind = LayerKind::relu;
  int size = 0;    // dense: outputs; conv: filters; maxpool: window (= stride)
  int kernel = 0;  // conv: window side
  Padding padding = Padding::same;
  bool operator==(const LayerSpec& o) const {
    return kind == o.kind && size == o.size && kernel == o.kernel && padding == o.padding;
  }
};

struct Architecture {
  std::vector<LayerSpec> layers;
  bool operator==(const Architecture& o) const { return layers == o.layers; }
  bool operator!=(const Architecture& o) const { return !(*this == o); }
};

// What one sample looks like between two layers: feature maps H x W x C
// until the first dense or flatten layer, then a vector of C values (H = W = 1).
struct FeatureShape {
  int height = 0, width = 0, channels = 0;
  bool flat = false;
  std::size_t size() const { return static_cast<std::size_t>(height) * width * channels; }
};

// A layer with everything derived from the list: its input and output shape
// and where its parameters sit in the model's one buffer (weights, then bias).
struct LayerPlan {
  LayerSpec spec;
  FeatureShape in, out;
  std::size_t weights_offset = 0, weights_count = 0;
  std::size_t bias_offset = 0, bias_count = 0;
  int fan_in = 0;  // inputs that feed one output (dense: in.size(), conv: C*K*K)
};

// Limits that keep any accepted architecture trainable in a browser tab.
constexpr int kMaxLayers = 32;
constexpr int kMaxDenseOutputs = 4096;
constexpr int kMaxFilters = 256;
constexpr int kMaxKernel = 11;
constexpr int kMaxPool = 8;
constexpr std::size_t kMaxParams = 16u << 20;  // 64 MB of float32
constexpr std::size_t kMaxFeaturesPerSample = 1u << 20;  // values between two layers

// The layers with their shapes and parameter offsets. Throws Error with the
// reason and the layer's position for any architecture that is not valid:
// no layers, sizes out of range, shapes that do not chain (a conv after a
// dense layer, a pool or kernel larger than its input, "same" with an even
// kernel), a last layer other than dense 10, too many parameters or features.
std::vector<LayerPlan> plan_layers(const Architecture& arch);
std::size_t param_count(const Architecture& arch);  // validates like plan_layers

// Bytes that training a batch of `batch` samples holds in activations and
// their gradients. check_trainable throws Error when that is more than
// kMaxTrainingBytes, so no request can make a trainer exhaust memory.
constexpr std::uint64_t kMaxTrainingBytes = 1ull << 30;
std::uint64_t training_bytes(const Architecture& arch, int batch);
void check_trainable(const Architecture& arch, int batch);

// What training a net costs, so a server can bound the work one job may
// take before it starts: arithmetic per sample (forward and backward, about
// three times the forward products) and the memory one trainer holds at a
// batch size on `threads` threads (activations and their gradients, each
// conv layer's im2col buffers per thread, and the weights with their
// gradients, optimizer state and the copies a run keeps of them).
struct TrainingCost {
  double flops_per_sample = 0;
  std::uint64_t bytes = 0;
};
TrainingCost training_cost(const Architecture& arch, int batch, int threads = 1);

// The canonical spec string, e.g. "conv5x5x8,relu,maxpool2,dense10".
std::string to_string(const Architecture& arch);
std::string to_string(const LayerSpec& layer);
// Parses a spec string (layers separated by commas, spaces ignored, "x" or
// "×" between kernel sizes) or a preset name, and validates it. Throws Error.
Architecture parse_architecture(const std::string& spec);

// mlp:       dense128,relu,dense10
// cnn-small: conv5x5x8,relu,maxpool2,conv5x5x16,relu,maxpool3,dense10 (ConvNetJS's MNIST net)
// cnn:       conv3x3x32,relu,maxpool2,conv3x3x64,relu,maxpool2,dense128,relu,dense10
const std::vector<std::string>& preset_names();
Architecture preset_architecture(const std::string& name);  // throws Error for an unknown name
// The preset this architecture is, if it is one.
std::optional<std::string> preset_of(const Architecture& arch);
// True when the net has a conv layer (it reads images, not pixel lists).
bool is_convolutional(const Architecture& arch);

// A stack of dense layers 784 -> hidden... -> 10 with ReLU between them: the
// architecture of version-1 weight files.
Architecture dense_architecture(const std::vector<int>& hidden);

}  // namespace digitlab
