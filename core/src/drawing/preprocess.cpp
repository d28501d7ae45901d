#include "digitlab/drawing/preprocess.h"

#include <algorithm>
#include <cmath>
#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

namespace digitlab {

namespace {

using Canvas = xt::xtensor<float, 2>;  // [rows, columns]

constexpr float kMinInk = 1.0f;    // an image with less ink than one full pixel is empty
constexpr float kInkLevel = 0.5f;  // an image's ink: pixels at least half as dark as its darkest
constexpr int kWorkSide = 64;      // images are thinned with the ink's box at this size: strokes
                                   // several pixels wide, so the centre lines come out smooth

// Draws the strokes, mapped by p * scale + offset, into canvas [28, 28] with
// the MNIST-like pen. A pixel's ink is the share of it the pen covers,
// approximated by clamp(radius + 0.5 - d) for the distance d of its centre
// from the stroke (exact for a straight edge): a solid core with a one-pixel
// anti-aliased rim. Where strokes cross, ink saturates, as on paper.
void draw_with_pen(Canvas& canvas, const std::vector<Stroke>& strokes, float scale, Point offset) {
  canvas.fill(0.0f);
  const float reach = kPenWidth / 2 + 0.5f;
  const auto at = [&](Point p) { return Point{p.x * scale + offset.x, p.y * scale + offset.y}; };
  const auto draw_segment = [&](Point a, Point b) {
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
    const int x1 = std::min(kImageSide - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
    const int y1 = std::min(kImageSide - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const float ink = std::clamp(reach - distance_to_segment({x + 0.5f, y + 0.5f}, a, b), 0.0f, 1.0f);
        canvas(y, x) = std::max(canvas(y, x), ink);
      }
  };
  for (const Stroke& stroke : strokes) {
    const auto& points = stroke.points;
    if (points.size() == 1) draw_segment(at(points[0]), at(points[0]));  // a dot
    for (std::size_t i = 0; i + 1 < points.size(); ++i) draw_segment(at(points[i]), at(points[i + 1]));
  }
}

// Centre of mass {x, y} in pixel-index coordinates (pixel (0, 0) at 0), as MNIST measured it.
Point centre_of_mass(const Canvas& canvas) {
  const auto index = xt::arange<float>(kImageSide);
  const float mass = xt::sum(canvas)();
  const float x = xt::sum(canvas * xt::view(index, xt::newaxis(), xt::all()))() / mass;
  const float y = xt::sum(canvas * xt::view(index, xt::all(), xt::newaxis()))() / mass;
  return {x, y};
}

// Zhang-Suen thinning of binary [rows, columns] (a zero border required):
// peels contour pixels that are not ends and do not break connectivity
// until a one-pixel-wide centre line is left. Thinning is small and has no
// packaged home that builds for WebAssembly too (OpenCV's is in contrib).
void thin(xt::xtensor<std::uint8_t, 2>& image) {
  const int rows = static_cast<int>(image.shape(0)), cols = static_cast<int>(image.shape(1));
  std::vector<std::pair<int, int>> peel;
  for (bool changed = true; changed;) {
    changed = false;
    for (int pass = 0; pass < 2; ++pass) {
      peel.clear();
      for (int y = 1; y + 1 < rows; ++y)
        for (int x = 1; x + 1 < cols; ++x) {
          if (!image(y, x)) continue;
          // Neighbours clockwise from north: p2 .. p9.
          const int p[8] = {image(y - 1, x), image(y - 1, x + 1), image(y, x + 1), image(y + 1, x + 1),
                            image(y + 1, x), image(y + 1, x - 1), image(y, x - 1), image(y - 1, x - 1)};
          int neighbours = 0, rises = 0;
          for (int k = 0; k < 8; ++k) neighbours += p[k], rises += !p[k] && p[(k + 1) % 8];
          if (neighbours < 2 || neighbours > 6 || rises != 1) continue;
          const bool keep = pass == 0 ? (p[0] && p[2] && p[4]) || (p[2] && p[4] && p[6])
                                      : (p[0] && p[2] && p[6]) || (p[0] && p[4] && p[6]);
          if (!keep) peel.emplace_back(y, x);
        }
      for (const auto& [y, x] : peel) image(y, x) = 0;
      changed = changed || !peel.empty();
    }
  }
}

}  // namespace

const char* input_status_message(InputStatus status) {
  switch (status) {
    case InputStatus::ready: return "";
    case InputStatus::nothing_drawn: return "nothing drawn";
    case InputStatus::too_small: return "draw it bigger";
  }
  return "";
}

NetInput preprocess_strokes(const std::vector<Stroke>& strokes) {
  float left = INFINITY, right = -INFINITY, top = INFINITY, bottom = -INFINITY;
  for (const Stroke& stroke : strokes)
    for (const Point& p : stroke.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) throw Error("a stroke point is not a finite number");
      left = std::min(left, p.x), right = std::max(right, p.x);
      top = std::min(top, p.y), bottom = std::max(bottom, p.y);
    }
  NetInput input;
  if (!(left <= right)) return input;  // no points at all
  // Fit the longer side of the strokes' box so the pen's ink spans 20 pixels.
  // The shorter side keeps the aspect ratio, however thin: an upright 1 stays
  // a pen-wide bar, a dash a flat one, as MNIST would have scaled them.
  const float extent = std::max(right - left, bottom - top);
  if (extent < kMinExtent) {
    input.status = InputStatus::too_small;
    return input;
  }
  const float scale = (kFitBox - kPenWidth) / extent;
  // Start with the box in the middle of the field, then move the ink's centre
  // of mass to (14, 14). Sub-pixel moves, so where on the pad a digit was
  // drawn changes nothing; the second correction absorbs the anti-aliasing.
  Point offset{kImageSide / 2.0f - (left + right) / 2 * scale, kImageSide / 2.0f - (top + bottom) / 2 * scale};
  Canvas canvas = xt::zeros<float>({kImageSide, kImageSide});
  for (int round = 0; round < 3; ++round) {
    draw_with_pen(canvas, strokes, scale, offset);
    if (round == 2) break;
    const Point centre = centre_of_mass(canvas);
    offset.x += kCentre - centre.x;
    offset.y += kCentre - centre.y;
  }
  input.status = InputStatus::ready;
  std::copy(canvas.begin(), canvas.end(), input.image.begin());
  return input;
}

std::vector<Stroke> ink_centre_lines(const float* gray, int width, int height) {
  if (width <= 0 || height <= 0) return {};
  const auto image = xt::adapt(gray, static_cast<std::size_t>(width) * height, xt::no_ownership(),
                               std::array<std::size_t, 2>{std::size_t(height), std::size_t(width)});
  const float darkest = xt::amax(image)();
  if (!(darkest > 0) || xt::sum(image)() < kMinInk) return {};
  const float level = kInkLevel * darkest;

  // 1. The ink's bounding box.
  int top = height, bottom = -1, left = width, right = -1;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      if (image(y, x) >= level) top = std::min(top, y), bottom = std::max(bottom, y), left = std::min(left, x), right = std::max(right, x);
  const int h = bottom - top + 1, w = right - left + 1;
  const auto crop = xt::view(image, xt::range(top, bottom + 1), xt::range(left, right + 1));

  // 2. Resample the box so its longer side is about kWorkSide pixels: larger
  // images by the maximum over blocks (a hairline survives), smaller ones
  // bilinearly. Work pixel (y, x) is centred at crop coordinates ((x, y) + 0.5) / f.
  const int longer = std::max(h, w);
  float f;
  Canvas work;
  if (longer > kWorkSide) {
    const int block = (longer + kWorkSide - 1) / kWorkSide;
    f = 1.0f / block;
    work = xt::zeros<float>({(h + block - 1) / block, (w + block - 1) / block});
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) work(y / block, x / block) = std::max(work(y / block, x / block), crop(y, x));
  } else {
    f = static_cast<float>(kWorkSide) / longer;
    const int wh = std::max(1, static_cast<int>(std::lround(h * f))), ww = std::max(1, static_cast<int>(std::lround(w * f)));
    work = xt::zeros<float>({wh, ww});
    for (int y = 0; y < wh; ++y)
      for (int x = 0; x < ww; ++x) {
        const float sy = std::clamp((y + 0.5f) / f - 0.5f, 0.0f, h - 1.0f), sx = std::clamp((x + 0.5f) / f - 0.5f, 0.0f, w - 1.0f);
        const int y0 = std::min(static_cast<int>(sy), h - 1), x0 = std::min(static_cast<int>(sx), w - 1);
        const int y1 = std::min(y0 + 1, h - 1), x1 = std::min(x0 + 1, w - 1);
        const float fy = sy - y0, fx = sx - x0;
        work(y, x) = (1 - fy) * ((1 - fx) * crop(y0, x0) + fx * crop(y0, x1)) + fy * ((1 - fx) * crop(y1, x0) + fx * crop(y1, x1));
      }
  }

  // 3. Thin the ink (with a zero border) to its centre lines.
  const int rows = static_cast<int>(work.shape(0)), cols = static_cast<int>(work.shape(1));
  xt::xtensor<std::uint8_t, 2> ink = xt::zeros<std::uint8_t>({rows + 2, cols + 2});
  xt::view(ink, xt::range(1, rows + 1), xt::range(1, cols + 1)) = xt::cast<std::uint8_t>(work >= level);
  thin(ink);

  // 4. Each centre-line pixel joined to its right and lower neighbours is a
  // short stroke; a pixel with no neighbour is a dot. Pad units: the image's
  // longer side is 1.
  const float unit = 1.0f / std::max(width, height);
  const auto to_pad = [&](int y, int x) {  // ink pixel (with border) -> pad units
    return Point{(left + (x - 1 + 0.5f) / f) * unit, (top + (y - 1 + 0.5f) / f) * unit};
  };
  std::vector<Stroke> lines;
  for (int y = 1; y <= rows; ++y)
    for (int x = 1; x <= cols; ++x) {
      if (!ink(y, x)) continue;
      bool joined = false;
      const std::pair<int, int> later[4] = {{y, x + 1}, {y + 1, x - 1}, {y + 1, x}, {y + 1, x + 1}};
      for (const auto& [ny, nx] : later)
        if (ink(ny, nx)) lines.push_back(Stroke{{to_pad(y, x), to_pad(ny, nx)}}), joined = true;
      const bool joined_before = ink(y, x - 1) || ink(y - 1, x - 1) || ink(y - 1, x) || ink(y - 1, x + 1);
      if (!joined && !joined_before) lines.push_back(Stroke{{to_pad(y, x)}});
    }
  // Zhang-Suen can peel a small blob (a fat dot) away entirely: it was a dot.
  if (lines.empty()) lines.push_back(Stroke{{to_pad((rows + 1) / 2, (cols + 1) / 2)}});
  return lines;
}

NetInput preprocess_image(const float* gray, int width, int height) {
  return preprocess_strokes(ink_centre_lines(gray, width, height));
}

}  // namespace digitlab
