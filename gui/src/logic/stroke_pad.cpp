#include "logic/stroke_pad.h"

#include <algorithm>
#include <cmath>

namespace digitlab::gui {
namespace {

// Points closer than this (pad units) add nothing visible but cost memory.
constexpr float kMinPointDistance = 0.002f;

}  // namespace

void stamp_segment(float* gray, int width, int height, PadPoint a, PadPoint b, float radius_px) {
  if (radius_px <= 0) return;
  const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - radius_px)));
  const int x1 = std::min(width - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + radius_px)));
  const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - radius_px)));
  const int y1 = std::min(height - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + radius_px)));
  const float core = 0.5f * radius_px;
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      // Pixel centres sit at +0.5.
      const float d = distance_to_segment({x + 0.5f, y + 0.5f}, a, b);
      if (d >= radius_px) continue;
      float ink = 1.0f;
      if (d > core) {
        const float t = (radius_px - d) / (radius_px - core);  // 1 at the core, 0 at the rim
        ink = t * t * (3.0f - 2.0f * t);                        // smoothstep
      }
      float& pixel = gray[static_cast<std::size_t>(y) * width + x];
      pixel = std::max(pixel, ink);
    }
  }
}

StrokePad::StrokePad(int resolution)
    : resolution_(resolution), pixels_(static_cast<std::size_t>(resolution) * resolution, 0.0f) {}

void StrokePad::begin_stroke(PadPoint p, float radius) {
  if (strokes_.size() >= kMaxStrokes) strokes_.erase(strokes_.begin());  // oldest ink goes first
  strokes_.push_back(Stroke{radius, {p}});
  drawing_ = true;
  stamp(strokes_.back(), 0);
  ++revision_;
}

void StrokePad::extend_stroke(PadPoint p) {
  if (!drawing_) return;
  Stroke& stroke = strokes_.back();
  const PadPoint last = stroke.points.back();
  if (std::hypot(p.x - last.x, p.y - last.y) < kMinPointDistance) return;
  if (stroke.points.size() >= kMaxPointsPerStroke) return;
  stroke.points.push_back(p);
  stamp(stroke, stroke.points.size() - 2);  // only the new segment: drawing stays cheap
  ++revision_;
}

std::vector<digitlab::Stroke> StrokePad::pen_strokes() const {
  std::vector<digitlab::Stroke> paths;
  paths.reserve(strokes_.size());
  for (const Stroke& stroke : strokes_) paths.push_back({stroke.points});
  return paths;
}

void StrokePad::end_stroke() { drawing_ = false; }

void StrokePad::undo() {
  if (strokes_.empty()) return;
  strokes_.pop_back();
  drawing_ = false;
  rasterize_all();
}

void StrokePad::clear() {
  strokes_.clear();
  drawing_ = false;
  rasterize_all();
}

void StrokePad::stamp(const Stroke& stroke, std::size_t from_point) {
  const float scale = static_cast<float>(resolution_);
  const auto to_px = [scale](PadPoint p) { return PadPoint{p.x * scale, p.y * scale}; };
  const float radius_px = stroke.radius * scale;
  const auto& pts = stroke.points;
  if (pts.size() == 1) {
    stamp_segment(pixels_.data(), resolution_, resolution_, to_px(pts[0]), to_px(pts[0]), radius_px);
    return;
  }
  for (std::size_t i = from_point; i + 1 < pts.size(); ++i)
    stamp_segment(pixels_.data(), resolution_, resolution_, to_px(pts[i]), to_px(pts[i + 1]), radius_px);
}

void StrokePad::rasterize_all() {
  std::fill(pixels_.begin(), pixels_.end(), 0.0f);
  for (const Stroke& stroke : strokes_) stamp(stroke, 0);
  ++revision_;
}

}  // namespace digitlab::gui
