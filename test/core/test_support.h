// Helpers shared by the core tests.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "digitlab/digitlab.h"

namespace test {

inline const std::string kMnist = DIGITLAB_TEST_MNIST;
inline const std::string kFashion = DIGITLAB_TEST_FASHION;

// MNIST splits, loaded once per test process.
inline std::shared_ptr<const digitlab::Dataset> mnist(const std::string& split) {
  static auto train = std::make_shared<const digitlab::Dataset>(digitlab::load_idx_split(kMnist, "train"));
  static auto test = std::make_shared<const digitlab::Dataset>(digitlab::load_idx_split(kMnist, "test"));
  return split == "train" ? train : test;
}

// The first n samples of a data set.
inline digitlab::Dataset head(const digitlab::Dataset& d, std::size_t n) {
  digitlab::Dataset out;
  out.images.assign(d.images.begin(), d.images.begin() + n * digitlab::kImagePixels);
  out.labels.assign(d.labels.begin(), d.labels.begin() + n);
  return out;
}

// The mlp trained with plain SGD for one epoch on MNIST (cached per process).
inline const digitlab::Model& trained_model() {
  static const digitlab::Model model = [] {
    digitlab::Learner learner(digitlab::make_model(digitlab::preset_architecture("mlp"), 7));
    const auto train = mnist("train");
    digitlab::OptimizerConfig sgd;
    std::vector<float> pixels(64 * digitlab::kImagePixels);
    for (std::size_t start = 0; start + 64 <= train->size(); start += 64) {
      for (int i = 0; i < 64; ++i) digitlab::image_to_unit(train->image(start + i), &pixels[i * digitlab::kImagePixels]);
      learner.train_batch(pixels.data(), train->labels.data() + start, 64, sgd, 0.1f);
    }
    return learner.model();
  }();
  return model;
}

// Trains `config` to its end on every core, on the trainer's own thread,
// whose batches are whole: every run on a machine with as many cores trains
// the same net (a main-loop trainer splits batches into pieces sized by the
// clock, and the float sums, then the net, differ from run to run). Throws
// Error unless the run finished.
inline std::unique_ptr<digitlab::Trainer> train_to_end(digitlab::TrainerConfig config,
                                                       std::shared_ptr<const digitlab::Dataset> train,
                                                       std::shared_ptr<const digitlab::Dataset> test) {
  config.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto trainer = std::make_unique<digitlab::Trainer>(config, std::move(train), std::move(test));
  trainer->start();
  const auto under_way = [&] {
    const digitlab::RunState state = trainer->progress()->state;
    return state == digitlab::RunState::idle || state == digitlab::RunState::running;
  };
  while (under_way()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (trainer->progress()->state != digitlab::RunState::finished)
    throw digitlab::Error("training run: " + trainer->progress()->message);
  return trainer;
}

// The default cnn preset (with its share of generated non-digits) trained
// for four epochs as scripts/run.sh seeds `default` (cached per process):
// the net "not sure" and teaching are tested with. About a minute on two cores.
inline const digitlab::Model& reading_model() {
  static const digitlab::Model model = [] {
    digitlab::TrainerConfig config = digitlab::default_trainer_config();
    config.hyper.epochs = 4;
    config.evaluate_each_epoch = false;
    return train_to_end(config, mnist("train"), nullptr)->snapshot()->file.model;
  }();
  return model;
}

inline std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// A unique scratch path under the system temp folder.
std::string temp_path(const std::string& name);

}  // namespace test
