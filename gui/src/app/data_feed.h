// Server-fed data, fetched only when something needs it: the first test
// digits for the gallery at start; the training cache from the first run on
// (random binary blocks, replenished as training consumes them, see
// logic/feed_plan.h); the whole test split when an evaluation or a teaching
// needs it (a run, Evaluate, "Train on it"). A failed fetch backs off and
// retries; training goes on from what the cache holds.
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

constexpr std::size_t kGallerySamples = 60;  // InsightView's 10 x 6

void feed_data(AppState& app);  // once per frame, server mode only
// An evaluation was asked for: now, if the test set is here, else once it is.
void evaluate_when_ready(AppState& app);
// "Train on it": now, if the test set and some training samples are here
// (always, without a server), else once they are; a first visit fetches them.
void teach_when_ready(AppState& app, const Image28& image, int label);
// Whether a "Train on it" waits for those fetches, and dropping it (the
// person gave up on a server that does not answer).
bool teach_waiting(const AppState& app);
void cancel_teach_wait(AppState& app);
// The test digits the gallery shows: the whole split once loaded, else the first few.
const Dataset* gallery_digits(const AppState& app);

}  // namespace digitlab::gui
