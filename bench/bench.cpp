#include "bench.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "digitlab/digitlab.h"
#include "digitlab/nn/kernel_path.h"

namespace digitlab {

namespace {

using Clock = std::chrono::steady_clock;

const char* build_name() {
#ifdef __EMSCRIPTEN__
  return "wasm";
#else
  return "native";
#endif
}

void line(std::ostream& out, const char* name, const char* metric, double value) {
  out << "bench=" << name << " build=" << build_name() << " metric=" << metric << " value=" << value << "\n";
  out.flush();
}

// Deterministic stand-in for MNIST: the arithmetic does not depend on pixel
// values, and the benchmark must run where no data set is present (node).
Dataset synthetic_set(std::size_t n) {
  Dataset d;
  d.images.resize(n * kImagePixels);
  d.labels.resize(n);
  std::uint32_t x = 12345;
  for (auto& p : d.images) p = static_cast<std::uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
  for (std::size_t i = 0; i < n; ++i) d.labels[i] = static_cast<std::uint8_t>(i % kClasses);
  return d;
}

// Samples per second of Learner::train_batch at this batch size: the mlp
// with plain SGD lr 0.1 (the PyTorch comparison's setting), or a conv net
// with SGD momentum 0.9; with augmentation when asked.
double train_throughput(const Dataset& data, const std::string& preset, int batch, double seconds,
                        bool augment = false) {
  Learner learner(make_model(preset_architecture(preset), 1));
  OptimizerConfig optimizer;
  if (preset != "mlp") {
    optimizer.kind = OptimizerKind::momentum;
    optimizer.momentum = 0.9f;
  }
  const float lr = preset == "mlp" ? 0.1f : 0.01f;
  AugmentConfig warp;
  warp.enabled = true;
  std::uint64_t rng = 1;
  std::vector<float> pixels(static_cast<std::size_t>(batch) * kImagePixels);
  std::size_t next = 0;
  auto one_batch = [&] {
    if (next + batch > data.size()) next = 0;
    for (int i = 0; i < batch; ++i) {
      float* out = &pixels[static_cast<std::size_t>(i) * kImagePixels];
      if (augment) augment_image(data.image(next + i), out, warp, rng);
      else image_to_unit(data.image(next + i), out);
    }
    learner.train_batch(pixels.data(), data.labels.data() + next, batch, optimizer, lr);
    next += batch;
  };
  for (int i = 0; i < 20; ++i) one_batch();  // warm-up
  std::uint64_t samples = 0;
  const Clock::time_point start = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 10; ++i) one_batch();
    samples += 10 * static_cast<std::uint64_t>(batch);
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return samples / elapsed;
}

// Median microseconds of predict() on one image.
double inference_us(const Dataset& data, const std::string& preset, int rounds) {
  const Model net = make_model(preset_architecture(preset), 1);
  float image[kImagePixels], probs[kClasses];
  std::vector<double> times;
  float sink = 0;
  for (int r = 0; r < rounds; ++r) {
    image_to_unit(data.image(r % data.size()), image);
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < 100; ++i) {
      predict(net, image, probs);
      sink += probs[0];
    }
    times.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() / 100);
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2] + sink * 0.0;
}

// End to end through the threaded Trainer: batch assembly, shuffling,
// publishing, with the caller polling progress like a UI would.
double trainer_throughput(std::shared_ptr<const Dataset> data, double seconds) {
  TrainerConfig config = plain_sgd_config();
  config.hyper.epochs = 1000;
  config.evaluate_each_epoch = false;
  Trainer trainer(config, data, nullptr);
  trainer.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 4));
  const std::uint64_t first = trainer.progress()->samples_seen;
  const Clock::time_point start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const std::uint64_t last = trainer.progress()->samples_seen;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  trainer.stop();
  return (last - first) / elapsed;
}

double evaluate_ms(const Dataset& data, const std::string& preset) {
  const Model net = make_model(preset_architecture(preset), 1);
  const Clock::time_point start = Clock::now();
  const EvalResult r = evaluate(net, data);
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count() + r.accuracy * 0.0;
}

}  // namespace

void run_benchmarks(const BenchOptions& options, std::ostream& out) {
  const double seconds = options.quick ? 1.0 : 4.0;
  auto data = std::make_shared<const Dataset>(synthetic_set(10000));
  out << "# kernel=" << kernel_path() << " fp32 threads=1\n";
  out << "# mlp = 784-128-10, plain SGD lr 0.1; cnn-small and cnn: SGD momentum 0.9, no augmentation\n";
  line(out, "train_b64", "samples_per_s", train_throughput(*data, "mlp", 64, seconds));
  line(out, "train_b1", "samples_per_s", train_throughput(*data, "mlp", 1, seconds));
  line(out, "infer_b1", "us", inference_us(*data, "mlp", options.quick ? 200 : 1000));
  line(out, "trainer_b64", "samples_per_s", trainer_throughput(data, seconds));
  line(out, "eval_10k", "ms", evaluate_ms(*data, "mlp"));
  line(out, "train_cnn_small_b64", "samples_per_s", train_throughput(*data, "cnn-small", 64, seconds));
  line(out, "train_cnn_small_b64_augment", "samples_per_s", train_throughput(*data, "cnn-small", 64, seconds, true));
  line(out, "train_cnn_b64", "samples_per_s", train_throughput(*data, "cnn", 64, seconds));
  line(out, "train_cnn_b64_augment", "samples_per_s", train_throughput(*data, "cnn", 64, seconds, true));
  line(out, "infer_cnn", "us", inference_us(*data, "cnn", options.quick ? 50 : 200));
  line(out, "eval_10k_cnn", "ms", evaluate_ms(*data, "cnn"));
}

}  // namespace digitlab
