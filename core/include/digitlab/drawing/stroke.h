// A drawing as the pen made it: strokes of points, in pad units (the pad is
// the unit square, x to the right, y down). The GUI's pad, the drawing sets
// and the stroke-space preprocessing all speak this one type.
#pragma once
#include <algorithm>
#include <cmath>
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

// Distance from p to the segment a-b: how far a pixel is from the pen's path,
// for core's pen and for the pad's display brush alike.
inline float distance_to_segment(Point p, Point a, Point b) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len2 = dx * dx + dy * dy;
  const float t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0f, 1.0f) : 0.0f;
  return std::hypot(a.x + t * dx - p.x, a.y + t * dy - p.y);
}

// Bounds of one drawing, for the pad (a long session cannot grow memory
// without limit) and for drawing files (a file cannot ask for more).
constexpr std::size_t kMaxStrokes = 256;
constexpr std::size_t kMaxPointsPerStroke = 4096;

}  // namespace digitlab
