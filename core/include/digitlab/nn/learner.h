// Single-threaded training and evaluation of a Model: forward, backward and
// optimizer update of one minibatch, and a full evaluation pass. The Trainer
// (trainer.h) runs this on its own thread; the CLI and tests can use it directly.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "digitlab/data/dataset.h"
#include "digitlab/nn/model.h"
#include "digitlab/nn/optimizer.h"
#include "digitlab/util/interrupt.h"

namespace digitlab {

class Network;   // core/src/network.h
class ForkJoin;  // core/src/fork_join.h

struct BatchStats {
  float loss = 0;   // mean NLL over the batch
  int correct = 0;  // samples whose argmax matched the label (before the update)
  int count = 0;
  int scored = 0;   // samples with a digit label: what accuracy is over (generated non-digits are not)
};

struct EvalResult {
  std::size_t count = 0;
  double accuracy = 0;
  double loss = 0;                                        // mean NLL
  std::array<std::array<int, kClasses>, kClasses> confusion{};  // [true][predicted]
  std::vector<std::uint8_t> predicted;                    // [count]
};

// Batched inference over a whole data set.
EvalResult evaluate(const Model& model, const Dataset& data);

// The same evaluation in pieces, on its own copy of the weights, so a caller
// with a time budget (the main-loop Trainer) can spread it over frames.
// advance() throws Interrupted once `interrupt` is requested.
class Evaluation {
 public:
  Evaluation(Model model, std::shared_ptr<const Dataset> data, const Interrupt* interrupt = nullptr);
  ~Evaluation();
  Evaluation(Evaluation&&) noexcept;
  Evaluation& operator=(Evaluation&&) noexcept;
  void advance(std::size_t max_samples);  // evaluates up to max_samples more
  bool done() const { return next_ == data_->size(); }
  std::size_t evaluated() const { return next_; }  // samples so far
  const EvalResult& result() const { return result_; }  // complete once done()
  const Model& model() const { return model_; }         // the weights being evaluated

 private:
  Model model_;
  std::shared_ptr<const Dataset> data_;
  std::unique_ptr<Network> network_;
  std::size_t next_ = 0;
  std::size_t correct_ = 0;
  double loss_sum_ = 0;
  EvalResult result_;
};

// Owns a model, its gradients (one buffer that mirrors the parameters),
// optimizer state and the network's activations. With threads > 1 it is
// data-parallel: each thread computes the gradients of a slice of the batch
// on its own activations, and the slices' gradients are averaged, weighted
// by their sizes: the same update as on one thread, up to rounding.
class Learner {
 public:
  explicit Learner(Model model, int threads = 1);
  ~Learner();
  Learner(Learner&&) noexcept;
  Learner& operator=(Learner&&) noexcept;

  // One update on n samples. images: [n, 784] in [0, 1]; labels: [n].
  // A batch whose loss is not finite (divergence) changes nothing.
  BatchStats train_batch(const float* images, const std::uint8_t* labels, int n,
                         const OptimizerConfig& config, float lr);
  // Forward and backward only: loss and gradients (grads()) without an update.
  BatchStats compute_gradients(const float* images, const std::uint8_t* labels, int n);

  // A batch in pieces, for a caller with a time budget: each piece's
  // gradients are added to a pending sum, weighted by its share of the
  // batch_size samples, and apply_pending() makes one update from the sum:
  // the same update as train_batch on the whole batch.
  BatchStats accumulate_gradients(const float* images, const std::uint8_t* labels, int n, int batch_size);
  void apply_pending(const OptimizerConfig& config, float lr);
  void discard_pending();

  const Model& model() const { return model_; }
  Model& model() { return model_; }
  const std::vector<float>& grads() const { return grads_; }
  void replace_model(Model model);  // new weights; optimizer state starts over
  // From now on a batch throws Interrupted soon after `interrupt` is
  // requested (interrupt.h), with the weights as they were before it.
  void set_interrupt(const Interrupt* interrupt);

 private:
  Model model_;
  std::vector<float> grads_;    // parallel to model_.params
  std::vector<float> pending_;  // the sum accumulate_gradients builds (empty when none)
  OptimizerState opt_state_;
  std::vector<std::unique_ptr<Network>> networks_;  // one per thread
  std::vector<std::vector<float>> slice_grads_;     // threads 1.. write their slice's gradients here
  std::unique_ptr<ForkJoin> threads_;               // null on one thread
};

}  // namespace digitlab
