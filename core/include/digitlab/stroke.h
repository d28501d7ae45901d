// A drawing as the pen made it: strokes of points, in pad units (the pad is
// the unit square, x to the right, y down). The GUI's pad, the drawing sets
// and the stroke-space preprocessing all speak this one type.
#pragma once
#include <cstddef>
#include <vector>

namespace digitlab {

struct Point {
  float x = 0;
  float y = 0;
};

// One pen-down to pen-up. A single point is a dot.
struct Stroke {
  std::vector<Point> points;
};

// Bounds of one drawing, for the pad (a long session cannot grow memory
// without limit) and for drawing files (a file cannot ask for more).
constexpr std::size_t kMaxStrokes = 256;
constexpr std::size_t kMaxPointsPerStroke = 4096;

}  // namespace digitlab
