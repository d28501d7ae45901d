// Helpers shared by the core tests.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "digitlab/digitlab.h"

namespace test {

inline const std::string kMnist = DIGITLAB_TEST_MNIST;
inline const std::string kFashion = DIGITLAB_TEST_FASHION;
inline const std::string kDrawings = DIGITLAB_TEST_DRAWINGS;  // test/data: drawing sets

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

// Threads every test run trains with, whatever the machine: a data-parallel
// batch is summed in slices, one per thread, so the thread count changes the
// float sums and with them the trained net. With it fixed, a run gives the
// same figures on every machine of one kernel path (kernel_path.h).
constexpr int kTrainThreads = 2;

// Trains `config` to its end with kTrainThreads threads, on the trainer's own
// thread, whose batches are whole (a main-loop trainer splits batches into
// pieces sized by the clock, and the float sums, then the net, differ from
// run to run). Throws Error unless the run finished.
inline std::unique_ptr<digitlab::Trainer> train_to_end(digitlab::TrainerConfig config,
                                                       std::shared_ptr<const digitlab::Dataset> train,
                                                       std::shared_ptr<const digitlab::Dataset> test) {
  config.threads = kTrainThreads;
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

// The net "not sure" and teaching are tested with: the `default` model as
// scripts/run.sh seeds it (seeding_trainer_config), trained once per test
// run by ctest's models/reading fixture (`digitlab-cli train --seeding
// --threads 2`) into DIGITLAB_TEST_READING_MODEL. A run without the file
// (a test started by hand) trains the same net here, about a minute on two
// cores, and leaves it there for the next.
inline const digitlab::Model& reading_model() {
  static const digitlab::Model model = [] {
    const std::string path = DIGITLAB_TEST_READING_MODEL;
    if (std::ifstream(path)) return digitlab::load_weights(path).model;
    digitlab::TrainerConfig config = digitlab::seeding_trainer_config();
    config.evaluate_each_epoch = false;
    const digitlab::ModelFile file = train_to_end(config, mnist("train"), nullptr)->snapshot()->file;
    digitlab::save_weights(path, file);
    return file.model;
  }();
  return model;
}

// A 28x28 image as the pad hands it to the net: ready to read.
inline digitlab::NetInput ready_input(const digitlab::Image28& image) {
  digitlab::NetInput input;
  input.status = digitlab::InputStatus::ready;
  input.image = image;
  return input;
}

inline std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// A unique scratch path under the system temp folder.
std::string temp_path(const std::string& name);

}  // namespace test
