// How much training data the browser fetches, and when: nothing before the
// first run starts (a first visit downloads no training set), then enough
// blocks to fill the cache, then one fresh sample for every kReusePerSample
// trained. "Train on it" before any run fetches only the samples teaching
// mixes into its batches. Only samples trained here count: weights that
// arrive with a large samples_seen (a pulled or restored model) ask for
// nothing. So a 10-epoch run on MNIST fetches 16,384 + 600,000 / 8 samples,
// about 1.5 times the training set. Pure arithmetic, unit-tested.
#pragma once
#include <cstddef>
#include <cstdint>

namespace digitlab::gui {

struct FeedPlan {
  std::size_t block_samples = 1024;  // the server's maximum per request
  std::size_t cache_samples = 16384;
  // Each cached sample is trained on about this many times before a fresh one
  // replaces it. Fresher data would need more fetching: at 60,000 samples/s,
  // 8 means about 7 blocks a second, all decoded on the page's main thread.
  std::uint64_t reuse_per_sample = 8;
  int max_in_flight = 3;
  // Replayed samples a teaching draws from when no run has filled the cache:
  // it mixes in at most 60 steps x 24 (core's TeachSettings).
  std::size_t teach_samples = 2048;
};

struct FeedCounters {
  bool training_started = false;     // a run began in this session: fetch from now on
  bool teaching_asked = false;       // "Train on it" was pressed: fetch what teaching replays
  std::uint64_t samples_trained = 0; // trained here, summed over runs
  std::uint64_t last_steps = 0;      // the trainer's steps and run epoch when last seen
  double last_epoch = 0;
};

// Takes in the trainer's progress (its step count and the current run's
// epoch): batches trained since the last call count; weights replaced
// (steps going down) count nothing.
void count_training(FeedCounters& counters, std::uint64_t steps, double run_epoch, std::size_t epoch_size);

// Blocks to request now, given what the cache has taken in so far and what
// is on its way.
int train_blocks_to_request(const FeedPlan& plan, const FeedCounters& counters, std::uint64_t samples_added,
                            int in_flight);

}  // namespace digitlab::gui
