// Runs a model's layer list forward and backward over a batch, owning every
// activation and its gradient (llm.c's acts and grads_acts). ReLU works in
// place; a dense layer that meets feature maps flattens them first.
#pragma once
#include <cstdint>
#include <vector>

#include "digitlab/nn/model.h"
#include "digitlab/nn/learner.h"
#include "nn/layers.h"

namespace digitlab {

class Network {
 public:
  // Logits [n, 10] of n images [n, 784] with pixels in [0, 1]; valid until
  // the next call.
  const Vectors& forward(const Model& model, const float* pixels, int n);
  // After forward() on the same model: the mean NLL of `labels` [n], and its
  // gradient with respect to every parameter written into grads [params.size()].
  BatchStats backward(const Model& model, const std::uint8_t* labels, float* grads);
  // After forward(): only the loss and hits, no gradients.
  BatchStats loss(const std::uint8_t* labels, float* logp_out = nullptr);
  // forward() and backward() throw Interrupted once `interrupt` is
  // requested: polled before every step and inside every product.
  void set_interrupt(const Interrupt* interrupt) { interrupt_ = interrupt; }

 private:
  // One value between two layers: feature maps or feature vectors.
  struct Activation {
    bool flat = false;
    Maps maps;        // [C, B, H, W]
    Vectors vectors;  // [B, N]
    float* data() { return flat ? vectors.data() : maps.data(); }
    const float* data() const { return flat ? vectors.data() : maps.data(); }
    std::size_t size() const { return flat ? vectors.size() : maps.size(); }
  };
  // One step of the run: a layer of the model, or a flatten the model implies.
  struct Step {
    LayerKind kind;
    int layer;  // index into model.layers; -1 for an implied flatten
    int in, out;  // activation slots; equal for an in-place ReLU
    // A dense or conv layer followed by relu applies it in its own last
    // step, and that relu step then only runs backward (relu_fused); a
    // maxpool after a relu does that relu's backward too
    // (backward_done_by_pool on the relu step, pool_after_relu on the pool's).
    bool relu_fused = false;
    bool backward_done_by_pool = false;  // on a relu step
    bool pool_after_relu = false;        // on the maxpool step that does it
    // Some step before this one has parameters. The pixels and anything made
    // from them alone (the MLP's flatten) need no gradient: for the MLP that
    // is a 64x784x128 product per batch, a third of its work.
    bool wants_din = false;
  };
  void prepare(const Model& model, int n);
  static void shape(Activation& a, const FeatureShape& s, int n);

  Architecture prepared_arch_;
  int prepared_n_ = -1;
  std::vector<Step> steps_;
  std::vector<Activation> acts_, grads_;  // per slot; slot 0 is the scaled input
  std::vector<ConvScratch> conv_scratch_;           // per model layer (conv)
  std::vector<float> logp_;
  const Interrupt* interrupt_ = nullptr;
};

}  // namespace digitlab
