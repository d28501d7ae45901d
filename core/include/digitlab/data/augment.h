// Training-time augmentation: every training sample is warped by its own
// random affine transform (shift, rotation, scale, shear) about the image
// centre, drawn from the trainer's seeded generator, so a run with the same
// seed sees the same warps on every build. The net then meets digits that are
// a little off-centre, slanted or sized unlike MNIST's, as people draw them.
#pragma once
#include <cstdint>

namespace digitlab {

struct AugmentConfig {
  bool enabled = false;
  float shift = 2.0f;      // pixels, uniform in [-shift, shift] along each axis
  float rotation = 12.0f;  // degrees, uniform in [-rotation, rotation]
  float scale = 0.12f;     // size factor uniform in [1 - scale, 1 + scale]
  float shear = 0.2f;      // x += shear * y, shear uniform in [-shear, shear]
  bool operator==(const AugmentConfig& o) const {
    return enabled == o.enabled && shift == o.shift && rotation == o.rotation && scale == o.scale && shear == o.shear;
  }
};

// Throws Error on a non-finite or out-of-range setting (ranges: hyperparameters.h).
void check_augment_config(const AugmentConfig& config);

// out[784] in [0, 1]: pixels[784] (bytes, 0 = background) through a random
// transform drawn from rng, bilinearly resampled.
void augment_image(const std::uint8_t* pixels, float* out, const AugmentConfig& config, std::uint64_t& rng);

}  // namespace digitlab
