#include "logic/stroke_input.h"

#include <algorithm>

namespace digitlab::gui {

namespace {

PadPoint to_pad(const PointerSample& s, const Rect& rect) {
  return {std::clamp((s.x - rect.x) / rect.w, 0.0f, 1.0f), std::clamp((s.y - rect.y) / rect.h, 0.0f, 1.0f)};
}

bool inside(const PointerSample& s, const Rect& rect) {
  return s.x >= rect.x && s.x < rect.right() && s.y >= rect.y && s.y < rect.bottom();
}

}  // namespace

void StrokeInput::feed(const std::vector<PointerSample>& samples, const Rect& rect, const Reachable& reachable,
                       StrokePad& pad, float brush_radius) {
  if (rect.empty()) return;
  for (const PointerSample& s : samples) {
    const bool pressed = s.down && !down_;
    down_ = s.down;
    if (pressed) {
      stroking_ = inside(s, rect) && reachable(s.x, s.y);
      if (stroking_) pad.begin_stroke(to_pad(s, rect), brush_radius);
      continue;
    }
    if (!stroking_) continue;
    pad.extend_stroke(to_pad(s, rect));  // the release's position too: where the pen left the pad
    if (!s.down) {
      pad.end_stroke();
      stroking_ = false;
    }
  }
}

}  // namespace digitlab::gui
