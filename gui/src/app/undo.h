// Undo for the weights (logic/weight_history.h). Every change of the
// weights the person makes keeps the weights it replaces first
// (remember_weights); "Undo: <change>", Ctrl+Z and, after a divergence,
// "Back to the weights before this run" bring them back, with the test
// accuracy, server version and personal set they had.
#pragma once
#include <string>

#include "app/app_state.h"

namespace digitlab::gui {

// The test accuracy the app shows for the weights it holds: its own last
// evaluation, else the figure recorded with weights from elsewhere (< 0: none).
double shown_test_accuracy(const AppState& app);

// Keeps the weights as they are now, before `change` replaces them (only
// trained weights: fresh random ones are not worth going back to).
void remember_weights(AppState& app, std::string change);
// Starts a run from the current weights, kept as this run's start.
void start_run(AppState& app);
// "Train on it" was pressed: the weights now are kept once the report says
// the teaching was kept (undo_tick).
void expect_teaching(AppState& app);

void undo_weights(AppState& app);       // the newest change
void back_to_run_start(AppState& app);  // the weights this run started from (an undoable change itself)
void undo_last(AppState& app);          // Ctrl+Z: the newest stroke or change (undo_target)
// The "Undo <change>" button (`name` for automation), or `short_label` with
// the change in its tooltip; nothing when there is nothing to undo.
void undo_button(AppState& app, const char* name, const char* short_label = nullptr);
// At start: the steps kept from before a restart (storage "weight-history").
void start_weight_history(AppState& app);
// Once a frame: a kept teaching's report, a cleared pad; the steps kept
// whenever they changed.
void undo_tick(AppState& app);

}  // namespace digitlab::gui
