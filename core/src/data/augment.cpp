#include "digitlab/data/augment.h"

#include <cmath>
#include <string>

#include "digitlab/util/common.h"
#include "util/rng.h"

namespace digitlab {

namespace {
float uniform(std::uint64_t& rng, float half_range) { return (2.0f * random_unit(rng) - 1.0f) * half_range; }
}  // namespace

void augment_image(const std::uint8_t* pixels, float* out, const AugmentConfig& c, std::uint64_t& rng) {
  // Forward map about the centre: p' = R(angle) S(scale) H(shear) (p - centre) + centre + shift.
  const float angle = uniform(rng, c.rotation) * static_cast<float>(M_PI / 180.0);
  const float scale = 1.0f + uniform(rng, c.scale);
  const float shear = uniform(rng, c.shear);
  const float tx = uniform(rng, c.shift), ty = uniform(rng, c.shift);
  const float cs = std::cos(angle) * scale, sn = std::sin(angle) * scale;
  // A = R S H = [[cs, cs*shear - sn], [sn, sn*shear + cs]]; each output pixel
  // reads the source at A^-1 (p' - centre - shift) + centre.
  const float a = cs, b = cs * shear - sn, d = sn, e = sn * shear + cs;
  const float det = a * e - b * d;
  const float ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  constexpr float centre = (kImageSide - 1) / 2.0f;
  constexpr float kToUnit = 1.0f / 255.0f;
  for (int y = 0; y < kImageSide; ++y) {
    const float vy = y - centre - ty;
    for (int x = 0; x < kImageSide; ++x) {
      const float vx = x - centre - tx;
      const float sx = ia * vx + ib * vy + centre, sy = id * vx + ie * vy + centre;
      const float fx = std::floor(sx), fy = std::floor(sy);
      const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
      const float wx = sx - fx, wy = sy - fy;
      float value = 0.0f;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < kImageSide && y0 + 1 < kImageSide) {
        const std::uint8_t* p = pixels + y0 * kImageSide + x0;
        value = (p[0] * (1 - wx) + p[1] * wx) * (1 - wy) + (p[kImageSide] * (1 - wx) + p[kImageSide + 1] * wx) * wy;
      } else if (x0 >= -1 && y0 >= -1 && x0 < kImageSide && y0 < kImageSide) {  // a border pixel: zeros outside
        auto at = [&](int xx, int yy) -> float {
          return xx >= 0 && yy >= 0 && xx < kImageSide && yy < kImageSide ? pixels[yy * kImageSide + xx] : 0.0f;
        };
        value = (at(x0, y0) * (1 - wx) + at(x0 + 1, y0) * wx) * (1 - wy) +
                (at(x0, y0 + 1) * (1 - wx) + at(x0 + 1, y0 + 1) * wx) * wy;
      }
      out[y * kImageSide + x] = value * kToUnit;
    }
  }
}

}  // namespace digitlab
