#include "digitlab/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <functional>
#include <optional>
#include <thread>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "rng.h"

namespace digitlab {

namespace {
using Clock = std::chrono::steady_clock;
constexpr double kPublishSeconds = 0.05;  // progress and weights reach readers at 20 Hz
constexpr std::size_t kMaxPersonal = 256;

// Linux keeps a nice value per thread: raising this thread's leaves the rest
// of the process (an interface thread) at its own priority.
void lower_this_thread_priority() {
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Halves a full history by merging neighbours, so it spans the whole run at
// half the resolution and never grows past its bound.
template <class Point, class Merge>
void compact(std::vector<Point>& points, Merge merge) {
  std::vector<Point> half;
  half.reserve(points.size() / 2 + 1);
  for (std::size_t i = 0; i + 1 < points.size(); i += 2) half.push_back(merge(points[i], points[i + 1]));
  if (points.size() % 2) half.push_back(points.back());
  points.swap(half);
}
}  // namespace

TrainerConfig default_trainer_config() {
  TrainerConfig c;
  c.hidden = {128};
  c.input_mean = 0.1307f;  // MNIST's pixel mean and std: standardised inputs
  c.input_std = 0.3081f;
  c.hyper.optimizer.kind = OptimizerKind::momentum;
  c.hyper.optimizer.lr = 0.05f;
  c.hyper.optimizer.momentum = 0.9f;
  c.hyper.optimizer.weight_decay = 5e-4f;
  c.hyper.optimizer.schedule = Schedule::cosine;
  c.hyper.batch_size = 64;
  c.hyper.epochs = 10;
  return c;
}

TrainerConfig plain_sgd_config() {
  TrainerConfig c;
  c.hidden = {128};
  c.init = Init::torch_linear;
  c.hyper.optimizer.kind = OptimizerKind::sgd;
  c.hyper.optimizer.lr = 0.1f;
  c.hyper.batch_size = 64;
  c.hyper.epochs = 10;
  return c;
}

void check_hyperparameters(const Hyperparameters& h) {
  if (h.batch_size < 1 || h.batch_size > 4096)
    throw Error("batch size must be between 1 and 4096, got " + std::to_string(h.batch_size));
  if (h.epochs < 1 || h.epochs > 1000) throw Error("epochs must be between 1 and 1000, got " + std::to_string(h.epochs));
  check_optimizer_config(h.optimizer);
}

const char* to_string(RunState state) {
  switch (state) {
    case RunState::idle: return "idle";
    case RunState::running: return "running";
    case RunState::paused: return "paused";
    case RunState::finished: return "finished";
    case RunState::stopped: return "stopped";
  }
  return "?";
}

struct Trainer::Impl {
  // --- fixed at construction ---
  TrainerConfig config;
  const bool threaded;
  std::shared_ptr<const Dataset> train;   // one of train / cache is set
  std::shared_ptr<SampleCache> cache;

  // --- owned by the training loop (one thread at a time) ---
  std::shared_ptr<const Dataset> test;
  Learner learner;
  RunState state = RunState::idle;
  bool trained = false;
  bool starved = false;
  std::string message;
  std::uint64_t rng = 0;
  std::vector<std::uint32_t> order;  // shuffled sample order of the in-memory set
  std::size_t cursor = 0;
  std::uint64_t run_samples = 0, samples_seen = 0, steps = 0;
  int pending_steps = 0;
  Dataset personal;
  std::size_t personal_cursor = 0;
  float teach_loss = -1;
  std::vector<std::uint8_t> batch_bytes, batch_labels;  // batch_bytes: scratch for cache draws
  std::vector<float> batch_pixels;
  // history
  std::vector<MetricPoint> history;
  std::vector<EvalPoint> evals;
  std::shared_ptr<const EvalResult> last_eval;
  std::optional<Evaluation> evaluation;  // under way: whole at once when threaded, sliced otherwise
  double evaluation_epoch = 0;
  std::uint64_t record_every = 0;
  double point_loss = 0;
  std::uint64_t point_correct = 0, point_count = 0;
  double point_busy_s = 0;  // time spent training since the point started
  float samples_per_s = 0, last_loss = 0, last_accuracy = 0;
  // publishing
  Clock::time_point last_publish = Clock::now();
  bool weights_changed = true;
  std::uint64_t weights_version = 0;
  std::shared_ptr<const TrainerProgress> progress;  // read with std::atomic_load
  std::shared_ptr<const ModelSnapshot> snapshot;    // read with std::atomic_load

  // --- commands from other threads ---
  std::mutex queue_mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> queue;
  bool quit = false;
  std::thread worker;

  Impl(TrainerConfig c, std::shared_ptr<const Dataset> t, std::shared_ptr<SampleCache> sc,
       std::shared_ptr<const Dataset> test_set, bool use_thread)
      : config(std::move(c)), threaded(use_thread), train(std::move(t)), cache(std::move(sc)),
        test(std::move(test_set)),
        learner(make_mlp(config.hidden, config.seed, config.input_mean, config.input_std, config.init)) {
    check_hyperparameters(config.hyper);
    if (train && train->size() == 0) throw Error("trainer: the training set is empty");
    if (config.epoch_size == 0) config.epoch_size = train ? train->size() : 60000;
    reset_run_data();
    publish(true);
    if (threaded)
      worker = std::thread([this] {
        if (config.background_priority) lower_this_thread_priority();
        loop();
      });
  }

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(queue_mutex);
      quit = true;
    }
    wake.notify_all();
    if (worker.joinable()) worker.join();
  }

  void post(std::function<void()> command) {
    {
      std::lock_guard<std::mutex> lock(queue_mutex);
      queue.push_back(std::move(command));
    }
    wake.notify_all();
  }

  bool active() const { return state == RunState::running || pending_steps > 0; }

  void run_commands() {
    std::deque<std::function<void()>> pending;
    {
      std::lock_guard<std::mutex> lock(queue_mutex);
      pending.swap(queue);
    }
    for (auto& command : pending) command();
    if (!pending.empty()) publish(true);
  }

  void loop() {
    Clock::time_point busy_since = Clock::now();
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(queue_mutex);
        if (!active() || starved)
          wake.wait_for(lock, std::chrono::milliseconds(starved ? 20 : 1000),
                        [this] { return quit || !queue.empty(); });
        if (quit) return;
      }
      run_commands();
      if (active()) train_batch();
      publish(false);
      if (config.background_priority) yield_if_busy(busy_since);
    }
  }

  // Where the OS priority cannot be lowered (a browser's pthread), background
  // priority means leaving a quarter of the core to the page's own threads:
  // after every 12 ms of work, 4 ms of rest.
  static void yield_if_busy(Clock::time_point& busy_since) {
#ifdef __EMSCRIPTEN__
    if (seconds_since(busy_since) < 0.012) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
    busy_since = Clock::now();
#else
    (void)busy_since;  // the thread's nice value does this job natively
#endif
  }

  void run_slice(double budget_ms) {
    const Clock::time_point start = Clock::now();
    run_commands();
    advance_evaluation(Trainer::kEvalSliceSamples);
    while (active() && seconds_since(start) * 1000.0 < budget_ms) {
      train_batch();
      if (starved) break;  // the cache is empty: try again next slice
    }
    publish(false);
  }

  // --- training ---
  void reset_run_data() {
    rng = config.seed ^ 0x5DEECE66Dull;
    if (train) {
      order.resize(train->size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
      shuffle();
    }
    run_samples = 0;
    history.clear();
    evals.clear();
    last_eval.reset();
    evaluation.reset();
    record_every = std::max<std::uint64_t>(1, config.history_every);
    restart_point();
  }

  void shuffle() {  // Fisher-Yates with the trainer's own generator
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[random_below(rng, i)]);
    cursor = 0;
  }

  void restart_point() {
    point_loss = 0;
    point_correct = point_count = 0;
    point_busy_s = 0;
  }

  double epoch() const { return static_cast<double>(run_samples) / config.epoch_size; }

  // Fills batch_pixels [n, 784] and batch_labels [n]; false when the cache is empty.
  bool fill_batch(int n) {
    const std::size_t n_pixels = static_cast<std::size_t>(n) * kImagePixels;
    batch_labels.resize(n);
    batch_pixels.resize(n_pixels);
    if (train) {
      for (int i = 0; i < n; ++i) {
        if (cursor == order.size()) shuffle();
        const std::uint32_t idx = order[cursor++];
        image_to_unit(train->image(idx), &batch_pixels[static_cast<std::size_t>(i) * kImagePixels]);
        batch_labels[i] = train->labels[idx];
      }
    } else {
      batch_bytes.resize(n_pixels);  // the cache hands out bytes, copied under its lock
      if (!cache->draw(n, rng, batch_bytes.data(), batch_labels.data())) return false;
      for (int i = 0; i < n; ++i)
        image_to_unit(&batch_bytes[static_cast<std::size_t>(i) * kImagePixels],
                      &batch_pixels[static_cast<std::size_t>(i) * kImagePixels]);
    }
    if (personal.size() > 0) {  // one personal drawing per batch teaches the user's hand
      const std::size_t p = personal_cursor++ % personal.size();
      image_to_unit(personal.image(p), &batch_pixels[static_cast<std::size_t>(n - 1) * kImagePixels]);
      batch_labels[n - 1] = personal.labels[p];
    }
    return true;
  }

  void train_batch() {
    const Clock::time_point start = Clock::now();
    const int n = config.hyper.batch_size;
    const bool was_starved = starved;
    starved = !fill_batch(n);
    if (starved != was_starved) publish(true);  // readers learn at once that data ran out (or came back)
    if (starved) return;
    const float lr = scheduled_lr(config.hyper.optimizer, epoch(), config.hyper.epochs);
    const BatchStats stats = learner.train_batch(batch_pixels.data(), batch_labels.data(), n, config.hyper.optimizer, lr);
    if (!std::isfinite(stats.loss)) {
      // Diverged (learning rate too high); the learner left the weights as they were.
      state = RunState::stopped;
      pending_steps = 0;
      message = "training diverged (loss is not finite): lower the learning rate";
      return;
    }
    const std::uint64_t before = run_samples;
    run_samples += n;
    samples_seen += n;
    ++steps;
    trained = true;
    weights_changed = true;
    if (pending_steps > 0) --pending_steps;
    point_loss += static_cast<double>(stats.loss) * n;
    point_correct += stats.correct;
    point_count += n;
    point_busy_s += seconds_since(start);
    if (point_count >= record_every) record_point(lr);
    const std::uint64_t epoch_size = config.epoch_size;
    if (run_samples / epoch_size != before / epoch_size) {
      if (config.evaluate_each_epoch) run_evaluation();
      if (state == RunState::running && epoch() >= config.hyper.epochs) {
        state = RunState::finished;
        publish(true);
      }
    }
  }

  void record_point(float lr) {
    MetricPoint p;
    p.epoch = epoch();
    p.loss = static_cast<float>(point_loss / point_count);
    p.accuracy = static_cast<float>(point_correct) / point_count;
    p.samples_per_s = point_busy_s > 0 ? static_cast<float>(point_count / point_busy_s) : 0.0f;
    p.lr = lr;
    last_loss = p.loss;
    last_accuracy = p.accuracy;
    samples_per_s = p.samples_per_s;
    history.push_back(p);
    if (history.size() >= Trainer::kHistoryPoints) {
      compact(history, [](const MetricPoint& a, const MetricPoint& b) {
        return MetricPoint{b.epoch, (a.loss + b.loss) / 2, (a.accuracy + b.accuracy) / 2,
                           (a.samples_per_s + b.samples_per_s) / 2, b.lr};
      });
      record_every *= 2;
    }
    restart_point();
  }

  // Starts an evaluation of the current weights on the test set.
  void run_evaluation() {
    if (!test || test->size() == 0) return;
    if (evaluation) advance_evaluation(evaluation->result().count);  // never drop one still under way
    evaluation.emplace(learner.net(), test);
    evaluation_epoch = epoch();
    if (threaded) advance_evaluation(test->size());
  }

  void advance_evaluation(std::size_t samples) {
    if (!evaluation) return;
    evaluation->advance(samples);
    if (!evaluation->done()) return;
    auto result = std::make_shared<const EvalResult>(evaluation->result());
    evaluation.reset();
    evals.push_back({evaluation_epoch, static_cast<float>(result->accuracy), static_cast<float>(result->loss)});
    if (evals.size() >= Trainer::kHistoryPoints)
      compact(evals, [](const EvalPoint&, const EvalPoint& b) { return b; });
    last_eval = std::move(result);
    weights_changed = true;  // republish the snapshot: its metadata carries the accuracy
    publish(true);
  }

  void replace_weights(Mlp net, bool is_trained, std::uint64_t seen) {
    learner.replace_net(std::move(net));
    config.hidden = learner.net().hidden();
    trained = is_trained;
    samples_seen = seen;
    steps = 0;
    state = RunState::idle;
    pending_steps = 0;
    starved = false;
    message.clear();
    weights_changed = true;
    reset_run_data();
  }

  void fresh_weights() {
    replace_weights(make_mlp(config.hidden, config.seed, config.input_mean, config.input_std, config.init), false, 0);
  }

  void teach(const Image28& image, int label, int count) {
    const std::uint8_t y = static_cast<std::uint8_t>(label);
    for (int i = 0; i < count; ++i) learner.train_batch(image.data(), &y, 1, config.hyper.optimizer, config.hyper.optimizer.lr);
    teach_loss = learner.compute_gradients(image.data(), &y, 1).loss;
    trained = true;
    weights_changed = true;
  }

  void add_personal(const Image28& image, int label) {
    if (personal.size() >= kMaxPersonal) {  // drop the oldest drawing
      personal.images.erase(personal.images.begin(), personal.images.begin() + kImagePixels);
      personal.labels.erase(personal.labels.begin());
    }
    for (float v : image) personal.images.push_back(static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)));
    personal.labels.push_back(static_cast<std::uint8_t>(label));
  }

  // --- publishing ---
  void publish(bool force) {
    if (!force && seconds_since(last_publish) < kPublishSeconds) return;
    last_publish = Clock::now();
    auto p = std::make_shared<TrainerProgress>();
    p->state = state;
    p->threaded = threaded;
    p->starved = starved && active();
    p->evaluating = evaluation.has_value();
    p->epoch = epoch();
    p->total_epochs = config.hyper.epochs;
    p->samples_seen = samples_seen;
    p->steps = steps;
    p->loss = last_loss;
    p->accuracy = last_accuracy;
    p->samples_per_s = samples_per_s;
    p->lr = scheduled_lr(config.hyper.optimizer, epoch(), config.hyper.epochs);
    const double remaining = std::max(0.0, config.hyper.epochs - epoch()) * config.epoch_size;
    p->eta_s = state == RunState::running && samples_per_s > 0 ? remaining / samples_per_s : 0.0;
    p->teach_loss = teach_loss;
    p->personal_samples = personal.size();
    p->hyper = config.hyper;
    p->hidden = config.hidden;
    p->history = history;
    p->evals = evals;
    p->last_eval = last_eval;
    p->message = message;
    if (weights_changed) {
      weights_changed = false;
      auto s = std::make_shared<ModelSnapshot>();
      s->version = ++weights_version;
      s->trained = trained;
      s->model.net = learner.net();
      TrainingMeta& m = s->model.meta;
      m.dataset = trained ? config.dataset_name : "";
      m.epochs = static_cast<double>(samples_seen) / config.epoch_size;
      m.test_accuracy = last_eval ? last_eval->accuracy : -1;
      m.test_loss = last_eval ? last_eval->loss : -1;
      m.samples_seen = samples_seen;
      m.optimizer = config.hyper.optimizer;
      m.batch_size = config.hyper.batch_size;
      m.seed = config.seed;
      m.note = trained ? "trained with DigitLab" : "untrained (random initial weights)";
      std::atomic_store(&snapshot, std::shared_ptr<const ModelSnapshot>(std::move(s)));
    }
    // Progress goes out after the snapshot: a reader that sees "finished"
    // is sure to get the final weights.
    std::atomic_store(&progress, std::shared_ptr<const TrainerProgress>(std::move(p)));
  }
};

Trainer::Trainer(TrainerConfig config, std::shared_ptr<const Dataset> train,
                 std::shared_ptr<const Dataset> test, bool threaded) {
  if (!train) throw Error("trainer: no training set");
  impl_ = std::make_unique<Impl>(std::move(config), std::move(train), nullptr, std::move(test), threaded);
}

Trainer::Trainer(TrainerConfig config, std::shared_ptr<SampleCache> cache,
                 std::shared_ptr<const Dataset> test, bool threaded) {
  if (!cache) throw Error("trainer: no sample cache");
  impl_ = std::make_unique<Impl>(std::move(config), nullptr, std::move(cache), std::move(test), threaded);
}

Trainer::~Trainer() = default;

void Trainer::start() {
  impl_->post([i = impl_.get()] {
    if (i->state == RunState::running || i->state == RunState::paused) return;
    i->run_samples = 0;
    i->state = RunState::running;
    i->message.clear();
    i->restart_point();
  });
}
void Trainer::pause() {
  impl_->post([i = impl_.get()] {
    if (i->state == RunState::running) i->state = RunState::paused;
  });
}
void Trainer::resume() {
  impl_->post([i = impl_.get()] {
    if (i->state != RunState::paused) return;
    i->state = RunState::running;
    i->restart_point();
  });
}
void Trainer::stop() {
  impl_->post([i = impl_.get()] {
    if (i->state == RunState::running || i->state == RunState::paused) i->state = RunState::stopped;
    i->pending_steps = 0;
  });
}
void Trainer::reset() {
  impl_->post([i = impl_.get()] { i->fresh_weights(); });
}
void Trainer::step(int batches) {
  impl_->post([i = impl_.get(), batches] {
    if (i->state != RunState::running) i->pending_steps += std::max(0, batches);
  });
}
void Trainer::set_hyperparameters(const Hyperparameters& hyper) {
  check_hyperparameters(hyper);
  impl_->post([i = impl_.get(), hyper] { i->config.hyper = hyper; });
}
void Trainer::set_architecture(const std::vector<int>& hidden, std::uint64_t seed) {
  check_hidden_sizes(hidden);
  impl_->post([i = impl_.get(), hidden, seed] {
    i->config.hidden = hidden;
    i->config.seed = seed;
    i->fresh_weights();
  });
}
void Trainer::load_model(const ModelFile& file) {
  check_model(file.net);
  impl_->post([i = impl_.get(), file] {
    i->config.input_mean = file.net.input_mean;
    i->config.input_std = file.net.input_std;
    i->replace_weights(file.net, file.meta.samples_seen > 0 || !file.meta.dataset.empty(), file.meta.samples_seen);
  });
}
void Trainer::set_test_set(std::shared_ptr<const Dataset> test) {
  impl_->post([i = impl_.get(), test] { i->test = test; });
}
void Trainer::evaluate_now() {
  impl_->post([i = impl_.get()] { i->run_evaluation(); });
}
void Trainer::teach(const Image28& image, int label, int steps) {
  if (label < 0 || label >= kClasses) throw Error("label must be 0-9");
  impl_->post([i = impl_.get(), image, label, steps] { i->teach(image, label, std::clamp(steps, 1, 100)); });
}
void Trainer::add_personal(const Image28& image, int label) {
  if (label < 0 || label >= kClasses) throw Error("label must be 0-9");
  impl_->post([i = impl_.get(), image, label] { i->add_personal(image, label); });
}
void Trainer::clear_personal() {
  impl_->post([i = impl_.get()] { i->personal = Dataset{}; });
}

std::shared_ptr<const TrainerProgress> Trainer::progress() const { return std::atomic_load(&impl_->progress); }
std::shared_ptr<const ModelSnapshot> Trainer::snapshot() const { return std::atomic_load(&impl_->snapshot); }

void Trainer::run_slice(double budget_ms) {
  if (impl_->threaded) throw Error("run_slice is for a trainer built without a thread");
  impl_->run_slice(budget_ms);
}

}  // namespace digitlab
