#include "logic/feed_plan.h"

#include <algorithm>

namespace digitlab::gui {

void count_training(FeedCounters& c, std::uint64_t steps, double run_epoch, std::size_t epoch_size) {
  if (steps > c.last_steps) {
    // The run's epoch falls back to 0 when a new run starts in between.
    const double from = run_epoch >= c.last_epoch ? c.last_epoch : 0.0;
    c.samples_trained += static_cast<std::uint64_t>((run_epoch - from) * static_cast<double>(epoch_size) + 0.5);
  }
  c.last_steps = steps;
  c.last_epoch = run_epoch;
}

int train_blocks_to_request(const FeedPlan& plan, const FeedCounters& c, std::uint64_t samples_added,
                            int in_flight) {
  if (!c.training_started && !c.teaching_asked) return 0;
  const std::uint64_t coming = samples_added + static_cast<std::uint64_t>(std::max(0, in_flight)) * plan.block_samples;
  const std::uint64_t wanted =
      c.training_started ? plan.cache_samples + c.samples_trained / plan.reuse_per_sample : plan.teach_samples;
  if (coming >= wanted) return 0;
  const std::uint64_t blocks = (wanted - coming + plan.block_samples - 1) / plan.block_samples;
  return static_cast<int>(std::min<std::uint64_t>(blocks, static_cast<std::uint64_t>(std::max(0, plan.max_in_flight - in_flight))));
}

}  // namespace digitlab::gui
