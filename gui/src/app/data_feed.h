// Server-fed data: the training cache is kept full with random binary sample
// blocks (a few requests in flight, replenished as training consumes them)
// and the test split is fetched block by block for evaluation. A failed fetch
// backs off and retries; training goes on from what the cache holds.
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

constexpr std::size_t kBlockSamples = 1024;   // the server's maximum per request
constexpr int kTrainBlocksInFlight = 3;

void feed_data(AppState& app);  // once per frame, server mode only

}  // namespace digitlab::gui
