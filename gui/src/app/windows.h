// One function per window, each over the plain AppState. app_frame() calls
// them in this order every frame; each places itself by app.layout.
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

void draw_window(AppState& app);      // pad, what the net sees, prediction, teach
void samples_window(AppState& app);   // test samples, misclassified ones
void training_window(AppState& app);  // run controls, hyperparameters, progress
void sync_window(AppState& app);      // server models, versions, jobs, weight files
void curves_window(AppState& app);    // loss and accuracy over the run
void insight_window(AppState& app);   // confusion matrix, gallery, first-layer weights
void status_bar(AppState& app);       // data source, cache, threading, frame times, messages

}  // namespace digitlab::gui
