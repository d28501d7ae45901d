// Single-threaded training and evaluation of an Mlp: forward, backward and
// optimizer update of one minibatch, and a full evaluation pass. The Trainer
// (trainer.h) runs this on its own thread; the CLI and tests can use it directly.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "digitlab/dataset.h"
#include "digitlab/mlp.h"
#include "digitlab/optimizer.h"

namespace digitlab {

struct BatchStats {
  float loss = 0;   // mean NLL over the batch
  int correct = 0;  // samples whose argmax matched the label (before the update)
  int count = 0;
};

struct EvalResult {
  std::size_t count = 0;
  double accuracy = 0;
  double loss = 0;                                        // mean NLL
  std::array<std::array<int, kClasses>, kClasses> confusion{};  // [true][predicted]
  std::vector<std::uint8_t> predicted;                    // [count]
};

// Batched inference over a whole data set.
EvalResult evaluate(const Mlp& net, const Dataset& data);

// The same evaluation in pieces, on its own copy of the weights, so a caller
// with a time budget (the main-loop Trainer) can spread it over frames.
class Evaluation {
 public:
  Evaluation(Mlp net, std::shared_ptr<const Dataset> data);
  void advance(std::size_t max_samples);  // evaluates up to max_samples more
  bool done() const { return next_ == data_->size(); }
  const EvalResult& result() const { return result_; }  // complete once done()

 private:
  Mlp net_;
  std::shared_ptr<const Dataset> data_;
  std::size_t next_ = 0;
  std::size_t correct_ = 0;
  double loss_sum_ = 0;
  EvalResult result_;
};

// Owns a net, its gradients, optimizer state and activation buffers.
class Learner {
 public:
  explicit Learner(Mlp net);

  // One update on n samples. images: [n, 784] in [0, 1]; labels: [n].
  // A batch whose loss is not finite (divergence) changes nothing.
  BatchStats train_batch(const float* images, const std::uint8_t* labels, int n,
                         const OptimizerConfig& config, float lr);
  // Forward and backward only: loss and gradients (grads()) without an update.
  BatchStats compute_gradients(const float* images, const std::uint8_t* labels, int n);

  const Mlp& net() const { return net_; }
  Mlp& net() { return net_; }
  const std::vector<float>& grads() const { return grads_; }
  void replace_net(Mlp net);  // new weights; optimizer state starts over

 private:
  void ensure_batch(int n);
  Mlp net_;
  std::vector<float> grads_;  // parallel to net_.params
  OptimizerState opt_state_;
  int batch_capacity_ = 0;
  std::vector<std::vector<float>> acts_;   // acts_[l]: [n, sizes[l]]; acts_[0] is the scaled input
  std::vector<std::vector<float>> dacts_;  // gradients of acts_
  std::vector<float> transposed_;          // scratch: w^T for the input-gradient gemm
};

}  // namespace digitlab
