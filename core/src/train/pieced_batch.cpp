#include "train/pieced_batch.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "digitlab/util/common.h"

namespace digitlab {

void PiecedBatch::start(int size, float lr) {
  size_ = size;
  done_ = correct_ = scored_ = 0;
  lr_ = lr;
  loss_sum_ = busy_s_ = 0;
}

std::optional<PiecedBatch::Done> PiecedBatch::advance(Learner& learner, const float* pixels,
                                                      const std::uint8_t* labels, double left_s,
                                                      const OptimizerConfig& optimizer) {
  const int left = size_ - done_;
  const int piece = seconds_per_sample_ > 0
                        ? std::clamp(static_cast<int>(std::min(left_s / seconds_per_sample_, 1e9)), 1, left)
                        : std::min(left, 4);
  const auto start = std::chrono::steady_clock::now();
  const BatchStats stats = learner.accumulate_gradients(pixels + static_cast<std::size_t>(done_) * kImagePixels,
                                                        labels + done_, piece, size_);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  seconds_per_sample_ = seconds_per_sample_ > 0 ? 0.7 * seconds_per_sample_ + 0.3 * took / piece : took / piece;
  done_ += piece;
  loss_sum_ += static_cast<double>(stats.loss) * piece;
  correct_ += stats.correct;
  scored_ += stats.scored;
  busy_s_ += took;
  if (done_ < size_) return std::nullopt;
  const Done done{BatchStats{static_cast<float>(loss_sum_ / size_), correct_, size_, scored_}, busy_s_, lr_};
  if (std::isfinite(done.stats.loss)) learner.apply_pending(optimizer, lr_);
  else learner.discard_pending();
  size_ = done_ = 0;
  return done;
}

void PiecedBatch::drop(Learner& learner) {
  learner.discard_pending();
  size_ = done_ = 0;
}

}  // namespace digitlab
