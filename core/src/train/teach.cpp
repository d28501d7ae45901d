#include "digitlab/train/teach.h"

#include <algorithm>
#include <cstdio>

#include "digitlab/data/augment.h"
#include "digitlab/drawing/reading.h"
#include "digitlab/nn/learner.h"
#include "digitlab/util/number_text.h"

namespace digitlab {

namespace {

// Copies of the drawing are warped a little less than training samples: the
// net should learn this drawing and its near neighbours, not every 7.
AugmentConfig drawing_warp() {
  AugmentConfig warp;
  warp.enabled = true;
  warp.shift = 1.0f;
  warp.rotation = 6.0f;
  warp.scale = 0.06f;
  warp.shear = 0.1f;
  return warp;
}

std::string percent(double fraction, const char* unit = "%") {
  char text[24];
  std::snprintf(text, sizeof text, "%.1f%s", 100 * fraction, unit);
  return text;
}

TeachReport refused(TeachReport report, const std::string& why) {
  report.message = why;
  return report;
}

}  // namespace

Dataset validation_slice(const Dataset& test, std::size_t n) {
  n = std::min(n, test.size());
  Dataset slice;
  slice.images.assign(test.images.begin(), test.images.begin() + n * kImagePixels);
  slice.labels.assign(test.labels.begin(), test.labels.begin() + n);
  return slice;
}

std::vector<std::uint8_t> encode_personal_set(const std::vector<LabelledDrawing>& drawings) {
  SampleBlock block;
  block.first_index = kRandomBlock;
  block.samples.images.resize(drawings.size() * kImagePixels);
  for (std::size_t i = 0; i < drawings.size(); ++i) {
    image_to_bytes(drawings[i].image.data(), &block.samples.images[i * kImagePixels]);
    block.samples.labels.push_back(static_cast<std::uint8_t>(drawings[i].label));
  }
  return encode_sample_block(block);
}

std::vector<LabelledDrawing> decode_personal_set(const std::vector<std::uint8_t>& bytes) {
  const SampleBlock block = decode_sample_block(bytes.data(), bytes.size());
  std::vector<LabelledDrawing> drawings(block.samples.size());
  for (std::size_t i = 0; i < drawings.size(); ++i) {
    image_to_unit(block.samples.image(i), drawings[i].image.data());
    drawings[i].label = block.samples.labels[i];
  }
  return drawings;
}

TeachReport teach_drawing(Model& model, const NetInput& drawing, int label, const std::vector<LabelledDrawing>& personal,
                          const ReplaySamples& replay, const Dataset& validation, double baseline,
                          const TeachSettings& settings, std::uint64_t seed, double accuracy_now) {
  TeachReport report;
  report.label = label;
  if (label < 0 || label >= kClasses) return refused(report, "not taught: the label must be a digit 0-9");
  if (!drawing.ready())
    return refused(report, std::string("not taught: ") + input_status_message(drawing.status));
  if (validation.size() == 0) return refused(report, "not taught: there are no validation samples to check it with");
  const Reading before = read_input(model, drawing);
  report.guess_before = before.guess, report.confidence_before = before.confidence;
  report.accuracy_before = accuracy_now >= 0 ? accuracy_now : evaluate(model, validation).accuracy;
  report.baseline = baseline >= 0 ? baseline : report.accuracy_before;

  const int batch = settings.batch_size;
  const int copies = std::min(settings.drawing_copies, batch);
  const int earlier = personal.empty() ? 0 : std::min(settings.personal_copies, batch - copies);
  const int replayed = batch - copies - earlier;
  std::vector<float> pixels(static_cast<std::size_t>(batch) * kImagePixels);
  std::vector<std::uint8_t> labels(batch);
  std::uint8_t drawing_bytes[kImagePixels];
  image_to_bytes(drawing.image.data(), drawing_bytes);
  std::uint64_t rng = seed;
  std::size_t next_personal = 0;
  OptimizerConfig sgd;  // plain SGD, no weight decay
  sgd.kind = OptimizerKind::sgd;
  Learner learner(model);

  for (report.steps = 0; report.steps < settings.max_steps;) {
    if (replayed > 0 && !replay(replayed, pixels.data(), labels.data()))
      return refused(report, "not taught: no training samples to mix in yet");
    for (int i = replayed; i < batch; ++i) {
      float* out = &pixels[static_cast<std::size_t>(i) * kImagePixels];
      if (i < replayed + earlier) {
        const LabelledDrawing& d = personal[next_personal++ % personal.size()];
        std::copy(d.image.begin(), d.image.end(), out);
        labels[i] = static_cast<std::uint8_t>(d.label);
      } else {
        augment_image(drawing_bytes, out, drawing_warp(), rng);
        labels[i] = static_cast<std::uint8_t>(label);
      }
    }
    learner.train_batch(pixels.data(), labels.data(), batch, sgd, settings.lr);
    ++report.steps;
    const Reading now = read_input(learner.model(), drawing);
    if (now.guess == label && now.answered()) break;  // read right and sure: enough
  }

  report.taught = true;
  report.accuracy_after = evaluate(learner.model(), validation).accuracy;
  report.restored = report.accuracy_after < report.baseline - settings.max_drop;
  if (!report.restored) model = learner.model();
  const Reading after = read_input(model, drawing);
  report.guess_after = after.guess, report.confidence_after = after.confidence;

  // Named by what it was measured on, not "validation": next to the test
  // accuracy of the whole test set it reads as a third figure otherwise.
  const std::string accuracies = "accuracy on " + std::to_string(validation.size()) + " test digits " +
                                 percent(report.accuracy_before) + " before, " + percent(report.accuracy_after) +
                                 " after";
  const std::string digit = std::to_string(label);
  if (report.restored)
    report.message = "Teaching " + digit + " would have cost the net " + accuracies +
                     " (down more than " + number_text(100 * settings.max_drop) +
                     " points): the previous weights were kept.";
  else if (report.read_right_after())
    report.message = "Learned: the drawing now reads as " + digit + " (" + accuracies + ").";
  else
    report.message = "Taught, but the drawing still reads as " + std::to_string(report.guess_after) + ", not " + digit +
                     " (" + accuracies + ").";
  return report;
}

}  // namespace digitlab
