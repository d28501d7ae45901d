#include <catch2/catch.hpp>

#include <vector>

#include "logic/stroke_input.h"

using namespace digitlab::gui;

namespace {

const Rect kPad{100, 100, 200, 200};
const auto kAnywhere = [](float, float) { return true; };

// A press at (x0, y0), n moves one pixel right each, a release after them.
std::vector<PointerSample> drag(float x0, float y0, int n) {
  std::vector<PointerSample> s{{x0, y0, true}};
  for (int i = 1; i <= n; ++i) s.push_back({x0 + i, y0, true});
  s.push_back({x0 + n, y0 + 1, false});
  return s;
}

}  // namespace

TEST_CASE("every sample of a frame is a point of the stroke, however many came between frames") {
  // A quick stroke on a slow frame: 80 samples arrive at once. ImGui's one
  // mouse position per frame would have made it one chord of 2 points.
  StrokePad pad;
  StrokeInput input;
  input.feed(drag(110, 150, 80), kPad, kAnywhere, pad, 0.04f);
  REQUIRE(pad.strokes().size() == 1);
  CHECK(pad.strokes()[0].points.size() == 82);  // the press, 80 moves, the release
  CHECK(pad.strokes()[0].points.front().x == Approx(0.05f));
  CHECK(pad.strokes()[0].points[40].x == Approx((150.0f - 100) / 200));
  CHECK_FALSE(pad.drawing());
}

TEST_CASE("a stroke spread over frames is the same stroke as in one frame") {
  const std::vector<PointerSample> all = drag(120, 130, 30);
  StrokePad whole, pieces;
  StrokeInput a, b;
  a.feed(all, kPad, kAnywhere, whole, 0.04f);
  for (std::size_t i = 0; i < all.size(); i += 7) {
    const std::vector<PointerSample> frame(all.begin() + i, all.begin() + std::min(all.size(), i + 7));
    b.feed(frame, kPad, kAnywhere, pieces, 0.04f);
    if (i + 7 < all.size()) CHECK(pieces.drawing());
  }
  b.feed({}, kPad, kAnywhere, pieces, 0.04f);  // a frame without samples changes nothing
  REQUIRE(pieces.strokes().size() == 1);
  CHECK(pieces.strokes()[0].points.size() == whole.strokes()[0].points.size());
  CHECK(pieces.pixels() == whole.pixels());
}

TEST_CASE("only a press on the pad where it shows starts a stroke; a stroke leaving the pad is clamped to it") {
  StrokePad pad;
  StrokeInput input;
  input.feed(drag(50, 150, 100), kPad, kAnywhere, pad, 0.04f);  // pressed beside the pad, dragged onto it
  CHECK(pad.empty());
  input.feed(drag(150, 150, 20), kPad, [](float x, float) { return x > 200; }, pad, 0.04f);  // under a window
  CHECK(pad.empty());
  // Two strokes in one frame, the first leaving the pad on the right.
  std::vector<PointerSample> samples = drag(280, 120, 60);
  const std::vector<PointerSample> second = drag(150, 250, 10);
  samples.insert(samples.end(), second.begin(), second.end());
  input.feed(samples, kPad, kAnywhere, pad, 0.04f);
  REQUIRE(pad.strokes().size() == 2);
  CHECK(pad.strokes()[0].points.back().x == 1.0f);
  CHECK(pad.strokes()[1].points.front().y == Approx(0.75f));
  // Moves without a press (hovering) draw nothing.
  input.feed({{150, 150, false}, {160, 160, false}}, kPad, kAnywhere, pad, 0.04f);
  CHECK(pad.strokes().size() == 2);
}

TEST_CASE("a stroke goes on across frames until a sample says the button is up") {
  StrokePad pad;
  StrokeInput input;
  input.feed({{150, 150, true}, {160, 150, true}}, kPad, kAnywhere, pad, 0.04f);
  input.feed({{170, 170, true}, {180, 170, true}}, kPad, kAnywhere, pad, 0.04f);  // still down: the same stroke
  CHECK(pad.strokes().size() == 1);
  // The release came as a move with no button held (a pointerup lost outside the page).
  input.feed({{200, 200, false}, {120, 120, true}, {130, 120, true}, {130, 130, false}}, kPad, kAnywhere, pad, 0.04f);
  REQUIRE(pad.strokes().size() == 2);
  CHECK(pad.strokes()[0].points.size() == 5);
  CHECK(pad.strokes()[1].points.size() == 3);
}
