#include "drawing/non_digits.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "util/rng.h"

namespace digitlab {

namespace {

constexpr float kDegree = 3.14159265f / 180.0f;

using Path = std::vector<Point>;  // one pen-down, densely sampled
using Shape = std::vector<Path>;

float uniform(std::uint64_t& rng, float lo, float hi) { return lo + (hi - lo) * random_unit(rng); }
bool chance(std::uint64_t& rng, float p) { return random_unit(rng) < p; }
int between(std::uint64_t& rng, int lo, int hi) { return lo + static_cast<int>(random_below(rng, hi - lo + 1)); }

// --- template geometry: x to the right, y down, angles in degrees with 0 to
// the right and 90 down (so growing angles turn clockwise on the screen) ---

Path segment(Point a, Point b, int n = 10) {
  Path p;
  for (int i = 0; i <= n; ++i) p.push_back({a.x + (b.x - a.x) * i / n, a.y + (b.y - a.y) * i / n});
  return p;
}

Path arc(Point c, float rx, float ry, float from, float to, int n = 32) {
  Path p;
  for (int i = 0; i <= n; ++i) {
    const float a = (from + (to - from) * i / n) * kDegree;
    p.push_back({c.x + rx * std::cos(a), c.y + ry * std::sin(a)});
  }
  return p;
}

// Pieces that follow one another as one stroke.
Path join(std::initializer_list<Path> pieces) {
  Path out;
  for (const Path& piece : pieces) out.insert(out.end(), piece.begin(), piece.end());
  return out;
}

// Straight segments through the corners.
Path connect(const Path& corners) {
  if (corners.size() < 2) return corners;
  Path out;
  for (std::size_t i = 0; i + 1 < corners.size(); ++i) {
    const Path piece = segment(corners[i], corners[i + 1]);
    out.insert(out.end(), piece.begin() + (out.empty() ? 0 : 1), piece.end());
  }
  return out;
}
Path polyline(std::initializer_list<Point> corners) { return connect(Path(corners)); }

// Catmull-Rom through the control points (the ends repeated).
Path smooth(const Path& control, int per_span = 10) {
  Path out;
  const std::size_t n = control.size();
  const auto at = [&](long i) { return control[static_cast<std::size_t>(std::clamp<long>(i, 0, long(n) - 1))]; };
  for (std::size_t i = 0; i + 1 < n; ++i)
    for (int k = 0; k < per_span; ++k) {
      const float t = static_cast<float>(k) / per_span, t2 = t * t, t3 = t2 * t;
      const Point p0 = at(long(i) - 1), p1 = at(long(i)), p2 = at(long(i) + 1), p3 = at(long(i) + 2);
      const auto blend = [&](float a, float b, float c, float d) {
        return 0.5f * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3);
      };
      out.push_back({blend(p0.x, p1.x, p2.x, p3.x), blend(p0.y, p1.y, p2.y, p3.y)});
    }
  out.push_back(control.back());
  return out;
}

Point random_point(std::uint64_t& rng, float w, float h) { return {uniform(rng, 0, w), uniform(rng, 0, h)}; }

// --- the kinds ---

Shape scribble(std::uint64_t& rng) {
  const float w = uniform(rng, 0.5f, 1.6f);
  switch (random_below(rng, 5)) {
    case 0: {  // a wandering curve that turns many times
      Path control;
      for (int i = between(rng, 8, 14); i > 0; --i) control.push_back(random_point(rng, w, 1));
      return {smooth(control)};
    }
    case 1: {  // shading: back and forth across a patch
      const float angle = uniform(rng, -70, 70) * kDegree, length = uniform(rng, 0.5f, 1.0f);
      const int passes = between(rng, 5, 12);
      Path control;
      for (int i = 0; i < passes; ++i) {
        const float along = (i % 2 ? 1 : -1) * length / 2 + uniform(rng, -0.08f, 0.08f);
        const float across = static_cast<float>(i) / passes + uniform(rng, -0.03f, 0.03f);
        control.push_back({along * std::cos(angle) - across * std::sin(angle), along * std::sin(angle) + across * std::cos(angle)});
      }
      return {chance(rng, 0.5f) ? smooth(control, 4) : connect(control)};
    }
    case 2: {  // a spiral, inwards or outwards
      const float turns = uniform(rng, 1.6f, 3.5f), start = uniform(rng, 0, 360);
      const float direction = chance(rng, 0.5f) ? 1.0f : -1.0f;
      Path p;
      const int n = static_cast<int>(turns * 40);
      for (int i = 0; i <= n; ++i) {
        const float t = static_cast<float>(i) / n;
        const float r = 0.08f + 0.42f * t, a = (start + direction * 360 * turns * t) * kDegree;
        p.push_back({r * std::cos(a) * w, r * std::sin(a)});
      }
      if (chance(rng, 0.5f)) std::reverse(p.begin(), p.end());
      return {p};
    }
    case 3: {  // joined loops, as in a row of cursive e's or l's
      const int loops = between(rng, 3, 6);
      const float r = uniform(rng, 0.25f, 0.5f), advance = uniform(rng, 0.25f, 0.55f), tall = uniform(rng, 0.8f, 2.0f);
      Path p;
      const int n = loops * 36;
      for (int i = 0; i <= n; ++i) {
        const float t = static_cast<float>(i) / 36;
        const float a = (90 + 360 * t) * kDegree;
        p.push_back({advance * t - r * std::cos(a) * 0.8f, r * tall * std::sin(a)});
      }
      return {p};
    }
    default: {  // a few short strokes in a tangle
      Shape s;
      for (int k = between(rng, 2, 4); k > 0; --k) {
        Path control;
        for (int i = between(rng, 4, 6); i > 0; --i) control.push_back(random_point(rng, w, 1));
        s.push_back(smooth(control));
      }
      return s;
    }
  }
}

// Flat lines: within 45 degrees of horizontal (a steeper one is a 1),
// straight, bowed or wavy.
Shape flat_line(std::uint64_t& rng) {
  const float angle = uniform(rng, -45, 45) * kDegree, bow = chance(rng, 0.5f) ? uniform(rng, -0.12f, 0.12f) : 0.0f;
  const bool wavy = chance(rng, 0.25f);
  const float waves = uniform(rng, 1.5f, 4), amplitude = uniform(rng, 0.04f, 0.12f);
  Path p;
  for (int i = 0; i <= 40; ++i) {
    const float t = i / 40.0f;
    float y = bow * 4 * t * (1 - t);
    if (wavy) y += amplitude * std::sin(t * waves * 2 * 3.14159265f);
    const float x = t - 0.5f;
    p.push_back({x * std::cos(angle) - y * std::sin(angle), x * std::sin(angle) + y * std::cos(angle)});
  }
  return {p};
}

Shape cross(std::uint64_t& rng) {
  const Point mid{uniform(rng, 0.35f, 0.65f), uniform(rng, 0.35f, 0.65f)};
  switch (random_below(rng, 4)) {
    case 0: {  // X
      const float a = uniform(rng, 25, 65) * kDegree, b = uniform(rng, 25, 65) * kDegree;
      const float la = uniform(rng, 0.45f, 0.6f), lb = uniform(rng, 0.45f, 0.6f);
      return {segment({mid.x - la * std::cos(a), mid.y - la * std::sin(a)}, {mid.x + la * std::cos(a), mid.y + la * std::sin(a)}),
              segment({mid.x + lb * std::cos(b), mid.y - lb * std::sin(b)}, {mid.x - lb * std::cos(b), mid.y + lb * std::sin(b)})};
    }
    case 1: {  // +, the bar at least as long as most of the upright
      const float h = uniform(rng, 0.35f, 0.55f), v = h * uniform(rng, 0.7f, 1.3f), tilt = uniform(rng, -0.1f, 0.1f);
      return {segment({mid.x - tilt, mid.y - v}, {mid.x + tilt, mid.y + v}), segment({mid.x - h, mid.y + tilt}, {mid.x + h, mid.y - tilt})};
    }
    case 2: {  // an asterisk
      Shape s;
      const int lines = between(rng, 3, 4);
      const float start = uniform(rng, 0, 180);
      for (int i = 0; i < lines; ++i) {
        const float a = (start + 180.0f * i / lines + uniform(rng, -10, 10)) * kDegree, l = uniform(rng, 0.35f, 0.5f);
        s.push_back(segment({mid.x - l * std::cos(a), mid.y - l * std::sin(a)}, {mid.x + l * std::cos(a), mid.y + l * std::sin(a)}));
      }
      return s;
    }
    default: {  // a hash
      const float lean = uniform(rng, 0, 0.25f), gap = uniform(rng, 0.15f, 0.25f);
      return {segment({0.35f + lean, 0}, {0.35f - lean, 1}), segment({0.65f + lean, 0}, {0.65f - lean, 1}),
              segment({0.05f, 0.5f - gap}, {0.95f, 0.5f - gap}), segment({0.0f, 0.5f + gap}, {0.9f, 0.5f + gap})};
    }
  }
}

// A loop with a tail that no digit has: the tail leaves anywhere but down
// from the right or bottom (a 9) and up from the left or top (a 6).
Shape loop_with_tail(std::uint64_t& rng) {
  for (;;) {
    const float start = uniform(rng, 0, 360), turn = uniform(rng, 330, 390);
    const float sweep = chance(rng, 0.5f) ? turn : -turn;
    const float rx = uniform(rng, 0.25f, 0.45f), ry = uniform(rng, 0.25f, 0.45f);
    const float end = (start + sweep) * kDegree;
    const Point attach{std::cos(end), std::sin(end)};  // on the unit circle
    const float direction = std::atan2(attach.y, attach.x) + uniform(rng, -60, 60) * kDegree;
    const Point d{std::cos(direction), std::sin(direction)};
    if (d.y > 0.6f && attach.x > -0.3f) continue;  // a 9
    if (d.y < -0.6f && attach.x < 0.3f) continue;  // a 6
    const float length = uniform(rng, 0.4f, 1.1f), bend = uniform(rng, -0.3f, 0.3f);
    Path loop = arc({0, 0}, rx, ry, start, start + sweep, 48);
    const Point from = loop.back();
    const Point to{from.x + d.x * length, from.y + d.y * length};
    const Point middle{(from.x + to.x) / 2 - d.y * bend * length, (from.y + to.y) / 2 + d.x * bend * length};
    const Path tail = smooth({from, middle, to}, 8);
    if (chance(rng, 0.2f)) return {loop, tail};  // lifted the pen
    loop.insert(loop.end(), tail.begin() + 1, tail.end());
    return {loop};
  }
}

// Capital letters (and a few small ones) as the strokes people make, in a
// box about 0.7 wide and 1 high. Ranged numbers vary a template itself.
// (Every random draw is its own statement or a braced list's element: the
// order of a function call's arguments differs between compilers, and the
// same seed must draw the same shapes in both builds.)
Shape letter(std::uint64_t& rng) {
  const auto v = [&](float lo, float hi) { return uniform(rng, lo, hi); };
  switch (random_below(rng, 27)) {
    case 0: {  // A
      const float bar = v(0.5f, 0.7f), apex = v(0.3f, 0.4f);
      return {polyline({{0, 1}, {apex, 0}, {0.7f, 1}}), segment({apex * (1 - bar) + 0.02f, bar}, {apex + (0.7f - apex) * bar - 0.02f, bar})};
    }
    case 1: {  // B
      const float waist = v(0.42f, 0.52f), top = v(0.25f, 0.33f);
      return {segment({0, 0}, {0, 1}),
              join({segment({0, 0}, {top, 0}, 4), arc({top, waist / 2}, v(0.22f, 0.3f), waist / 2, -90, 90), segment({top, waist}, {0, waist}, 4),
                    segment({0, waist}, {top + 0.05f, waist}, 4), arc({top + 0.05f, (1 + waist) / 2}, v(0.27f, 0.35f), (1 - waist) / 2, -90, 90),
                    segment({top + 0.05f, 1}, {0, 1}, 4)})};
    }
    case 2: {  // C
      const float width = v(0.33f, 0.42f), from = v(-60, -30), to = v(-330, -300);
      return {arc({0.4f, 0.5f}, width, 0.5f, from, to, 40)};
    }
    case 3: {  // E
      const float mid = v(0.42f, 0.55f);
      return {polyline({{0.6f, 0}, {0, 0}, {0, 1}, {0.62f, 1}}), segment({0, mid}, {v(0.35f, 0.5f), mid})};
    }
    case 4: {  // F
      const float mid = v(0.42f, 0.55f);
      return {polyline({{0.6f, 0}, {0, 0}, {0, 1}}), segment({0, mid}, {v(0.35f, 0.5f), mid})};
    }
    case 5: {  // H
      const float mid = v(0.4f, 0.6f);
      return {segment({0, 0}, {0, 1}), segment({0.6f, 0}, {0.6f, 1}), segment({0, mid}, {0.6f, mid})};
    }
    case 6: {  // K
      const float joint = v(0.45f, 0.6f);
      if (chance(rng, 0.5f)) return {segment({0, 0}, {0, 1}), polyline({{0.6f, 0}, {0.02f, joint}, {0.62f, 1}})};
      return {segment({0, 0}, {0, 1}), segment({0.6f, 0}, {0.02f, joint}), segment({0.2f, joint - 0.1f}, {0.62f, 1})};
    }
    case 7:  // L
      return {polyline({{0, 0}, {0, 1}, {v(0.45f, 0.65f), 1}})};
    case 8: {  // M
      const float dip = v(0.45f, 0.8f);
      return {polyline({{0, 1}, {0.02f, 0}, {0.38f, dip}, {0.74f, 0}, {0.76f, 1}})};
    }
    case 9:  // N
      return {polyline({{0, 1}, {0, 0}, {0.6f, 1}, {0.6f, 0}})};
    case 10: {  // P
      const float waist = v(0.45f, 0.6f);
      return {segment({0, 1}, {0, 0}), join({segment({0, 0}, {0.25f, 0}, 4), arc({0.25f, waist / 2}, v(0.25f, 0.33f), waist / 2, -90, 90),
                                             segment({0.25f, waist}, {0, waist}, 4)})};
    }
    case 11: {  // R
      const float waist = v(0.45f, 0.55f);
      return {segment({0, 1}, {0, 0}),
              join({segment({0, 0}, {0.25f, 0}, 4), arc({0.25f, waist / 2}, v(0.25f, 0.33f), waist / 2, -90, 90),
                    segment({0.25f, waist}, {0.05f, waist}, 4), segment({0.05f, waist}, {v(0.55f, 0.7f), 1})})};
    }
    case 12: {  // T: the stem from the middle of the bar, upright
      const float at = v(0.4f, 0.6f);
      return {segment({0, 0}, {0.8f, 0}), segment({0.8f * at, 0}, {0.8f * at + v(-0.05f, 0.05f), 1})};
    }
    case 13:  // U
      return {join({segment({0, 0}, {0, 0.6f}), arc({0.3f, 0.6f}, 0.3f, 0.4f, 180, 0), segment({0.6f, 0.6f}, {0.6f, 0})})};
    case 14:  // V
      return {polyline({{0, 0}, {v(0.3f, 0.4f), 1}, {0.7f, 0}})};
    case 15:  // W
      return {polyline({{0, 0}, {0.2f, 1}, {0.4f, v(0.2f, 0.5f)}, {0.6f, 1}, {0.8f, 0}})};
    case 16:  // X
      return {segment({0, 0}, {0.65f, 1}), segment({0.65f, 0}, {0, 1})};
    case 17: {  // Y
      const float fork = v(0.35f, 0.55f);
      return {segment({0, 0}, {0.32f, fork}), polyline({{0.65f, 0}, {0.32f, fork}, {0.32f, 1}})};
    }
    case 18:  // Z: a straight top and a sharp corner, unlike a 2
      return {polyline({{0, 0}, {0.62f, 0}, {0, 1}, {0.65f, 1}})};
    case 19: {  // S: round at both ends, no corner, unlike a 5
      const float waist = v(0.42f, 0.55f);
      return {join({arc({0.3f, waist / 2}, 0.28f, waist / 2, v(-30, 0), -270, 24),
                    arc({0.3f, (1 + waist) / 2}, 0.3f, (1 - waist) / 2, -90, v(150, 190), 24)})};
    }
    case 20: {  // small e
      return {join({segment({0.02f, 0.6f}, {0.6f, 0.6f}, 6), arc({0.31f, 0.65f}, 0.3f, 0.35f, -10, -320, 36)})};
    }
    case 21: {  // small m
      return {join({segment({0, 0.3f}, {0, 1}), arc({0.17f, 0.45f}, 0.17f, 0.15f, 180, 360, 12), segment({0.34f, 0.45f}, {0.34f, 1}),
                    segment({0.34f, 1}, {0.34f, 0.45f}, 4), arc({0.51f, 0.45f}, 0.17f, 0.15f, 180, 360, 12), segment({0.68f, 0.45f}, {0.68f, 1})})};
    }
    case 22: {  // small n
      return {join({segment({0, 0.3f}, {0, 1}), arc({0.25f, 0.5f}, 0.25f, 0.2f, 180, 360, 16), segment({0.5f, 0.5f}, {0.5f, 1})})};
    }
    case 23: {  // small h: tall stem, one arch
      return {join({segment({0, 0}, {0, 1}), segment({0, 1}, {0, 0.6f}, 4), arc({0.25f, 0.6f}, 0.25f, 0.2f, 180, 360, 16),
                    segment({0.5f, 0.6f}, {0.5f, 1})})};
    }
    case 24: {  // small r
      return {join({segment({0, 0.3f}, {0, 1}), segment({0, 1}, {0, 0.55f}, 4), arc({0.25f, 0.55f}, 0.25f, 0.2f, 180, 300, 12)})};
    }
    case 25:  // small w
      return {polyline({{0, 0.3f}, {0.15f, 1}, {0.32f, 0.45f}, {0.5f, 1}, {0.65f, 0.3f}})};
    default: {  // small k
      return {segment({0, 0}, {0, 1}), polyline({{0.45f, 0.35f}, {0.02f, 0.7f}, {0.5f, 1}})};
    }
  }
}

Shape symbol(std::uint64_t& rng) {
  const auto v = [&](float lo, float hi) { return uniform(rng, lo, hi); };
  switch (random_below(rng, 9)) {
    case 0: {  // a square or a box, corners sharp
      const float w = v(0.6f, 1.2f);
      return {polyline({{0, 0}, {w, 0}, {w, 1}, {0, 1}, {0, v(-0.05f, 0.05f)}})};
    }
    case 1: {  // a triangle
      const float apex = v(0.2f, 0.8f);
      return {polyline({{apex, 0}, {1, 1}, {0, 1}, {apex + v(-0.03f, 0.03f), 0}})};
    }
    case 2: {  // a five-pointed star in one stroke
      Path p;
      const float turn = v(-20, 20);
      for (int i = 0; i <= 5; ++i) {
        const float a = (turn - 90 + 144.0f * i) * kDegree;
        p.push_back({0.5f + 0.5f * std::cos(a), 0.5f + 0.5f * std::sin(a)});
      }
      return {polyline({p[0], p[1], p[2], p[3], p[4], p[5]})};
    }
    case 3:  // a heart
      return {join({arc({0.25f, 0.25f}, 0.25f, 0.22f, 0, -200, 20), segment({0.02f, 0.33f}, {0.5f, 1}), segment({0.5f, 1}, {0.98f, 0.33f}),
                    arc({0.75f, 0.25f}, 0.25f, 0.22f, 20, -180, 20)})};
    case 4: {  // equals
      const float gap = v(0.2f, 0.45f);
      return {segment({0, 0}, {1, v(-0.05f, 0.05f)}), segment({0, gap}, {1, gap + v(-0.05f, 0.05f)})};
    }
    case 5: {  // a tick
      const float corner = v(0.25f, 0.4f);
      return {polyline({{0, 0.6f}, {corner, 1}, {1, 0}})};
    }
    case 6: {  // an arrow
      const float head = v(0.2f, 0.35f);
      return {segment({0, 0.5f}, {1, 0.5f}), polyline({{1 - head, 0.5f - head}, {1, 0.5f}, {1 - head, 0.5f + head}})};
    }
    case 7: {  // < or >
      const float depth = v(0.5f, 0.9f);
      return {polyline({{depth, 0}, {0, 0.5f}, {depth, 1}})};
    }
    default: {  // a smiling face
      const float r = 0.5f;
      return {arc({0.5f, 0.5f}, r, r, -90, 270, 48), {Point{0.33f, 0.35f}, Point{0.34f, 0.37f}},
              {Point{0.66f, 0.35f}, Point{0.67f, 0.37f}}, arc({0.5f, 0.55f}, 0.25f, 0.2f, 20, 160, 12)};
    }
  }
}

// Two or three real digits side by side, as a number is written.
Shape several_digits(std::uint64_t& rng, const std::function<std::vector<Stroke>()>& digit_lines) {
  Shape shape;
  const int count = chance(rng, 0.7f) ? 2 : 3;
  float cursor = 0;
  for (int k = 0; k < count; ++k) {
    const std::vector<Stroke> lines = digit_lines();
    float left = INFINITY, right = -INFINITY, top = INFINITY, bottom = -INFINITY;
    for (const Stroke& s : lines)
      for (const Point& p : s.points) left = std::min(left, p.x), right = std::max(right, p.x), top = std::min(top, p.y), bottom = std::max(bottom, p.y);
    if (!(left <= right) || bottom - top <= 0) continue;
    const float scale = uniform(rng, 0.85f, 1.15f) / (bottom - top), lift = uniform(rng, -0.1f, 0.1f);
    for (const Stroke& s : lines) {
      Path p;
      for (const Point& q : s.points) p.push_back({cursor + (q.x - left) * scale, lift + (q.y - top) * scale});
      shape.push_back(p);
    }
    cursor += (right - left) * scale + uniform(rng, 0.08f, 0.45f);
  }
  return shape;
}

Shape dots(std::uint64_t& rng) {
  Shape shape;
  const float w = uniform(rng, 0.5f, 1.5f);
  for (int n = between(rng, 3, 9); n > 0; --n) {
    const Point p = random_point(rng, w, 1);
    Path dot{p};
    if (chance(rng, 0.4f)) dot.push_back({p.x + uniform(rng, -0.02f, 0.02f), p.y + uniform(rng, -0.02f, 0.02f)});
    shape.push_back(dot);
  }
  return shape;
}

// --- from a template to strokes on the pad, as a hand would put them ---

struct Placement {
  float slant_deg, rotation_deg, aspect;
  bool resample;  // dense templates are sampled as pointer events would be
};

std::vector<Stroke> place_on_pad(const Shape& shape, const Placement& how, std::uint64_t& rng) {
  float left = INFINITY, right = -INFINITY, top = INFINITY, bottom = -INFINITY;
  for (const Path& path : shape)
    for (const Point& p : path) left = std::min(left, p.x), right = std::max(right, p.x), top = std::min(top, p.y), bottom = std::max(bottom, p.y);
  const Point centre{(left + right) / 2, (top + bottom) / 2};
  const float extent = std::max({right - left, bottom - top, 1e-3f});
  const float slant = std::tan(how.slant_deg * kDegree), c = std::cos(how.rotation_deg * kDegree), s = std::sin(how.rotation_deg * kDegree);
  // A smooth wobble of the whole shape: no hand draws a template exactly.
  const float wobble = uniform(rng, 0.0f, 0.035f), fx = uniform(rng, 0.5f, 1.5f), fy = uniform(rng, 0.5f, 1.5f);
  const float phase_x = uniform(rng, 0, 6.3f), phase_y = uniform(rng, 0, 6.3f);
  std::vector<std::vector<Point>> moved;
  float l2 = INFINITY, r2 = -INFINITY, t2 = INFINITY, b2 = -INFINITY;
  for (const Path& path : shape) {
    std::vector<Point> out;
    for (const Point& p : path) {
      float x = (p.x - centre.x) / extent * how.aspect, y = (p.y - centre.y) / extent;
      x += wobble * std::sin(fy * 6.3f * y + phase_x);
      y += wobble * std::sin(fx * 6.3f * x + phase_y);
      x -= slant * y;
      const Point q{c * x - s * y, s * x + c * y};
      l2 = std::min(l2, q.x), r2 = std::max(r2, q.x), t2 = std::min(t2, q.y), b2 = std::max(b2, q.y);
      out.push_back(q);
    }
    moved.push_back(std::move(out));
  }
  // Size on the pad, anywhere it fits; then the pointer's events.
  const float size = uniform(rng, 0.25f, 0.9f) / std::max({r2 - l2, b2 - t2, 1e-3f});
  const float w = (r2 - l2) * size, h = (b2 - t2) * size;
  const Point at{uniform(rng, 0.02f, std::max(0.02f, 0.98f - w)), uniform(rng, 0.02f, std::max(0.02f, 0.98f - h))};
  const float spacing = uniform(rng, 0.004f, 0.02f), pad_px = uniform(rng, 180, 560);
  const auto to_pad = [&](Point q) {
    return Point{std::round((at.x + (q.x - l2) * size) * pad_px) / pad_px, std::round((at.y + (q.y - t2) * size) * pad_px) / pad_px};
  };
  std::vector<Stroke> strokes;
  for (const auto& path : moved) {
    Stroke stroke;
    if (!how.resample || path.size() < 2) {
      for (const Point& q : path) stroke.points.push_back(to_pad(q));
    } else {  // one event every `spacing` of travel, give or take
      float travelled = 0, next = 0;
      stroke.points.push_back(to_pad(path[0]));
      for (std::size_t i = 1; i < path.size(); ++i) {
        travelled += std::hypot(path[i].x - path[i - 1].x, path[i].y - path[i - 1].y) * size;
        if (travelled >= next || i + 1 == path.size()) {
          stroke.points.push_back(to_pad(path[i]));
          next = travelled + spacing * uniform(rng, 0.6f, 1.4f);
        }
      }
    }
    strokes.push_back(std::move(stroke));
  }
  return strokes;
}

}  // namespace

const char* to_string(NonDigitKind kind) {
  switch (kind) {
    case NonDigitKind::scribble: return "scribble";
    case NonDigitKind::line: return "line";
    case NonDigitKind::cross: return "cross";
    case NonDigitKind::loop_with_tail: return "loop-with-tail";
    case NonDigitKind::letter: return "letter";
    case NonDigitKind::symbol: return "symbol";
    case NonDigitKind::several_digits: return "several-digits";
    case NonDigitKind::dots: return "dots";
  }
  return "?";
}

NonDigitKind random_non_digit_kind(std::uint64_t& rng) {
  // Shares in percent, in the order of NonDigitKind.
  constexpr std::array<int, kNonDigitKinds> kShare = {18, 8, 10, 12, 26, 10, 10, 6};
  int pick = static_cast<int>(random_below(rng, 100));
  for (int k = 0; k < kNonDigitKinds; ++k)
    if ((pick -= kShare[k]) < 0) return static_cast<NonDigitKind>(k);
  return NonDigitKind::scribble;
}

std::vector<Stroke> make_non_digit(NonDigitKind kind, std::uint64_t& rng,
                                   const std::function<std::vector<Stroke>()>& digit_lines) {
  Placement how{uniform(rng, -15, 25), uniform(rng, -12, 12), uniform(rng, 0.7f, 1.4f), true};
  switch (kind) {
    case NonDigitKind::scribble: return place_on_pad(scribble(rng), how, rng);
    case NonDigitKind::line:  // its angle is its own: a turned line could become a 1
      return place_on_pad(flat_line(rng), {0, 0, 1, true}, rng);
    case NonDigitKind::cross: return place_on_pad(cross(rng), how, rng);
    case NonDigitKind::loop_with_tail: return place_on_pad(loop_with_tail(rng), {0, 0, how.aspect, true}, rng);
    case NonDigitKind::letter: return place_on_pad(letter(rng), how, rng);
    case NonDigitKind::symbol: return place_on_pad(symbol(rng), how, rng);
    case NonDigitKind::several_digits:
      return place_on_pad(several_digits(rng, digit_lines), {uniform(rng, -8, 8), uniform(rng, -5, 5), 1, false}, rng);
    case NonDigitKind::dots: return place_on_pad(dots(rng), {0, 0, 1, false}, rng);
  }
  return {};
}

}  // namespace digitlab
