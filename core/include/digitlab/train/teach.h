// Teaching a net one person's drawing without breaking it for everyone
// else. A few small steps of plain SGD on batches that mix the drawing
// (slightly warped copies), the person's earlier drawings and replayed
// training samples; the net stops as soon as it reads the drawing right and
// sure. Accuracy on a held-out validation slice is measured before and
// after: when it falls more than max_drop below the baseline, the previous
// weights are kept and the report says so. The baseline is the accuracy
// before the first of a series of teachings, so small drops cannot add up.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "digitlab/data/dataset.h"
#include "digitlab/nn/model.h"
#include "digitlab/drawing/preprocess.h"

namespace digitlab {

struct LabelledDrawing {
  Image28 image{};
  int label = 0;
};

// The recipe (tried in test/core/test_teach.cpp).
struct TeachSettings {
  int max_steps = 60;        // updates at most
  int batch_size = 32;       // samples per update
  int drawing_copies = 6;    // warped copies of the new drawing in each batch
  int personal_copies = 2;   // earlier drawings of the personal set in each batch
  float lr = 0.003f;         // plain SGD, no momentum: nothing carries on after the last step
  // Validation accuracy may fall a quarter point at most: the promise is
  // 0.5 on the whole test set, and a wrong label's damage lands unevenly
  // (measured on 2000 samples, a drop of 0.54 points on the rest showed as 0.3).
  double max_drop = 0.0025;
};

// Fills n replayed training samples: pixels [n, 784] in [0, 1], labels [n]
// (a trainer's BatchSource: augmented, with its share of non-digits).
// False when there are none (an empty sample cache).
using ReplaySamples = std::function<bool(int n, float* pixels, std::uint8_t* labels)>;

struct TeachReport {
  bool taught = false;    // false: the weights are unchanged (why in message)
  bool restored = false;  // taught, but validation fell too far: the previous weights were kept
  int label = -1;
  int guess_before = -1, guess_after = -1;  // the drawing's top guess (after: with the weights kept)
  float confidence_before = 0, confidence_after = 0;
  double accuracy_before = -1, accuracy_after = -1;  // on the validation slice, with the taught weights
  double baseline = -1;                              // what accuracy_after is held against
  int steps = 0;
  std::string message;  // one plain sentence for the person
  bool read_right_after() const { return guess_after == label; }
  // Validation accuracy of the weights the model holds now (the previous ones when restored).
  double accuracy_kept() const { return restored ? accuracy_before : accuracy_after; }
};

// Teaches model that `drawing` is `label`. personal: the person's earlier
// drawings, mixed in so they are not forgotten. baseline < 0: the model's
// own validation accuracy now. accuracy_now: the model's accuracy on
// `validation` when the caller knows it (an earlier teaching measured these
// very weights), < 0: measured here. Bad input (a drawing that is not ready,
// a label outside 0-9, no validation samples) changes nothing and says why;
// so does a replay that has no samples.
TeachReport teach_drawing(Model& model, const NetInput& drawing, int label, const std::vector<LabelledDrawing>& personal,
                          const ReplaySamples& replay, const Dataset& validation, double baseline,
                          const TeachSettings& settings, std::uint64_t seed, double accuracy_now = -1);

// The test samples teaching's checks use: enough that one wrong label's
// damage shows (test_teach.cpp), few enough to evaluate in about 2 s in wasm.
constexpr std::size_t kValidationSamples = 5000;
// The slice of a test set held out for teaching's checks: its first n samples.
Dataset validation_slice(const Dataset& test, std::size_t n = kValidationSamples);

// A personal set as bytes a front end keeps (a sample block, dataset.h:
// pixels rounded to bytes) and back. Decoding throws Error on anything that
// is not a whole block.
std::vector<std::uint8_t> encode_personal_set(const std::vector<LabelledDrawing>& drawings);
std::vector<LabelledDrawing> decode_personal_set(const std::vector<std::uint8_t>& bytes);

}  // namespace digitlab
