// Replays DigitLab's drawing benchmark through the real pad (StrokePad, the
// pointer rounded to a 400-pixel pad, the brush slider cycling through its
// range) and core's stroke-space preprocessing, reads every digit with a
// trained model and checks the share read right and the share answered
// (read with the pad's "not sure" rule, reading.h).
//   drawing_replay --weights FILE --min-accuracy X [--min-answered Y] SET.json
// Prints the accuracy by style and every misread or unanswered drawing;
// exit 1 below X or Y.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "digitlab/digitlab.h"
#include "logic/stroke_pad.h"

using namespace digitlab;

namespace {

constexpr float kPadSidePx = 400;                        // a desktop-sized pad
constexpr float kBrushes[] = {0.02f, 0.045f, 0.09f};     // the slider's ends and default

gui::StrokePad replay(const DrawnSample& drawing, float brush) {
  gui::StrokePad pad;
  const auto pointer = [](Point p) { return Point{std::round(p.x * kPadSidePx) / kPadSidePx, std::round(p.y * kPadSidePx) / kPadSidePx}; };
  for (const Stroke& stroke : drawing.strokes) {
    pad.begin_stroke(pointer(stroke.points[0]), brush);
    for (std::size_t i = 1; i < stroke.points.size(); ++i) pad.extend_stroke(pointer(stroke.points[i]));
    pad.end_stroke();
  }
  return pad;
}

}  // namespace

int main(int argc, char** argv) {
  std::string weights, set_path;
  double min_accuracy = -1, min_answered = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--weights" && i + 1 < argc) weights = argv[++i];
    else if (a == "--min-accuracy" && i + 1 < argc) min_accuracy = std::atof(argv[++i]);
    else if (a == "--min-answered" && i + 1 < argc) min_answered = std::atof(argv[++i]);
    else set_path = a;
  }
  if (weights.empty() || set_path.empty() || min_accuracy < 0) {
    std::fprintf(stderr, "usage: drawing_replay --weights FILE --min-accuracy X [--min-answered Y] SET.json\n");
    return 2;
  }
  try {
    const ModelFile model = load_weights(weights);
    const auto set = load_drawing_set(set_path);
    std::size_t index = 0;
    const auto score = score_drawings(model.model, set, [&](const DrawnSample& d) {
      const float brush = kBrushes[index++ % 3];
      const NetInput input = preprocess_strokes(replay(d, brush).pen_strokes());
      const Reading r = read_input(model.model, input);
      if (input.ready() && (r.guess != d.label || r.unsure))
        std::printf("%s: drawing %zu (%s) as %d at %.0f%%\n", r.guess != d.label ? "misread" : "not sure", index - 1,
                    d.style.c_str(), r.guess, 100 * r.confidence);
      return input;
    });
    for (const StyleScore& s : score.styles)
      std::printf("style=%-20s drawings=%3d read_right=%3d unreadable=%d accuracy=%.3f\n", s.style.c_str(), s.drawings,
                  s.read_right, s.unreadable, static_cast<double>(s.read_right) / s.drawings);
    std::printf("drawings=%d read_right=%d unreadable=%d accuracy=%.4f (required %.4f) answered_rate=%.4f (required %.4f)\n",
                score.drawings, score.read_right, score.unreadable, score.accuracy(), min_accuracy, score.answered_rate(),
                min_answered);
    return score.drawings > 0 && score.accuracy() >= min_accuracy && score.answered_rate() >= min_answered ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "drawing_replay: %s\n", e.what());
    return 1;
  }
}
