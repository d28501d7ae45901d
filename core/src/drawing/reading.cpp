#include "digitlab/drawing/reading.h"

namespace digitlab {

bool is_sure(const float* probs) { return probs[argmax10(probs)] >= kSureProbability; }

Reading read_input(const Model& model, const NetInput& input) {
  Reading r;
  r.input = input.status;
  if (!input.ready()) return r;
  predict(model, input.image.data(), r.probs.data());
  r.guess = argmax10(r.probs.data());
  r.confidence = r.probs[r.guess];
  r.unsure = !is_sure(r.probs.data());
  return r;
}

}  // namespace digitlab
