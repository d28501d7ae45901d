// From the pointer's samples to strokes on the pad. Dear ImGui 1.86 keeps
// one mouse position per frame, so a pad that read it drew a quick curve as
// a few chords whenever frames were slow (a phone, a busy machine, training
// beside): the browser read quickly drawn digits 72-90% right where the CLI
// read their strokes 95%. The platform hands over every sample it was
// given instead (platform/window.h: SDL's motion events, the browser's
// coalesced pointer events), and this turns them into strokes in order,
// however few frames they arrived in. No window here: unit-tested.
#pragma once
#include <functional>
#include <vector>

#include "logic/layout.h"
#include "logic/stroke_pad.h"

namespace digitlab::gui {

// One sample of the main pointer (mouse, finger or pen) in display
// coordinates (ImGui's, CSS pixels in the browser), with the button or
// finger down or not.
struct PointerSample {
  float x = 0, y = 0;
  bool down = false;
};

class StrokeInput {
 public:
  // Whether a press at (x, y) reaches the pad: not on a window over it, not
  // where its panel has scrolled it out of view.
  using Reachable = std::function<bool(float x, float y)>;

  // Feeds one frame's samples to `pad`, whose square is `rect` this frame: a
  // press inside it where `reachable` starts a stroke of `brush_radius`,
  // every sample while the button stays down extends it (clamped to the
  // pad), and the release ends it there.
  void feed(const std::vector<PointerSample>& samples, const Rect& rect, const Reachable& reachable, StrokePad& pad,
            float brush_radius);

 private:
  bool down_ = false;       // as of the last sample seen
  bool stroking_ = false;   // a stroke of ours is open on the pad
};

}  // namespace digitlab::gui
