// What readers of a Trainer see: progress and a weights snapshot, published
// as immutable objects (read with std::atomic_load), so a reader never sees
// a torn model and never waits on training. Progress goes out after the
// snapshot: a reader that sees "finished" is sure to get the final weights.
#pragma once
#include <chrono>
#include <functional>
#include <memory>

#include "digitlab/train/trainer.h"

namespace digitlab {

class Publisher {
 public:
  // The next publish makes a new snapshot (the weights or their metadata changed).
  void weights_moved() { weights_moved_ = true; }
  // Publishes `progress`, and a snapshot made by `snapshot` when the weights
  // moved; unless `force`, at most every kPublishSeconds.
  void publish(bool force, const std::function<std::shared_ptr<TrainerProgress>()>& progress,
               const std::function<std::shared_ptr<ModelSnapshot>()>& snapshot);

  std::shared_ptr<const TrainerProgress> progress() const { return std::atomic_load(&progress_); }
  std::shared_ptr<const ModelSnapshot> snapshot() const { return std::atomic_load(&snapshot_); }

 private:
  static constexpr double kPublishSeconds = 0.05;  // progress and weights reach readers at 20 Hz
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  bool weights_moved_ = true;
  std::uint64_t version_ = 0;
  std::shared_ptr<const TrainerProgress> progress_;
  std::shared_ptr<const ModelSnapshot> snapshot_;
};

}  // namespace digitlab
