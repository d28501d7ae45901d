#include <catch2/catch.hpp>
#include <chrono>
#include <limits>
#include <thread>

#include "test_support.h"

using namespace digitlab;

TEST_CASE("one epoch of plain SGD learns MNIST", "[training]") {
  const EvalResult r = evaluate(test::trained_model(), *test::mnist("test"));
  CHECK(r.count == 10000);
  CHECK(r.accuracy > 0.90);
  CHECK(r.loss < 0.35);
  int total = 0, diagonal = 0;
  for (int t = 0; t < kClasses; ++t)
    for (int p = 0; p < kClasses; ++p) {
      total += r.confusion[t][p];
      if (t == p) diagonal += r.confusion[t][p];
    }
  CHECK(total == 10000);
  CHECK(diagonal == Approx(r.accuracy * 10000).margin(0.5));
  CHECK(r.predicted.size() == 10000);
}

TEST_CASE("single-sample training moves the prediction towards the label", "[training]") {
  Learner learner(make_model(dense_architecture({32}), 1));
  const auto test = test::mnist("test");
  float image[kImagePixels];
  image_to_unit(test->image(0), image);
  const std::uint8_t label = test->labels[0];
  OptimizerConfig sgd;
  const float before = learner.compute_gradients(image, &label, 1).loss;
  for (int i = 0; i < 5; ++i) learner.train_batch(image, &label, 1, sgd, 0.05f);
  const float after = learner.compute_gradients(image, &label, 1).loss;
  CHECK(after < before * 0.5f);
}

TEST_CASE("a diverging batch leaves the weights as they were", "[training]") {
  Learner learner(make_model(dense_architecture({8}), 1));
  std::vector<float> image(kImagePixels, std::numeric_limits<float>::infinity());
  const std::uint8_t label = 3;
  const std::vector<float> before = learner.model().params;
  OptimizerConfig sgd;
  learner.train_batch(image.data(), &label, 1, sgd, 0.1f);
  CHECK(learner.model().params == before);
}

TEST_CASE("same seed and settings give the same trained weights", "[training]") {
  auto run = [] {
    Learner learner(make_model(dense_architecture({16}), 4));
    const auto train = test::mnist("train");
    OptimizerConfig adam;
    adam.kind = OptimizerKind::adam;
    std::vector<float> pixels(32 * kImagePixels);
    for (int b = 0; b < 10; ++b) {
      for (int i = 0; i < 32; ++i) image_to_unit(train->image(b * 32 + i), &pixels[i * kImagePixels]);
      learner.train_batch(pixels.data(), train->labels.data() + b * 32, 32, adam, 0.001f);
    }
    return learner.model().params;
  };
  CHECK(run() == run());
}

TEST_CASE("a data-parallel learner makes the same update as one thread", "[training]") {
  const auto train = test::mnist("train");
  std::vector<float> pixels(50 * kImagePixels);
  for (int i = 0; i < 50; ++i) image_to_unit(train->image(i), &pixels[i * kImagePixels]);
  const Model start = make_model(preset_architecture("cnn-small"), 3);
  OptimizerConfig momentum;
  momentum.kind = OptimizerKind::momentum;
  Learner one(start, 1), three(start, 3);
  for (int step = 0; step < 3; ++step) {
    const BatchStats a = one.train_batch(pixels.data(), train->labels.data(), 50, momentum, 0.05f);
    const BatchStats b = three.train_batch(pixels.data(), train->labels.data(), 50, momentum, 0.05f);
    CHECK(a.loss == Approx(b.loss).epsilon(1e-5));
    CHECK(a.correct == b.correct);
  }
  for (std::size_t i = 0; i < start.params.size(); i += 11)
    REQUIRE(one.model().params[i] == Approx(three.model().params[i]).margin(1e-5));
  CHECK(one.model().params != start.params);
  // Fewer samples than threads still trains.
  CHECK(std::isfinite(three.train_batch(pixels.data(), train->labels.data(), 2, momentum, 0.05f).loss));
}

// A batch of a large net takes seconds; an interrupt from another thread
// ends it at the next poll, on every thread of a data-parallel learner,
// before its update. Without the polls train_batch would return normally.
TEST_CASE("an interrupt ends a large batch part-way and leaves the weights as they were", "[training][interrupt]") {
  const Model model = make_model(parse_architecture("conv3x3x256,relu,conv3x3x256,relu,dense10"), 3);
  Learner learner(model, 2);
  Interrupt interrupt;
  learner.set_interrupt(&interrupt);
  const int n = 64;  // 2 x 180 GFLOP of products: seconds on any machine
  std::vector<float> images(static_cast<std::size_t>(n) * kImagePixels);
  std::vector<std::uint8_t> labels(n);
  const auto train = test::mnist("train");
  for (int i = 0; i < n; ++i) {
    image_to_unit(train->image(i), images.data() + static_cast<std::size_t>(i) * kImagePixels);
    labels[i] = train->labels[i];
  }
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // well inside the batch
    interrupt.request();
  });
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(learner.train_batch(images.data(), labels.data(), n, OptimizerConfig{}, 0.01f), Interrupted);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stopper.join();
  WARN("interrupted after " << seconds << " s");
  CHECK(learner.model().params == model.params);
  // Cleared, the same learner trains again (a short batch, to the end).
  interrupt.clear();
  const BatchStats stats = learner.train_batch(images.data(), labels.data(), 2, OptimizerConfig{}, 0.01f);
  CHECK(stats.count == 2);
  CHECK(learner.model().params != model.params);
}
