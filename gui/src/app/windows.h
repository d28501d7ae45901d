// One function per window, each over the plain AppState. app_frame() calls
// them in this order every frame; each places itself by app.layout (a
// panel behind a tab that is not chosen draws nothing).
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

void title_bar(AppState& app);        // what to do first; the tabs on smaller screens
void draw_window(AppState& app);      // pad, what the net sees, prediction, teach
void samples_window(AppState& app);   // test samples, misclassified ones
void training_window(AppState& app);  // run controls, the net, settings, progress
void sync_window(AppState& app);      // server models, versions, jobs, weight files
void curves_window(AppState& app);    // loss and accuracy over the run
void insight_window(AppState& app);   // confusion matrix, gallery, first-layer weights
void status_bar(AppState& app);       // data source, bytes, threading, frame times, messages

// Heights the layout needs for this width: the title's wrapped sentence and
// the status bar's wrapped items.
float title_height(float width);
float status_height(const AppState& app, float width);

}  // namespace digitlab::gui
