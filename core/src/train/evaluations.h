// A run's evaluations on the test set: the one under way (whole at once on
// the trainer's thread, in pieces sized to a time budget in main-loop mode,
// on its own copy of the weights either way) and the weights of the run's
// best one, which restore_best() brings back.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>

#include "digitlab/nn/learner.h"

namespace digitlab {

class Evaluations {
 public:
  // Evaluations poll `interrupt`: an interrupted one is dropped and
  // Interrupted thrown on to the caller.
  explicit Evaluations(const Interrupt* interrupt) : interrupt_(interrupt) {}

  struct Finished {
    std::shared_ptr<const EvalResult> result;
    double epoch;  // of the run, when it started
  };

  // Starts evaluating `model` at `epoch` of the run; one still under way is
  // finished first and returned (never dropped).
  std::optional<Finished> start(const Model& model, std::shared_ptr<const Dataset> test, double epoch);
  bool under_way() const { return evaluation_.has_value(); }
  // Evaluates the rest at once, or as many samples as fit in `seconds`
  // (by the time a sample took so far); the result once complete.
  std::optional<Finished> finish();
  std::optional<Finished> advance_for(double seconds);

  const std::optional<Model>& best() const { return best_; }
  double best_accuracy() const { return best_accuracy_; }  // -1: none yet
  // A new run, or other weights: nothing under way, no best.
  void forget();

 private:
  std::optional<Finished> advance(std::size_t samples);

  const Interrupt* interrupt_;
  std::optional<Evaluation> evaluation_;
  double epoch_ = 0;
  double seconds_per_sample_ = 0;
  std::optional<Model> best_;
  double best_accuracy_ = -1;
};

}  // namespace digitlab
