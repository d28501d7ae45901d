// Keeps the pad's and the sample browser's predictions in step with the
// drawing and with the latest published weights. Recomputes only when one
// of them changed.
#pragma once
#include "app/app_state.h"

namespace digitlab::gui {

void update_pad_prediction(AppState& app);
void update_sample_prediction(AppState& app);

// Puts a handwritten-looking 7 on the pad (for --autotest and demos).
void draw_demo_digit(PadView& pad);

}  // namespace digitlab::gui
