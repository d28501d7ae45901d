#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "digitlab/preprocess.h"
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

TEST_CASE("a drawn stroke preprocesses into a centred MNIST-style digit") {
  StrokePad pad(140);
  pad.begin_stroke({0.5f, 0.15f}, 0.045f);
  pad.extend_stroke({0.5f, 0.85f});
  pad.end_stroke();
  const auto image = digitlab::preprocess_drawing(pad.pixels().data(), pad.resolution(), pad.resolution());
  REQUIRE(image);
  // A vertical bar: ink in the middle columns, none at the left and right edges.
  float middle = 0, edges = 0;
  for (int y = 0; y < 28; ++y) {
    middle += (*image)[y * 28 + 14] + (*image)[y * 28 + 13];
    edges += (*image)[y * 28 + 1] + (*image)[y * 28 + 26];
  }
  CHECK(middle > 10.0f);
  CHECK(edges == 0.0f);
  StrokePad empty(140);
  CHECK_FALSE(digitlab::preprocess_drawing(empty.pixels().data(), 140, 140));
}
