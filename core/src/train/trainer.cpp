// The Trainer's loop: it runs commands, batches and evaluations, and keeps
// the run's bookkeeping. Its other jobs have their own homes: commands queue
// in a CommandQueue, batches come from a BatchSource (order, cache,
// personal set, augmentation, non-digits), a main-loop batch is trained in
// pieces by a PiecedBatch, evaluations and the best weights are kept by
// Evaluations, curves by a MetricHistory, and a Publisher hands readers
// immutable progress and snapshots.
#include "digitlab/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "train/batch_source.h"
#include "train/command_queue.h"
#include "train/evaluations.h"
#include "train/metric_history.h"
#include "train/pieced_batch.h"
#include "train/publisher.h"

namespace digitlab {

namespace {
using Clock = std::chrono::steady_clock;

// Linux keeps a nice value per thread: raising this thread's leaves the rest
// of the process (an interface thread) at its own priority.
void lower_this_thread_priority() {
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

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
  TrainerConfig config;  // its arch, seed, input scaling and hyper change with commands
  const bool threaded;
  // stop() and the destructor cut a batch or an evaluation short with it
  // (interrupt.h): a large net's batch can take seconds. The stop command
  // clears it when the loop runs it.
  Interrupt interrupt;

  // --- owned by the training loop (one thread at a time) ---
  std::shared_ptr<const Dataset> test;
  Learner learner;
  BatchSource source;
  MetricHistory history;
  Evaluations evaluations;
  PiecedBatch pieces;  // main-loop mode
  // The run's state and counts.
  struct Run {
    RunState state = RunState::idle;
    bool trained = false;  // the weights have learned something (not fresh from the seed)
    bool starved = false;  // the sample cache was empty at the last try
    std::string message;
    std::uint64_t samples = 0;       // into this run
    std::uint64_t samples_seen = 0;  // since the weights were created or loaded
    std::uint64_t steps = 0;
    int pending_steps = 0;  // step() batches still to train
  } run;
  // Teaching (teach.h): the validation accuracy a series of teachings is
  // held against, and that of the weights as the last teaching left them
  // (-1: measure at the next one; an evaluation of the slice takes seconds
  // in wasm). Whatever moves the weights forgets both. Then the count and
  // the last report.
  struct Teaching {
    double baseline = -1, accuracy = -1;
    std::size_t validation_size = 0;  // the slice both were measured on
    std::uint64_t count = 0;
    std::shared_ptr<const TeachReport> last;
  } teaching;
  std::vector<float> batch_pixels;  // [batch, 784]
  std::vector<std::uint8_t> batch_labels;
  Publisher publisher;

  // --- commands from other threads ---
  CommandQueue commands;
  std::thread worker;

  Impl(TrainerConfig c, std::shared_ptr<const Dataset> train, std::shared_ptr<SampleCache> cache,
       std::shared_ptr<const Dataset> test_set, bool use_thread)
      : config(std::move(c)), threaded(use_thread), test(std::move(test_set)),
        learner(make_model(config.arch, config.seed, config.input_mean, config.input_std, config.init),
                std::clamp(config.threads, 1, 64)),
        source(std::move(train), std::move(cache)), history(config.history_every), evaluations(&interrupt) {
    learner.set_interrupt(&interrupt);
    check_hyperparameters(config.hyper);
    check_trainable(config.arch, config.hyper.batch_size);
    if (config.epoch_size == 0) config.epoch_size = source.dataset_size() ? source.dataset_size() : 60000;
    restart_run();
    publish(true);
    if (threaded)
      worker = std::thread([this] {
        if (config.background_priority) lower_this_thread_priority();
        loop();
      });
  }

  ~Impl() {
    interrupt.request();
    commands.quit();
    if (worker.joinable()) worker.join();
  }

  void post(std::function<void()> command) { commands.post(std::move(command)); }

  bool active() const { return run.state == RunState::running || run.pending_steps > 0; }

  void run_commands() {
    if (commands.run_all()) publish(true);
  }

  void loop() {
    Clock::time_point busy_since = Clock::now();
    for (;;) {
      if ((!active() || run.starved) && commands.wait(std::chrono::milliseconds(run.starved ? 20 : 1000))) return;
      if (commands.quitting()) return;
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
    // An evaluation under way gets half the slice while a run goes on, all
    // of it otherwise.
    if (evaluations.under_way())
      evaluation_finished(evaluations.advance_for(budget_ms / 1000.0 * (active() ? 0.5 : 1.0)));
    double left_s;
    while (active() && (left_s = budget_ms / 1000.0 - seconds_since(start)) > 0) {
      train_piece(left_s);
      if (run.starved) break;  // the cache is empty: try again next slice
    }
    publish(false);
  }

  // --- the weights ---
  // Training moved the weights: readers get a new snapshot, and the next
  // teaching measures afresh.
  void weights_moved() {
    publisher.weights_moved();
    teaching.baseline = teaching.accuracy = -1;
  }

  // Every path that swaps the weights (fresh, loaded, restored, taught)
  // comes through here: the pieces of a batch computed on the old weights
  // and their pending gradients are dropped, and the weights have moved.
  // A teaching's weights carry the run's optimizer state on; other weights
  // start it over.
  enum class OptimizerState { carries_on, starts_over };
  void weights_replaced(Model model, OptimizerState optimizer) {
    if (optimizer == OptimizerState::carries_on) learner.model().params = std::move(model.params);
    else learner.replace_model(std::move(model));
    pieces.drop(learner);
    weights_moved();
  }

  // Other weights than the run's: they begin with no run and no history.
  void new_weights(Model model, bool is_trained, std::uint64_t seen) {
    config.arch = model.arch;
    weights_replaced(std::move(model), OptimizerState::starts_over);
    run = Run{};
    run.trained = is_trained;
    run.samples_seen = seen;
    restart_run();
  }

  void fresh_weights() {
    new_weights(make_model(config.arch, config.seed, config.input_mean, config.input_std, config.init), false, 0);
  }

  // --- training ---
  void restart_run() {
    pieces.drop(learner);
    source.restart(config.seed);
    run.samples = 0;
    history.clear();
    evaluations.forget();
  }

  double epoch() const { return static_cast<double>(run.samples) / config.epoch_size; }

  // The next batch's samples into batch_pixels / batch_labels; false (and
  // starved) when the cache is empty.
  bool fill_batch(int n) {
    batch_pixels.resize(static_cast<std::size_t>(n) * kImagePixels);
    batch_labels.resize(n);
    const bool was_starved = run.starved;
    run.starved = !source.fill(n, config.hyper, batch_pixels.data(), batch_labels.data());
    if (run.starved != was_starved) publish(true);  // readers learn at once that data ran out (or came back)
    return !run.starved;
  }

  // A whole batch at once (the training thread).
  void train_batch() {
    const Clock::time_point start = Clock::now();
    const int n = config.hyper.batch_size;
    if (!fill_batch(n)) return;
    const float lr = scheduled_lr(config.hyper.optimizer, epoch(), config.hyper.epochs);
    BatchStats stats;
    try {
      stats = learner.train_batch(batch_pixels.data(), batch_labels.data(), n, config.hyper.optimizer, lr);
    } catch (const Interrupted&) {
      return;  // stopped part-way: the weights are as before the batch, which counts for nothing
    }
    finish_batch(stats, seconds_since(start), lr);
  }

  // As much of a batch as fits in left_s seconds, at least one sample
  // (main-loop mode); the update is made when the batch is complete.
  void train_piece(double left_s) {
    if (!pieces.started()) {
      if (!fill_batch(config.hyper.batch_size)) return;
      pieces.start(config.hyper.batch_size, scheduled_lr(config.hyper.optimizer, epoch(), config.hyper.epochs));
    }
    if (const auto done = pieces.advance(learner, batch_pixels.data(), batch_labels.data(), left_s, config.hyper.optimizer))
      finish_batch(done->stats, done->busy_s, done->lr);
  }

  // The bookkeeping of a trained batch: counts, history, epochs, divergence.
  void finish_batch(const BatchStats& stats, double busy_s, float lr) {
    if (!std::isfinite(stats.loss)) {
      // The learner left the weights as they were.
      diverge("the loss is not a number any more");
      return;
    }
    const std::uint64_t before = run.samples;
    run.samples += stats.count;
    run.samples_seen += stats.count;
    ++run.steps;
    run.trained = true;
    weights_moved();
    history.add_batch(stats, busy_s, epoch(), lr);
    // The last of the asked-for steps is news at once (a reader waits for it).
    if (run.pending_steps > 0 && --run.pending_steps == 0) publish(true);
    const std::uint64_t epoch_size = config.epoch_size;
    if (run.samples / epoch_size != before / epoch_size) {
      if (config.evaluate_each_epoch) start_evaluation();
      if (run.state == RunState::running && epoch() >= config.hyper.epochs) {
        run.state = RunState::finished;
        publish(true);
      }
    }
    if (!history.divergence().empty() && run.state == RunState::running) diverge(history.divergence());
  }

  // A run that has gone wrong pauses, says why and what to do.
  void diverge(const std::string& why) {
    if (run.state == RunState::running) run.state = RunState::paused;
    run.pending_steps = 0;
    run.message = "training diverged: " + why + ". Lower the learning rate" +
                  (evaluations.best() ? ", or restore the best weights of this run" : "") + ".";
    publish(true);
  }

  // --- evaluation ---
  void start_evaluation() {
    if (!test || test->size() == 0) return;
    try {
      evaluation_finished(evaluations.start(learner.model(), test, epoch()));
      if (threaded) evaluation_finished(evaluations.finish());
    } catch (const Interrupted&) {
      // Stopped part-way: Evaluations dropped it.
    }
  }

  void evaluation_finished(std::optional<Evaluations::Finished> finished) {
    if (!finished) return;
    history.add_eval(finished->epoch, std::move(finished->result));
    publisher.weights_moved();  // republish the snapshot: its metadata carries the accuracy
    if (!history.divergence().empty() && run.state == RunState::running) diverge(history.divergence());
    publish(true);
  }

  // --- commands that replace the weights ---
  void restore_best() {
    if (!evaluations.best()) {
      run.message = "no evaluation in this run yet: nothing to restore";
      return;
    }
    weights_replaced(*evaluations.best(), OptimizerState::starts_over);
    history.forget_divergence();
    if (run.state == RunState::running) run.state = RunState::paused;
    run.pending_steps = 0;
    char text[96];
    std::snprintf(text, sizeof text, "restored the best weights of this run (test accuracy %.2f%%)",
                  100 * evaluations.best_accuracy());
    run.message = text;
  }

  void continue_run(const ModelFile& file, const RunRecord& record) {
    config.input_mean = file.model.input_mean;
    config.input_std = file.model.input_std;
    new_weights(file.model, true, file.meta.samples_seen);
    run.samples = static_cast<std::uint64_t>(std::max(0.0, record.epoch) * static_cast<double>(config.epoch_size));
    history.restore(record, run.samples);
    run.state = record.state == RunState::running ? RunState::paused : record.state;
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
    if (validation.size() != teaching.validation_size) {
      teaching.baseline = teaching.accuracy = -1;
      teaching.validation_size = validation.size();
    }
    TeachReport report = teach_drawing(taught, input, label, *source.personal(), replay, validation, teaching.baseline,
                                       TeachSettings{}, config.seed + 7919 * ++teaching.count, teaching.accuracy);
    const double baseline = teaching.baseline < 0 ? report.baseline : teaching.baseline;
    if (report.taught && !report.restored) {
      weights_replaced(std::move(taught), OptimizerState::carries_on);
      source.add_personal(image, label);
      run.trained = true;
    }
    if (report.taught) {  // what the series is held against, and where this teaching left the net
      teaching.baseline = baseline;
      teaching.accuracy = report.accuracy_kept();
    }
    teaching.last = std::make_shared<const TeachReport>(std::move(report));
  }

  // --- publishing ---
  void publish(bool force) {
    publisher.publish(force, [this] { return progress(); }, [this] { return snapshot(); });
  }

  std::shared_ptr<TrainerProgress> progress() const {
    auto p = std::make_shared<TrainerProgress>();
    const MetricPoint* latest = history.latest();
    p->state = run.state;
    p->threaded = threaded;
    p->starved = run.starved && active();
    p->evaluating = evaluations.under_way();
    p->epoch = epoch();
    p->total_epochs = config.hyper.epochs;
    p->samples_seen = run.samples_seen;
    p->steps = run.steps;
    p->batch_samples_done = pieces.samples_done();
    p->loss = latest ? latest->loss : 0.0f;
    p->accuracy = latest ? latest->accuracy : 0.0f;
    p->samples_per_s = latest ? latest->samples_per_s : 0.0f;
    p->lr = scheduled_lr(config.hyper.optimizer, epoch(), config.hyper.epochs);
    const double remaining = std::max(0.0, config.hyper.epochs - epoch()) * config.epoch_size;
    p->eta_s = run.state == RunState::running && p->samples_per_s > 0 ? remaining / p->samples_per_s : 0.0;
    p->last_teach = teaching.last;
    p->teachings = teaching.count;
    p->personal = source.personal();
    p->hyper = config.hyper;
    p->arch = config.arch;
    p->history = history.points();
    p->evals = history.evals();
    p->last_eval = history.last_eval();
    p->diverged = history.divergence();
    p->best_accuracy = evaluations.best_accuracy();
    p->message = run.message;
    return p;
  }

  std::shared_ptr<ModelSnapshot> snapshot() const {
    auto s = std::make_shared<ModelSnapshot>();
    s->trained = run.trained;
    s->file.model = learner.model();
    TrainingMeta& m = s->file.meta;
    const auto& last_eval = history.last_eval();
    m.dataset = run.trained ? config.dataset_name : "";
    m.epochs = static_cast<double>(run.samples_seen) / config.epoch_size;
    m.test_accuracy = last_eval ? last_eval->accuracy : -1;
    m.test_loss = last_eval ? last_eval->loss : -1;
    m.samples_seen = run.samples_seen;
    m.optimizer = config.hyper.optimizer;
    m.batch_size = config.hyper.batch_size;
    m.seed = config.seed;
    m.note = run.trained ? "trained with DigitLab" : "untrained (random initial weights)";
    return s;
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
    Impl::Run& run = i->run;
    if (run.state == RunState::running || run.state == RunState::paused) return;
    try {
      check_trainable(i->config.arch, i->config.hyper.batch_size);  // a loaded model may be too large
    } catch (const Error& e) {
      run.message = e.what();
      return;
    }
    i->restart_run();
    run.state = RunState::running;
    run.message.clear();
  });
}
void Trainer::pause() {
  impl_->post([i = impl_.get()] {
    if (i->run.state == RunState::running) i->run.state = RunState::paused;
  });
}
void Trainer::resume() {
  impl_->post([i = impl_.get()] {
    if (i->run.state != RunState::paused) return;
    i->run.state = RunState::running;
    i->run.message.clear();
    i->history.forget_divergence();
  });
}
void Trainer::stop() {
  impl_->interrupt.request();
  impl_->post([i = impl_.get()] {
    i->interrupt.clear();
    if (i->run.state == RunState::running || i->run.state == RunState::paused) i->run.state = RunState::stopped;
    i->run.pending_steps = 0;
  });
}
void Trainer::reset() {
  impl_->post([i = impl_.get()] { i->fresh_weights(); });
}
void Trainer::step(int batches) {
  impl_->post([i = impl_.get(), batches] {
    if (i->run.state != RunState::running) i->run.pending_steps += std::max(0, batches);
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
      i->run.message = e.what();
    }
  });
}
void Trainer::set_architecture(const Architecture& arch, std::uint64_t seed) {
  plan_layers(arch);
  impl_->post([i = impl_.get(), arch, seed] {
    try {
      check_trainable(arch, i->config.hyper.batch_size);
    } catch (const Error& e) {
      i->run.message = e.what();
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
    i->new_weights(file.model, file.meta.samples_seen > 0 || !file.meta.dataset.empty(), file.meta.samples_seen);
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
  impl_->post([i = impl_.get()] { i->start_evaluation(); });
}
void Trainer::teach(const Image28& image, int label) {
  if (label < 0 || label >= kClasses) throw Error("label must be 0-9");
  impl_->post([i = impl_.get(), image, label] { i->teach(image, label); });
}
void Trainer::add_personal(const Image28& image, int label) {
  if (label < 0 || label >= kClasses) throw Error("label must be 0-9");
  impl_->post([i = impl_.get(), image, label] { i->source.add_personal(image, label); });
}
void Trainer::clear_personal() {
  impl_->post([i = impl_.get()] { i->source.clear_personal(); });
}

std::shared_ptr<const TrainerProgress> Trainer::progress() const { return impl_->publisher.progress(); }
std::shared_ptr<const ModelSnapshot> Trainer::snapshot() const { return impl_->publisher.snapshot(); }

void Trainer::run_slice(double budget_ms) {
  if (impl_->threaded) throw Error("run_slice is for a trainer built without a thread");
  impl_->run_slice(budget_ms);
}

}  // namespace digitlab
