#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "digitlab/drawing/preprocess.h"
#include "logic/stroke_pad.h"

using namespace digitlab::gui;

namespace {
float ink_sum(const StrokePad& pad) {
  return std::accumulate(pad.pixels().begin(), pad.pixels().end(), 0.0f);
}
float at(const StrokePad& pad, int x, int y) { return pad.pixels()[y * pad.resolution() + x]; }
}  // namespace

TEST_CASE("a segment is full ink along its middle and fades to nothing at the brush radius") {
  std::vector<float> gray(40 * 40, 0.0f);
  stamp_segment(gray.data(), 40, 40, {10, 20}, {30, 20}, 4.0f);
  CHECK(gray[20 * 40 + 20] == Approx(1.0f));    // centre line
  CHECK(gray[21 * 40 + 20] == Approx(1.0f));    // within half the radius
  const float edge = gray[23 * 40 + 20];        // 3.5 px from the line: soft edge
  CHECK(edge > 0.0f);
  CHECK(edge < 1.0f);
  CHECK(gray[25 * 40 + 20] == 0.0f);            // beyond the radius
  CHECK(gray[20 * 40 + 2] == 0.0f);             // beyond the end cap
}

TEST_CASE("stamping clips at the image border and blends by maximum") {
  std::vector<float> gray(10 * 10, 0.0f);
  stamp_segment(gray.data(), 10, 10, {-5, -5}, {2, 2}, 3.0f);
  stamp_segment(gray.data(), 10, 10, {2, 2}, {2, 2}, 3.0f);  // again: max, not sum
  CHECK(gray[2 * 10 + 2] == Approx(1.0f));
  CHECK(*std::max_element(gray.begin(), gray.end()) <= 1.0f);
}

TEST_CASE("strokes rasterise incrementally, and undo and clear redraw from the stroke list") {
  StrokePad pad(100);
  CHECK(pad.empty());
  CHECK(ink_sum(pad) == 0.0f);
  const auto r0 = pad.revision();
  pad.begin_stroke({0.2f, 0.5f}, 0.05f);
  pad.extend_stroke({0.8f, 0.5f});
  pad.end_stroke();
  CHECK(pad.revision() > r0);
  CHECK(at(pad, 50, 50) == Approx(1.0f));
  const float one_stroke = ink_sum(pad);

  pad.begin_stroke({0.5f, 0.2f}, 0.05f);
  pad.extend_stroke({0.5f, 0.8f});
  pad.end_stroke();
  CHECK(pad.strokes().size() == 2);
  CHECK(at(pad, 50, 25) == Approx(1.0f));

  pad.undo();
  CHECK(pad.strokes().size() == 1);
  CHECK(at(pad, 50, 25) == 0.0f);
  CHECK(ink_sum(pad) == Approx(one_stroke));

  pad.clear();
  CHECK(pad.empty());
  CHECK(ink_sum(pad) == 0.0f);
}

TEST_CASE("points are ignored outside a stroke and thinned when too close") {
  StrokePad pad(50);
  pad.extend_stroke({0.5f, 0.5f});
  CHECK(pad.empty());
  pad.begin_stroke({0.5f, 0.5f}, 0.05f);
  pad.extend_stroke({0.5001f, 0.5f});
  CHECK(pad.strokes().back().points.size() == 1);
  pad.extend_stroke({0.6f, 0.5f});
  CHECK(pad.strokes().back().points.size() == 2);
}

TEST_CASE("the stroke list is bounded") {
  StrokePad pad(20);
  for (std::size_t i = 0; i < StrokePad::kMaxStrokes + 10; ++i) {
    pad.begin_stroke({0.5f, 0.5f}, 0.05f);
    pad.end_stroke();
  }
  CHECK(pad.strokes().size() == StrokePad::kMaxStrokes);
}

namespace {
// A 2 as a person draws it, in pad units, mapped by p * scale + offset.
std::vector<PadPoint> two_path(float scale, PadPoint offset) {
  std::vector<PadPoint> path;
  for (int i = 0; i <= 24; ++i) {  // over the top and down the right side
    const float a = 3.4f + 2.9f * i / 24;
    path.push_back({0.45f + 0.17f * std::cos(a), 0.33f + 0.15f * std::sin(a)});
  }
  path.push_back({0.30f, 0.72f});
  path.push_back({0.64f, 0.73f});  // the base
  for (PadPoint& p : path) p = {p.x * scale + offset.x, p.y * scale + offset.y};
  return path;
}

// Draws the path on a pad the way the window does: a pointer at screen
// pixels, mapped to pad units by the pad's side in pixels.
StrokePad draw_on_screen(const std::vector<PadPoint>& path, int resolution, float side_px, float brush) {
  StrokePad pad(resolution);
  const auto on_screen = [side_px](PadPoint p) { return PadPoint{std::round(p.x * side_px) / side_px, std::round(p.y * side_px) / side_px}; };
  pad.begin_stroke(on_screen(path[0]), brush);
  for (std::size_t i = 1; i < path.size(); ++i) pad.extend_stroke(on_screen(path[i]));
  pad.end_stroke();
  return pad;
}
}  // namespace

TEST_CASE("the pad hands core its strokes as drawn, without the brush") {
  StrokePad pad(140);
  pad.begin_stroke({0.5f, 0.15f}, 0.045f);
  pad.extend_stroke({0.5f, 0.85f});
  pad.end_stroke();
  pad.begin_stroke({0.3f, 0.2f}, 0.09f);
  pad.end_stroke();
  const auto strokes = pad.pen_strokes();
  REQUIRE(strokes.size() == 2);
  CHECK(strokes[0].points.size() == 2);
  CHECK(strokes[0].points[1].y == 0.85f);
  CHECK(strokes[1].points.size() == 1);
  const digitlab::NetInput input = digitlab::preprocess_strokes(strokes);
  CHECK(input.ready());
  StrokePad empty(140);
  CHECK(digitlab::preprocess_strokes(empty.pen_strokes()).status == digitlab::InputStatus::nothing_drawn);
  StrokePad dot(140);
  dot.begin_stroke({0.3f, 0.2f}, 0.09f);  // a tap: too little to read, however fat the brush
  dot.end_stroke();
  CHECK(digitlab::preprocess_strokes(dot.pen_strokes()).status == digitlab::InputStatus::too_small);
}

TEST_CASE("what the net sees does not change with the brush, the pad's resolution, the drawing's size or the screen") {
  // Reference: a mid-sized 2 on a 400-pixel pad with the default brush.
  const auto reference = digitlab::preprocess_strokes(draw_on_screen(two_path(1, {0, 0}), 140, 400, 0.045f).pen_strokes());
  REQUIRE(reference.ready());
  const auto difference = [&](const StrokePad& pad) {
    const auto input = digitlab::preprocess_strokes(pad.pen_strokes());
    REQUIRE(input.ready());
    float d = 0;
    for (int i = 0; i < digitlab::kImagePixels; ++i) d = std::max(d, std::abs(input.image[i] - reference.image[i]));
    return d;
  };
  // The brush slider and the pad's raster resolution: exactly the same input.
  CHECK(difference(draw_on_screen(two_path(1, {0, 0}), 140, 400, 0.02f)) == 0.0f);
  CHECK(difference(draw_on_screen(two_path(1, {0, 0}), 280, 400, 0.09f)) == 0.0f);
  // Smaller or larger, anywhere on the pad; a small window or a high-density
  // screen (pointer positions rounded to other pixels): the same up to the
  // rounding of the pointer's position.
  CHECK(difference(draw_on_screen(two_path(0.5f, {0.4f, 0.45f}), 140, 400, 0.045f)) < 0.15f);
  CHECK(difference(draw_on_screen(two_path(1.3f, {-0.12f, -0.1f}), 140, 400, 0.045f)) < 0.15f);
  CHECK(difference(draw_on_screen(two_path(1, {0, 0}), 140, 180, 0.045f)) < 0.15f);
  CHECK(difference(draw_on_screen(two_path(1, {0, 0}), 140, 1200, 0.045f)) < 0.15f);
  // What the screen shows does depend on the brush: it is the display only.
  CHECK(ink_sum(draw_on_screen(two_path(1, {0, 0}), 140, 400, 0.09f)) > 2 * ink_sum(draw_on_screen(two_path(1, {0, 0}), 140, 400, 0.02f)));
}
