// The Trainer's command/publish loop. Its other jobs have their own homes:
// batches come from a BatchSource (order, cache, personal set,
// augmentation) and curves from a MetricHistory; this file runs commands,
// batches and evaluations and publishes what readers see.
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

#include "batch_source.h"
#include "metric_history.h"

namespace digitlab {

namespace {
using Clock = std::chrono::steady_clock;
constexpr double kPublishSeconds = 0.05;  // progress and weights reach readers at 20 Hz

// Linux keeps a nice value per thread: raising this thread's leaves the rest
// of the process (an interface thread) at its own priority.
void lower_this_thread_priority() {
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

bool handwritten_digits(const std::string& dataset_name) { return dataset_name.rfind("fashion", 0) != 0; }

bool augments_by_default(const Architecture& arch, const std::string& dataset_name) {
  return is_convolutional(arch) && handwritten_digits(dataset_name);
}

TrainerConfig preset_trainer_config(const std::string& preset, const std::string& dataset_name) {
  TrainerConfig c;
  c.arch = preset_architecture(preset);
  c.dataset_name = dataset_name;
  c.input_mean = 0.1307f;  // MNIST's pixel mean and std: standardised inputs
  c.input_std = 0.3081f;
  OptimizerConfig& o = c.hyper.optimizer;
  o.kind = OptimizerKind::momentum;
  o.momentum = 0.9f;
  o.schedule = Schedule::cosine;
  o.lr = is_convolutional(c.arch) ? 0.03f : 0.05f;
  c.hyper.batch_size = 64;
  c.hyper.epochs = 10;
  c.hyper.augment.enabled = augments_by_default(c.arch, dataset_name);
  // Generated non-digits let the pad say "not sure" (reading.h). Only the
  // cnn has room for them: they cost it about 0.2 points on MNIST, the
  // cnn-small 1.3 and the mlp 0.3 (docs/benchmarks.md).
  c.hyper.non_digits = preset == "cnn" && handwritten_digits(dataset_name) ? 0.1f : 0.0f;
  // With non-digits to learn as well, the cnn reads MNIST best with twice
  // the weight decay and loss.h's margin for non-digits (five runs:
  // 99.24-99.39%, mean 99.32%, against 99.15-99.26% without either; without
  // non-digits both decays give 99.49%).
  o.weight_decay = c.hyper.non_digits > 0 ? 1e-3f : 5e-4f;
  return c;
}

TrainerConfig default_trainer_config() { return preset_trainer_config("cnn"); }

TrainerConfig seeding_trainer_config(const std::string& dataset_name) {
  TrainerConfig c = preset_trainer_config("cnn", dataset_name);
  c.hyper.epochs = kSeedingEpochs;
  return c;
}

TrainerConfig plain_sgd_config() {
  TrainerConfig c;
  c.arch = preset_architecture("mlp");
  c.init = Init::torch_linear;
  c.hyper.optimizer.kind = OptimizerKind::sgd;
  c.hyper.optimizer.lr = 0.1f;
  c.hyper.batch_size = 64;
  c.hyper.epochs = 10;
  return c;
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

  // --- owned by the training loop (one thread at a time) ---
  std::shared_ptr<const Dataset> test;
  Learner learner;
  BatchSource source;
  MetricHistory history;
  RunState state = RunState::idle;
  bool trained = false;
  bool starved = false;
  std::string message;
  std::uint64_t run_samples = 0, samples_seen = 0, steps = 0;
  int pending_steps = 0;
  // Teaching (teach.h): the validation accuracy a series of teachings is
  // held against, and that of the weights as the last teaching left them
  // (-1: measure at the next one; an evaluation of the slice takes seconds
  // in wasm). Whatever moves the weights forgets both. Then the last report.
  struct TeachMemory {
    double baseline = -1, accuracy = -1;
    std::size_t validation_size = 0;  // the slice both were measured on
  } teach_memory;
  std::uint64_t teachings = 0;
  std::shared_ptr<const TeachReport> last_teach;
  std::shared_ptr<const std::vector<LabelledDrawing>> personal = std::make_shared<std::vector<LabelledDrawing>>();
  std::vector<float> batch_pixels;  // [batch, 784]
  std::vector<std::uint8_t> batch_labels;
  // Main-loop mode trains a batch in pieces that fit a frame's budget (a
  // conv net's whole batch can take longer than a frame): how far this one
  // has got, and the time a sample takes, which sizes the next piece.
  struct PartialBatch {
    int size = 0, done = 0;
    float lr = 0;
    double loss_sum = 0, busy_s = 0;
    int correct = 0, scored = 0;
  };
  std::optional<PartialBatch> partial;
  double seconds_per_sample = 0, eval_seconds_per_sample = 0;
  std::optional<Evaluation> evaluation;  // under way: whole at once when threaded, sliced otherwise
  double evaluation_epoch = 0;
  std::optional<Model> best;  // weights of this run's best evaluation
  double best_accuracy = -1;
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

  Impl(TrainerConfig c, std::shared_ptr<const Dataset> train, std::shared_ptr<SampleCache> cache,
       std::shared_ptr<const Dataset> test_set, bool use_thread)
      : config(std::move(c)), threaded(use_thread), test(std::move(test_set)),
        learner(make_model(config.arch, config.seed, config.input_mean, config.input_std, config.init),
                std::clamp(config.threads, 1, 64)),
        source(std::move(train), std::move(cache)), history(config.history_every) {
    check_hyperparameters(config.hyper);
    check_trainable(config.arch, config.hyper.batch_size);
    if (config.epoch_size == 0) config.epoch_size = source.dataset_size() ? source.dataset_size() : 60000;
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
    if (evaluation) {
      // An evaluation under way gets half the slice while a run goes on, all
      // of it otherwise, in pieces sized by the time a sample takes.
      const double share_s = budget_ms / 1000.0 * (active() ? 0.5 : 1.0);
      const int piece = eval_seconds_per_sample > 0
                            ? std::max(8, static_cast<int>(share_s / eval_seconds_per_sample))
                            : 16;
      const Clock::time_point eval_start = Clock::now();
      const std::size_t before = evaluation->evaluated();
      advance_evaluation(static_cast<std::size_t>(piece));
      const std::size_t done = evaluation ? evaluation->evaluated() - before : piece;
      if (done > 0) eval_seconds_per_sample = seconds_since(eval_start) / done;
    }
    double left_s;
    while (active() && (left_s = budget_ms / 1000.0 - seconds_since(start)) > 0) {
      train_piece(left_s);
      if (starved) break;  // the cache is empty: try again next slice
    }
    publish(false);
  }

  // --- training ---
  void reset_run_data() {
    partial.reset();
    learner.discard_pending();
    source.restart(config.seed);
    run_samples = 0;
    history.clear();
    evaluation.reset();
    best.reset();
    best_accuracy = -1;
  }

  double epoch() const { return static_cast<double>(run_samples) / config.epoch_size; }

  // The next batch's samples into batch_pixels / batch_labels; false (and
  // starved) when the cache is empty.
  bool fill_batch(int n) {
    batch_pixels.resize(static_cast<std::size_t>(n) * kImagePixels);
    batch_labels.resize(n);
    const bool was_starved = starved;
    starved = !source.fill(n, config.hyper, batch_pixels.data(), batch_labels.data());
    if (starved != was_starved) publish(true);  // readers learn at once that data ran out (or came back)
    return !starved;
  }

  // A whole batch at once (the training thread).
  void train_batch() {
    const Clock::time_point start = Clock::now();
    const int n = config.hyper.batch_size;
    if (!fill_batch(n)) return;
    const float lr = scheduled_lr(config.hyper.optimizer, epoch(), config.hyper.epochs);
    const BatchStats stats = learner.train_batch(batch_pixels.data(), batch_labels.data(), n, config.hyper.optimizer, lr);
    finish_batch(stats, seconds_since(start), lr);
  }

  // As much of a batch as fits in left_s seconds, at least one sample
  // (main-loop mode); the update is made when the batch is complete.
  void train_piece(double left_s) {
    if (!partial) {
      const int n = config.hyper.batch_size;
      if (!fill_batch(n)) return;
      partial = PartialBatch{n, 0, scheduled_lr(config.hyper.optimizer, epoch(), config.hyper.epochs)};
    }
    PartialBatch& b = *partial;
    const int left = b.size - b.done;
    const int piece = seconds_per_sample > 0 ? std::clamp(static_cast<int>(left_s / seconds_per_sample), 1, left)
                                             : std::min(left, 4);
    const Clock::time_point start = Clock::now();
    const BatchStats stats = learner.accumulate_gradients(
        batch_pixels.data() + static_cast<std::size_t>(b.done) * kImagePixels, batch_labels.data() + b.done, piece,
        b.size);
    const double took = seconds_since(start);
    seconds_per_sample = seconds_per_sample > 0 ? 0.7 * seconds_per_sample + 0.3 * took / piece : took / piece;
    b.done += piece;
    b.loss_sum += static_cast<double>(stats.loss) * piece;
    b.correct += stats.correct;
    b.scored += stats.scored;
    b.busy_s += took;
    if (b.done < b.size) return;
    const BatchStats whole{static_cast<float>(b.loss_sum / b.size), b.correct, b.size, b.scored};
    if (std::isfinite(whole.loss)) learner.apply_pending(config.hyper.optimizer, b.lr);
    else learner.discard_pending();
    const PartialBatch done = b;
    partial.reset();
    finish_batch(whole, done.busy_s, done.lr);
  }

  // The bookkeeping of a trained batch: counts, history, epochs, divergence.
  void finish_batch(const BatchStats& stats, double busy_s, float lr) {
    const int n = stats.count;
    if (!std::isfinite(stats.loss)) {
      // The learner left the weights as they were.
      diverge("the loss is not a number any more");
      return;
    }
    const std::uint64_t before = run_samples;
    run_samples += n;
    samples_seen += n;
    ++steps;
    trained = true;
    weights_changed = true;
    teach_memory = {};  // training moved the weights: the next teaching measures afresh
    history.add_batch(stats, busy_s, epoch(), lr);
    // The last of the asked-for steps is news at once (a reader waits for it).
    if (pending_steps > 0 && --pending_steps == 0) publish(true);
    const std::uint64_t epoch_size = config.epoch_size;
    if (run_samples / epoch_size != before / epoch_size) {
      if (config.evaluate_each_epoch) run_evaluation();
      if (state == RunState::running && epoch() >= config.hyper.epochs) {
        state = RunState::finished;
        publish(true);
      }
    }
    if (!history.divergence().empty() && state == RunState::running) diverge(history.divergence());
  }

  // A run that has gone wrong pauses, says why and what to do.
  void diverge(const std::string& why) {
    if (state == RunState::running) state = RunState::paused;
    pending_steps = 0;
    message = "training diverged: " + why + ". Lower the learning rate" +
              (best ? ", or restore the best weights of this run" : "") + ".";
    publish(true);
  }

  // Starts an evaluation of the current weights on the test set.
  void run_evaluation() {
    if (!test || test->size() == 0) return;
    if (evaluation) advance_evaluation(evaluation->result().count);  // never drop one still under way
    evaluation.emplace(learner.model(), test);
    evaluation_epoch = epoch();
    if (threaded) advance_evaluation(test->size());
  }

  void advance_evaluation(std::size_t samples) {
    if (!evaluation) return;
    evaluation->advance(samples);
    if (!evaluation->done()) return;
    auto result = std::make_shared<const EvalResult>(evaluation->result());
    if (result->accuracy > best_accuracy) {
      best_accuracy = result->accuracy;
      best = evaluation->model();
    }
    evaluation.reset();
    history.add_eval(evaluation_epoch, std::move(result));
    weights_changed = true;  // republish the snapshot: its metadata carries the accuracy
    if (!history.divergence().empty() && state == RunState::running) diverge(history.divergence());
    publish(true);
  }

  void replace_weights(Model model, bool is_trained, std::uint64_t seen) {
    config.arch = model.arch;
    learner.replace_model(std::move(model));
    partial.reset();
    trained = is_trained;
    samples_seen = seen;
    steps = 0;
    state = RunState::idle;
    pending_steps = 0;
    starved = false;
    message.clear();
    weights_changed = true;
    teach_memory = {};
    reset_run_data();
  }

  void fresh_weights() {
    replace_weights(make_model(config.arch, config.seed, config.input_mean, config.input_std, config.init), false, 0);
  }

  void restore_best() {
    if (!best) {
      message = "no evaluation in this run yet: nothing to restore";
      return;
    }
    learner.replace_model(*best);
    partial.reset();
    history.forget_divergence();
    teach_memory = {};
    if (state == RunState::running) state = RunState::paused;
    pending_steps = 0;
    weights_changed = true;
    char text[96];
    std::snprintf(text, sizeof text, "restored the best weights of this run (test accuracy %.2f%%)", 100 * best_accuracy);
    message = text;
  }

  void continue_run(const ModelFile& file, const RunRecord& run) {
    config.input_mean = file.model.input_mean;
    config.input_std = file.model.input_std;
    replace_weights(file.model, true, file.meta.samples_seen);
    run_samples = static_cast<std::uint64_t>(std::max(0.0, run.epoch) * static_cast<double>(config.epoch_size));
    history.restore(run, run_samples);
    state = run.state == RunState::running ? RunState::paused : run.state;
  }

  // Teaches the drawing between batches, mixed with the personal set and
  // samples replayed from this trainer's own source; kept weights take the
  // drawing into the personal set.
  void teach(const Image28& image, int label) {
    NetInput input;
    input.status = InputStatus::ready;
    input.image = image;
    Model taught = learner.model();
    const ReplaySamples replay = [this](int n, float* pixels, std::uint8_t* labels) {
      return source.fill(n, config.hyper, pixels, labels);
    };
    const Dataset validation = test ? validation_slice(*test) : Dataset{};
    if (validation.size() != teach_memory.validation_size) teach_memory = TeachMemory{-1, -1, validation.size()};
    TeachReport report = teach_drawing(taught, input, label, *personal, replay, validation, teach_memory.baseline,
                                       TeachSettings{}, config.seed + 7919 * ++teachings, teach_memory.accuracy);
    if (report.taught) {
      if (teach_memory.baseline < 0) teach_memory.baseline = report.baseline;
      teach_memory.accuracy = report.accuracy_kept();
    }
    if (report.taught && !report.restored) {
      learner.model().params = std::move(taught.params);  // a run's optimizer state carries on
      add_personal(image, label);
      trained = true;
      weights_changed = true;
    }
    last_teach = std::make_shared<const TeachReport>(std::move(report));
  }

  void add_personal(const Image28& image, int label) {
    source.add_personal(image, label);
    auto drawings = std::make_shared<std::vector<LabelledDrawing>>(*personal);
    if (drawings->size() >= BatchSource::kMaxPersonal) drawings->erase(drawings->begin());  // as the source drops it
    drawings->push_back({image, label});
    personal = std::move(drawings);
  }

  void clear_personal() {
    source.clear_personal();
    personal = std::make_shared<std::vector<LabelledDrawing>>();
  }

  // --- publishing ---
  void publish(bool force) {
    if (!force && seconds_since(last_publish) < kPublishSeconds) return;
    last_publish = Clock::now();
    auto p = std::make_shared<TrainerProgress>();
    const MetricPoint* latest = history.latest();
    p->state = state;
    p->threaded = threaded;
    p->starved = starved && active();
    p->evaluating = evaluation.has_value();
    p->epoch = epoch();
    p->total_epochs = config.hyper.epochs;
    p->samples_seen = samples_seen;
    p->steps = steps;
    p->loss = latest ? latest->loss : 0.0f;
    p->accuracy = latest ? latest->accuracy : 0.0f;
    p->samples_per_s = latest ? latest->samples_per_s : 0.0f;
    p->lr = scheduled_lr(config.hyper.optimizer, epoch(), config.hyper.epochs);
    const double remaining = std::max(0.0, config.hyper.epochs - epoch()) * config.epoch_size;
    p->eta_s = state == RunState::running && p->samples_per_s > 0 ? remaining / p->samples_per_s : 0.0;
    p->last_teach = last_teach;
    p->teachings = teachings;
    p->personal = personal;
    p->hyper = config.hyper;
    p->arch = config.arch;
    p->history = history.points();
    p->evals = history.evals();
    p->last_eval = history.last_eval();
    p->diverged = history.divergence();
    p->best_accuracy = best_accuracy;
    p->message = message;
    if (weights_changed) {
      weights_changed = false;
      auto s = std::make_shared<ModelSnapshot>();
      s->version = ++weights_version;
      s->trained = trained;
      s->file.model = learner.model();
      TrainingMeta& m = s->file.meta;
      const auto& last_eval = history.last_eval();
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
    try {
      check_trainable(i->config.arch, i->config.hyper.batch_size);  // a loaded model may be too large
    } catch (const Error& e) {
      i->message = e.what();
      return;
    }
    i->reset_run_data();
    i->state = RunState::running;
    i->message.clear();
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
    i->message.clear();
    i->history.forget_divergence();
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
// The checks run on the caller's thread, so a bad setting throws there and
// changes nothing; the training loop re-checks against its own state.
void Trainer::set_hyperparameters(const Hyperparameters& hyper) {
  check_hyperparameters(hyper);
  impl_->post([i = impl_.get(), hyper] {
    try {
      check_trainable(i->config.arch, hyper.batch_size);
      i->config.hyper = hyper;
    } catch (const Error& e) {
      i->message = e.what();
    }
  });
}
void Trainer::set_architecture(const Architecture& arch, std::uint64_t seed) {
  plan_layers(arch);
  impl_->post([i = impl_.get(), arch, seed] {
    try {
      check_trainable(arch, i->config.hyper.batch_size);
    } catch (const Error& e) {
      i->message = e.what();
      return;
    }
    i->config.arch = arch;
    i->config.seed = seed;
    i->fresh_weights();
  });
}
void Trainer::restore_best() {
  impl_->post([i = impl_.get()] { i->restore_best(); });
}
void Trainer::load_model(const ModelFile& file) {
  check_model(file.model);
  impl_->post([i = impl_.get(), file] {
    i->config.input_mean = file.model.input_mean;
    i->config.input_std = file.model.input_std;
    i->replace_weights(file.model, file.meta.samples_seen > 0 || !file.meta.dataset.empty(), file.meta.samples_seen);
  });
}
void Trainer::continue_run(const ModelFile& file, const RunRecord& run) {
  check_model(file.model);
  impl_->post([i = impl_.get(), file, run] { i->continue_run(file, run); });
}
void Trainer::set_test_set(std::shared_ptr<const Dataset> test) {
  impl_->post([i = impl_.get(), test] { i->test = test; });
}
void Trainer::evaluate_now() {
  impl_->post([i = impl_.get()] { i->run_evaluation(); });
}
void Trainer::teach(const Image28& image, int label) {
  if (label < 0 || label >= kClasses) throw Error("label must be 0-9");
  impl_->post([i = impl_.get(), image, label] { i->teach(image, label); });
}
void Trainer::add_personal(const Image28& image, int label) {
  if (label < 0 || label >= kClasses) throw Error("label must be 0-9");
  impl_->post([i = impl_.get(), image, label] { i->add_personal(image, label); });
}
void Trainer::clear_personal() {
  impl_->post([i = impl_.get()] { i->clear_personal(); });
}

std::shared_ptr<const TrainerProgress> Trainer::progress() const { return std::atomic_load(&impl_->progress); }
std::shared_ptr<const ModelSnapshot> Trainer::snapshot() const { return std::atomic_load(&impl_->snapshot); }

void Trainer::run_slice(double budget_ms) {
  if (impl_->threaded) throw Error("run_slice is for a trainer built without a thread");
  impl_->run_slice(budget_ms);
}

}  // namespace digitlab
