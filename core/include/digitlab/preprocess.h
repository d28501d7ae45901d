// MNIST-style preprocessing of a free-form drawing, the way MNIST was made:
// crop to the ink's bounding box, scale to fit 20x20 keeping the aspect ratio
// (area-averaged, so anti-aliased), then place by centre of mass in 28x28.
#pragma once
#include <array>
#include <optional>

#include "digitlab/common.h"

namespace digitlab {

using Image28 = std::array<float, kImagePixels>;  // [28, 28] in [0, 1]

// gray: [height, width] ink intensity in [0, 1] (0 = background).
// Returns nothing when there is no ink worth reading (an empty pad).
std::optional<Image28> preprocess_drawing(const float* gray, int width, int height);

}  // namespace digitlab
