// The net's 28x28 input from what a person drew, made the way MNIST was made:
// the drawing's box fitted into 20x20 keeping its aspect ratio, drawn with an
// MNIST-like anti-aliased pen, its centre of mass put at (14, 14).
//
// Two ways in, one way through: strokes (the pad's vectors) are fitted and
// rendered directly, so neither the drawing's size nor the window, the
// screen's pixel density or the brush changes what the net sees. An image
// (a PGM file, an upload) is first thinned to its centre lines, which become
// strokes and take the same path: a fat marker and a hairline come out with
// the same MNIST-like pen.
#pragma once
#include <array>
#include <vector>

#include "digitlab/util/common.h"
#include "digitlab/drawing/stroke.h"

namespace digitlab {

using Image28 = std::array<float, kImagePixels>;  // [28, 28] in [0, 1]

enum class InputStatus {
  ready,          // image holds the net's input
  nothing_drawn,  // no ink at all
  too_small,      // a dot or a short tick: too little shape to read, ask for a bigger drawing
};

struct NetInput {
  InputStatus status = InputStatus::nothing_drawn;
  Image28 image{};  // all zero unless ready
  bool ready() const { return status == InputStatus::ready; }
};

// What to tell the person: "" when ready, "nothing drawn", "draw it bigger".
const char* input_status_message(InputStatus status);

// The pen and the fit, in 28x28 pixels, and the smallest drawing read (pad
// units, the longer side of the strokes' box). Exposed for tests and docs.
constexpr float kPenWidth = 2.3f;
constexpr float kFitBox = 20.0f;
constexpr float kCentre = 14.0f;  // MNIST's mean centre of mass, pixel-index coordinates
constexpr float kMinExtent = 0.08f;

// strokes in pad units (the pad is the unit square).
NetInput preprocess_strokes(const std::vector<Stroke>& strokes);

// gray: [height, width] ink intensity in [0, 1] (0 = background); the image
// plays the pad, its longer side being one pad unit.
NetInput preprocess_image(const float* gray, int width, int height);

// The centre lines of the ink in gray [height, width], as strokes in pad
// units (longer side = 1): the bitmap path's first step, exposed for tests.
std::vector<Stroke> ink_centre_lines(const float* gray, int width, int height);

}  // namespace digitlab
