#include <catch2/catch.hpp>

#include "logic/feed_plan.h"

using namespace digitlab::gui;

namespace {

// Plays a browser session: blocks are requested as the plan says and arrive
// one frame later; the trainer trains `per_frame` samples a frame while a
// run of `epochs` epochs of `epoch_size` goes on. Returns the samples fetched.
std::uint64_t play(FeedCounters& c, const FeedPlan& plan, int epochs, std::size_t epoch_size, std::uint64_t per_frame,
                   std::uint64_t& steps) {
  std::uint64_t added = 0;
  int in_flight = 0;
  double epoch = 0;
  while (epoch < epochs) {
    added += static_cast<std::uint64_t>(in_flight) * plan.block_samples;  // last frame's requests arrived
    in_flight = 0;
    if (added > 0) {  // the trainer draws from the cache once it holds anything
      epoch = std::min<double>(epochs, epoch + double(per_frame) / epoch_size);
      steps += per_frame / 64;
    }
    count_training(c, steps, epoch, epoch_size);
    in_flight += train_blocks_to_request(plan, c, added, in_flight);
  }
  return added + static_cast<std::uint64_t>(in_flight) * plan.block_samples;
}

}  // namespace

TEST_CASE("nothing is fetched before the first run starts") {
  const FeedPlan plan;
  FeedCounters c;
  count_training(c, 0, 0, 60000);
  CHECK(train_blocks_to_request(plan, c, 0, 0) == 0);
  c.training_started = true;
  CHECK(train_blocks_to_request(plan, c, 0, 0) == plan.max_in_flight);  // then the cache fills, a few at a time
  CHECK(train_blocks_to_request(plan, c, 0, 2) == 1);
  CHECK(train_blocks_to_request(plan, c, plan.cache_samples, 0) == 0);  // full, nothing trained yet
}

TEST_CASE("\"Train on it\" before any run fetches what teaching replays, not the whole cache") {
  const FeedPlan plan;
  FeedCounters c;
  c.teaching_asked = true;
  const int blocks = static_cast<int>((plan.teach_samples + plan.block_samples - 1) / plan.block_samples);
  REQUIRE(blocks < plan.max_in_flight);
  CHECK(train_blocks_to_request(plan, c, 0, 0) == blocks);
  CHECK(train_blocks_to_request(plan, c, 0, blocks) == 0);            // on their way
  CHECK(train_blocks_to_request(plan, c, plan.teach_samples, 0) == 0);  // here: nothing more
  c.training_started = true;  // a run then fills the cache
  CHECK(train_blocks_to_request(plan, c, plan.teach_samples, 0) == plan.max_in_flight);
}

TEST_CASE("a 10-epoch run fetches less than twice the training set") {
  const FeedPlan plan;
  FeedCounters c;
  c.training_started = true;
  std::uint64_t steps = 0;
  const std::uint64_t fetched = play(c, plan, 10, 60000, 3000, steps);
  CHECK(fetched <= 2 * 60000);
  CHECK(fetched >= plan.cache_samples + 600000 / plan.reuse_per_sample);  // and fresh data all along
  CHECK(c.samples_trained == Approx(600000).epsilon(0.01));
}

TEST_CASE("weights that arrive with a long history ask for no data") {
  const FeedPlan plan;
  FeedCounters c;
  c.training_started = true;
  count_training(c, 500, 0.5, 60000);  // half an epoch trained here
  const std::uint64_t trained = c.samples_trained;
  CHECK(trained == 30000);
  // A pulled model or a restored run: the trainer's steps start over, its
  // run may stand at epoch 3.4 of a saved run, and its samples_seen is the
  // model's own (not an input here at all).
  count_training(c, 0, 3.4, 60000);
  CHECK(c.samples_trained == trained);
  count_training(c, 10, 3.4 + 640.0 / 60000, 60000);  // ten batches later
  CHECK(c.samples_trained == trained + 640);
  // A new run from epoch 0 counts from 0.
  count_training(c, 20, 640.0 / 60000, 60000);
  CHECK(c.samples_trained == trained + 1280);
}
