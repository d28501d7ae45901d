// Labelled drawings stored as strokes: DigitLab's drawing benchmark
// (test/data/drawn_digits.json) and its non-digits (non_digits.json), the
// format described in test/data/README.md. And how well a net reads them.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "digitlab/nn/model.h"
#include "digitlab/drawing/preprocess.h"
#include "digitlab/drawing/reading.h"
#include "digitlab/drawing/stroke.h"

namespace digitlab {

constexpr int kNotADigit = -1;

struct DrawnSample {
  int label = kNotADigit;  // 0-9, or kNotADigit (the file's null)
  std::string style;       // how it was drawn, e.g. "7-crossed", "letter-S"
  std::vector<Stroke> strokes;  // pad units; per-point times in the file are not kept
};

// Throws Error naming the drawing and what is wrong; nothing is returned then.
std::vector<DrawnSample> parse_drawing_set(const std::string& json_text);
std::vector<DrawnSample> load_drawing_set(const std::string& path);

struct StyleScore {
  std::string style;
  bool digits = true;  // a style of digits (label 0-9), or of non-digits
  int drawings = 0;
  int read_right = 0;  // digits: the top guess is the label, sure or not
  int answered = 0;    // the pad answers: an input, and sure of its guess (reading.h)
  int unreadable = 0;  // no input: too small or nothing drawn
};

// Digits and non-digits are counted apart: a digit should be read right and
// answered, a non-digit should get no answer ("not sure", "draw it bigger").
struct DrawingSetScore {
  int drawings = 0;  // digits
  int read_right = 0;
  int answered = 0;
  int unreadable = 0;
  int non_digits = 0;
  int non_digits_answered = 0;
  std::vector<StyleScore> styles;  // by style name
  double accuracy() const { return drawings ? static_cast<double>(read_right) / drawings : 0.0; }
  double answered_rate() const { return drawings ? static_cast<double>(answered) / drawings : 0.0; }
  double unsure_rate() const { return non_digits ? 1.0 - static_cast<double>(non_digits_answered) / non_digits : 0.0; }
};

// Reads every drawing of the set with net, taking the net's input from
// input_of: the strokes straight through preprocess_strokes, or a replay
// through a front end's pad.
DrawingSetScore score_drawings(const Model& model, const std::vector<DrawnSample>& set,
                               const std::function<NetInput(const DrawnSample&)>& input_of);

}  // namespace digitlab
