// Main-loop mode trains a batch in pieces that fit a frame's budget (a conv
// net's whole batch can take longer than a frame): each piece's gradients
// add to the Learner's pending sum, and the update is made when the batch
// is complete, the same step as in one go. A piece is sized by the time a
// sample took so far.
#pragma once
#include <cstdint>
#include <optional>

#include "digitlab/nn/learner.h"

namespace digitlab {

class PiecedBatch {
 public:
  // A batch once its last piece is trained and its update made (or, when
  // its loss is not finite, not made).
  struct Done {
    BatchStats stats;  // over the whole batch
    double busy_s;     // the time its pieces took
    float lr;
  };

  bool started() const { return size_ > 0; }
  int samples_done() const { return done_; }
  // A batch of `size` samples, its pixels and labels held by the caller until it is done.
  void start(int size, float lr);
  // Trains as much of the started batch as fits in left_s seconds (at least
  // one sample) from pixels [size, 784] and labels [size].
  std::optional<Done> advance(Learner& learner, const float* pixels, const std::uint8_t* labels, double left_s,
                              const OptimizerConfig& optimizer);
  // The weights were replaced: the pieces so far and the gradients they
  // left pending (computed on the old weights) are dropped.
  void drop(Learner& learner);

 private:
  int size_ = 0, done_ = 0;
  float lr_ = 0;
  double loss_sum_ = 0, busy_s_ = 0;
  int correct_ = 0, scored_ = 0;
  double seconds_per_sample_ = 0;  // smoothed over pieces, across batches
};

}  // namespace digitlab
