#include "train/publisher.h"

namespace digitlab {

void Publisher::publish(bool force, const std::function<std::shared_ptr<TrainerProgress>()>& progress,
                        const std::function<std::shared_ptr<ModelSnapshot>()>& snapshot) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && std::chrono::duration<double>(now - last_).count() < kPublishSeconds) return;
  last_ = now;
  std::shared_ptr<TrainerProgress> p = progress();
  if (weights_moved_) {
    weights_moved_ = false;
    std::shared_ptr<ModelSnapshot> s = snapshot();
    s->version = ++version_;
    std::atomic_store(&snapshot_, std::shared_ptr<const ModelSnapshot>(std::move(s)));
  }
  std::atomic_store(&progress_, std::shared_ptr<const TrainerProgress>(std::move(p)));
}

}  // namespace digitlab
