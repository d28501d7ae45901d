// Where each panel goes for a given window size: three columns and a status
// bar, recomputed every frame so the interface follows the window when it is
// resized and never overlaps. Pure arithmetic, unit-tested.
#pragma once

namespace digitlab::gui {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
};

struct Layout {
  Rect draw;      // pad, preview, prediction, teach
  Rect samples;   // test-sample browser
  Rect training;  // controls, hyperparameters, progress
  Rect sync;      // server models, versions, jobs, files
  Rect curves;    // loss and accuracy plots
  Rect insight;   // confusion matrix, gallery, first-layer weights
  Rect status;    // one line at the bottom
};

// Sizes are in ImGui (logical) pixels; line_height is the font's line height.
// Below a minimum size the columns keep their minimum width and the panels
// scroll instead of shrinking into unreadable slivers.
Layout compute_layout(float width, float height, float line_height);

bool overlaps(const Rect& a, const Rect& b);

}  // namespace digitlab::gui
