// "Not sure": the pad answers for digits and stays silent for what is no
// digit. The figures of issue 8 on a net trained here (test_support.h).
#include <catch2/catch.hpp>

#include <algorithm>

#include "train/batch_source.h"
#include "nn/loss.h"
#include "test_support.h"

using namespace digitlab;

TEST_CASE("a reading is sure only above half the belief, and never of nothing", "[reading]") {
  float probs[kClasses] = {};
  probs[3] = kSureProbability, probs[5] = 1 - kSureProbability;
  CHECK(is_sure(probs));
  probs[3] = kSureProbability - 0.01f, probs[5] = 1 - probs[3] - 0.02f, probs[0] = 0.02f;
  CHECK_FALSE(is_sure(probs));
  const Model net = make_model(preset_architecture("mlp"), 3);
  for (const InputStatus status : {InputStatus::nothing_drawn, InputStatus::too_small}) {
    NetInput input;
    input.status = status;
    const Reading r = read_input(net, input);
    CHECK(r.unsure);
    CHECK(r.guess == -1);
    CHECK(r.input == status);
  }
  // A ready input: the guess is the top probability, the confidence its value.
  Image28 image{};
  image_to_unit(test::mnist("test")->image(0), image.data());
  const Reading r = read_input(net, test::ready_input(image));
  REQUIRE(r.guess >= 0);
  CHECK(r.confidence == *std::max_element(r.probs.begin(), r.probs.end()));
  CHECK(r.unsure == (r.confidence < kSureProbability));
}

TEST_CASE("a batch holds its share of generated non-digits with the uniform target", "[reading]") {
  BatchSource source(test::mnist("train"), nullptr);
  source.restart(3);
  Hyperparameters hyper;
  hyper.non_digits = 0.25f;
  const int n = 400;
  std::vector<float> pixels(static_cast<std::size_t>(n) * kImagePixels);
  std::vector<std::uint8_t> labels(n);
  REQUIRE(source.fill(n, hyper, pixels.data(), labels.data()));
  int non_digits = 0;
  for (int i = 0; i < n; ++i) {
    if (labels[i] != kUniformTarget) {
      CHECK(labels[i] < kClasses);
      continue;
    }
    ++non_digits;
    double ink = 0;
    for (int p = 0; p < kImagePixels; ++p) ink += pixels[static_cast<std::size_t>(i) * kImagePixels + p];
    CHECK(ink > 10);  // drawn through the stroke path: never blank
  }
  CHECK(non_digits == 100);
  hyper.non_digits = 0;
  REQUIRE(source.fill(n, hyper, pixels.data(), labels.data()));
  CHECK(std::count(labels.begin(), labels.end(), kUniformTarget) == 0);
}

TEST_CASE("not sure of generated non-digits, sure of drawn digits", "[reading][reading-model]") {
  const Model& net = test::reading_model();
  // Non-digits as the trainer makes them, from a seed training never used.
  BatchSource source(test::mnist("train"), nullptr);
  source.restart(2026);
  const int generated = 600;
  int unsure = 0;
  for (int i = 0; i < generated; ++i) {
    Image28 image;
    source.non_digit(image.data());
    unsure += read_input(net, test::ready_input(image)).unsure;
  }
  const double unsure_generated = static_cast<double>(unsure) / generated;

  const auto score_set = [&](const std::string& name) {
    return score_drawings(net, load_drawing_set(test::kDrawings + "/" + name),
                          [](const DrawnSample& d) { return preprocess_strokes(d.strokes); });
  };
  const DrawingSetScore digits = score_set("drawn_digits.json");
  const DrawingSetScore non_digits = score_set("non_digits.json");
  // The figures, printed on every run (a Catch warning): what the net really does.
  WARN("generated non-digits: not sure of " << unsure_generated << "; non_digits.json: not sure of "
       << non_digits.unsure_rate() << "; drawn_digits.json: answered " << digits.answered_rate() << ", read right "
       << digits.accuracy());
  // The lines sit below the spread of the reading model trained with seeds
  // 1-3 on the avx512 and avx2 kernel paths: generated non-digits 96.2-96.8%
  // "not sure", non_digits.json 83.7-89.4%, drawn digits answered 99.4-100%
  // and read right 99.0-99.6%. (Issue 8's bars, 98% answered and 97% read
  // right, are benchmark figures: scripts/bench.sh.)
  CHECK(unsure_generated >= 0.80);
  CHECK(non_digits.unsure_rate() >= 0.80);  // shapes its generator never made (tools/drawn_digits)
  CHECK(digits.answered_rate() >= 0.96);
  CHECK(digits.accuracy() >= 0.97);  // gui_drawn_digits_replay holds the same through the real pad
}
