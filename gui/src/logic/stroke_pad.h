// The drawing pad's model: strokes in pad units, and their rasterization
// with a soft round brush for the screen. The net reads the strokes
// themselves (pen_strokes() into core's preprocess_strokes), so the brush and
// the screen's pixels never change what it sees. No window or GPU here, so
// it is unit-tested on its own.
#pragma once
#include <cstdint>
#include <vector>

#include "digitlab/drawing/stroke.h"

namespace digitlab::gui {

using PadPoint = digitlab::Point;  // 0 = left / top edge of the pad, 1 = right / bottom

struct Stroke {
  float radius = 0;  // brush radius in pad units, fixed when the stroke began (display only)
  std::vector<PadPoint> points;
};

// Ink of a soft round brush along the segment a-b, max-blended into gray
// [height, width]. Coordinates and radius are in pixels. Full ink up to half
// the radius, then a smooth falloff to zero at the radius: the soft edge
// gives the anti-aliased strokes that MNIST's scanned digits have.
void stamp_segment(float* gray, int width, int height, PadPoint a, PadPoint b, float radius_px);

class StrokePad {
 public:
  static constexpr std::size_t kMaxStrokes = digitlab::kMaxStrokes;
  static constexpr std::size_t kMaxPointsPerStroke = digitlab::kMaxPointsPerStroke;

  explicit StrokePad(int resolution = 140);

  void begin_stroke(PadPoint p, float radius);
  void extend_stroke(PadPoint p);  // no-op unless a stroke is open
  void end_stroke();
  void undo();   // removes the last stroke
  void clear();

  bool drawing() const { return drawing_; }
  bool empty() const { return strokes_.empty(); }
  const std::vector<Stroke>& strokes() const { return strokes_; }
  // The pen's paths as core reads them, without the brush.
  std::vector<digitlab::Stroke> pen_strokes() const;
  int resolution() const { return resolution_; }
  const std::vector<float>& pixels() const { return pixels_; }  // [resolution, resolution]
  // Changes whenever the strokes (and so pixels()) change: callers recompute only then.
  std::uint64_t revision() const { return revision_; }

 private:
  void stamp(const Stroke& stroke, std::size_t from_point);
  void rasterize_all();

  int resolution_;
  std::vector<Stroke> strokes_;
  std::vector<float> pixels_;
  bool drawing_ = false;
  std::uint64_t revision_ = 0;
};

}  // namespace digitlab::gui
