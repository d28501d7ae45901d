#include "digitlab/preprocess.h"

#include <algorithm>
#include <cmath>
#include <vector>
#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

namespace digitlab {

namespace {

constexpr float kInkThreshold = 0.05f;  // fainter pixels are brush fringe, not ink
constexpr float kMinInk = 1.0f;         // less total ink than one full pixel: an empty pad
constexpr int kFitBox = 20;             // MNIST fits each digit into 20x20 ...
constexpr int kCentre = 14;             // ... and puts its centre of mass at (14, 14)

// Area-averaging weights from `from` samples to `to` samples: row o holds how
// much of source sample i falls into output sample o, normalised to sum 1.
// Averaging over areas is what anti-aliases the downscaled strokes.
xt::xtensor<float, 2> area_weights(int from, int to) {
  xt::xtensor<float, 2> w = xt::zeros<float>({to, from});
  const double scale = static_cast<double>(from) / to;
  for (int o = 0; o < to; ++o) {
    const double lo = o * scale, hi = (o + 1) * scale;
    for (int i = static_cast<int>(std::floor(lo)); i < std::min<double>(from, std::ceil(hi)); ++i)
      w(o, i) = static_cast<float>((std::min<double>(hi, i + 1) - std::max<double>(lo, i)) / scale);
  }
  return w;
}

}  // namespace

std::optional<Image28> preprocess_drawing(const float* gray, int width, int height) {
  if (width <= 0 || height <= 0) return std::nullopt;
  const auto canvas = xt::adapt(gray, static_cast<std::size_t>(width) * height, xt::no_ownership(),
                                std::array<std::size_t, 2>{std::size_t(height), std::size_t(width)});

  // 1. Crop to the ink's bounding box.
  int top = height, bottom = -1, left = width, right = -1;
  float ink = 0.0f;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      if (canvas(y, x) > kInkThreshold) {
        top = std::min(top, y), bottom = std::max(bottom, y);
        left = std::min(left, x), right = std::max(right, x);
        ink += canvas(y, x);
      }
  if (bottom < 0 || ink < kMinInk) return std::nullopt;
  const int h = bottom - top + 1, w = right - left + 1;
  xt::xtensor<float, 2> crop = xt::view(canvas, xt::range(top, bottom + 1), xt::range(left, right + 1));

  // 2. Scale the longer side to 20 pixels, keeping the aspect ratio.
  const int out_h = std::max(1, static_cast<int>(std::lround(static_cast<double>(h) * kFitBox / std::max(h, w))));
  const int out_w = std::max(1, static_cast<int>(std::lround(static_cast<double>(w) * kFitBox / std::max(h, w))));
  const auto rows = area_weights(h, out_h);  // [out_h, h]
  const auto cols = area_weights(w, out_w);  // [out_w, w]
  xt::xtensor<float, 2> half = xt::zeros<float>({h, out_w});  // crop · cols^T
  for (int y = 0; y < h; ++y)
    for (int o = 0; o < out_w; ++o)
      for (int x = 0; x < w; ++x) half(y, o) += crop(y, x) * cols(o, x);
  xt::xtensor<float, 2> digit = xt::zeros<float>({out_h, out_w});  // rows · half
  for (int o = 0; o < out_h; ++o)
    for (int y = 0; y < h; ++y)
      if (rows(o, y) != 0.0f) xt::view(digit, o, xt::all()) += rows(o, y) * xt::view(half, y, xt::all());

  // 3. Put the centre of mass at (14, 14) of the 28x28 field.
  double mass = 0, my = 0, mx = 0;
  for (int y = 0; y < out_h; ++y)
    for (int x = 0; x < out_w; ++x) {
      mass += digit(y, x);
      my += y * digit(y, x);
      mx += x * digit(y, x);
    }
  const int dy = static_cast<int>(std::lround(kCentre - my / mass));  // pixel-index coordinates
  const int dx = static_cast<int>(std::lround(kCentre - mx / mass));
  Image28 image{};
  for (int y = 0; y < out_h; ++y)
    for (int x = 0; x < out_w; ++x) {
      const int ty = y + dy, tx = x + dx;
      if (ty >= 0 && ty < kImageSide && tx >= 0 && tx < kImageSide)
        image[ty * kImageSide + tx] = std::min(1.0f, digit(y, x));
    }
  return image;
}

}  // namespace digitlab
