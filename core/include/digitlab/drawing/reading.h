// What the pad answers for a drawing: the net's top guess, how sure it is,
// and whether to answer at all. A net trained with generated non-digits
// (outlier exposure, batch_source.h) spreads its belief evenly over the ten
// classes for a scribble, a letter or several digits, so "not sure" is
// simply a top probability below kSureProbability: the net answers only
// when it gives more than half its belief to one digit.
//
// The threshold was chosen on generated data only, never on the measuring
// sets: the cnn preset trained 3 epochs with its share of non-digits says
// "not sure" to 97% of freshly generated non-digits at 0.5 and answers 98%
// of MNIST's test digits (docs/benchmarks.md has the measured figures).
#pragma once
#include <array>

#include "digitlab/nn/model.h"
#include "digitlab/drawing/preprocess.h"

namespace digitlab {

constexpr float kSureProbability = 0.5f;

// True when the top probability of probs[10] is high enough to answer.
bool is_sure(const float* probs);

struct Reading {
  InputStatus input = InputStatus::nothing_drawn;  // ready, or why there is nothing to read
  std::array<float, kClasses> probs{};             // all zero unless the input was ready
  int guess = -1;                                  // the top class; -1 unless the input was ready
  float confidence = 0;                            // the guess's probability
  bool unsure = true;                              // no answer: nothing readable, or not sure enough
  bool answered() const { return !unsure; }
};

Reading read_input(const Model& model, const NetInput& input);

}  // namespace digitlab
