// Trainer: training on its own thread (an Emscripten pthread in the browser),
// or in time slices on the caller's thread where threads are unavailable.
// Callers send commands that never wait for a batch, and read progress and a
// weights snapshot that are published as immutable objects, so a reader never
// sees a torn model and never waits on training.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "digitlab/augment.h"
#include "digitlab/dataset.h"
#include "digitlab/preprocess.h"
#include "digitlab/teach.h"
#include "digitlab/training.h"
#include "digitlab/weights_io.h"

namespace digitlab {

// A cache of training samples that a client keeps filled (the browser fetches
// blocks from the server). Training draws random minibatches from what is
// there, so it never starves once the cache holds anything; new blocks
// replace the oldest ones.
class SampleCache {
 public:
  explicit SampleCache(std::size_t capacity_samples);
  void add(const Dataset& block);          // any thread
  std::size_t size() const;                // samples held
  std::size_t capacity() const { return capacity_; }
  std::uint64_t samples_added() const;
  // Copies n random samples; false when the cache is empty.
  bool draw(std::size_t n, std::uint64_t& rng, std::uint8_t* images, std::uint8_t* labels) const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Dataset ring_;            // [capacity] slots, filled up to size_
  std::size_t size_ = 0;
  std::size_t next_ = 0;    // slot the next sample overwrites once full
  std::uint64_t added_ = 0;
};

// Settings that apply live, at the next batch.
struct Hyperparameters {
  OptimizerConfig optimizer;
  int batch_size = 64;
  int epochs = 10;
  AugmentConfig augment;
  // Share of every batch that is generated non-digits with a uniform target
  // (outlier exposure), so the net learns to be unsure of what is no digit.
  float non_digits = 0.0f;
};

struct TrainerConfig {
  Architecture arch = preset_architecture("cnn");
  std::uint64_t seed = 1;
  Init init = Init::he_uniform;
  float input_mean = 0.0f;
  float input_std = 1.0f;
  Hyperparameters hyper;
  std::string dataset_name = "mnist";
  std::size_t epoch_size = 0;  // samples per epoch from a cache (0: the data set's size)
  bool evaluate_each_epoch = true;
  // Samples per history point at the start; doubles whenever the bounded
  // history is compacted.
  std::uint64_t history_every = 2048;
  // Threads each batch is split across (a data-parallel Learner): all of a
  // machine's cores for a command-line run, one beside an interface.
  int threads = 1;
  // Let an interface on the same cores keep its frame rate: natively the
  // training thread runs at Linux nice +10; in the browser, where a pthread's
  // priority cannot change, it rests 4 ms after every 12 ms of work.
  bool background_priority = false;
};

// Whether a data set is handwritten digits (anything but Fashion-MNIST's
// photos of clothes): what augmentation and made-up non-digits are for.
bool handwritten_digits(const std::string& dataset_name);
// Whether a net trains with augmentation unless told otherwise: conv nets on
// handwritten digits. The augmentation mimics how people draw (off-centre,
// slanted, sized unlike MNIST); Fashion-MNIST's clothes are photographed
// upright and centred, and the cnn reads them better without it (92.3%
// against 90.7% after 10 epochs).
bool augments_by_default(const Architecture& arch, const std::string& dataset_name);
// DigitLab's settings for a preset's net (preset_names()) on a data set:
// its architecture, standardised inputs, SGD with momentum and a cosine
// schedule over 10 epochs, augmentation as augments_by_default says and,
// for the cnn on handwritten digits, a 0.1 share of generated non-digits
// (reading.h) and weight decay 0.001 (0.0005 for the others).
// mlp reaches >= 98% on MNIST in 10 epochs, cnn-small >= 98.8% and cnn >=
// 99.3% (with or without non-digits; 91% on Fashion-MNIST). Throws Error for an unknown name.
TrainerConfig preset_trainer_config(const std::string& preset, const std::string& dataset_name = "mnist");
// preset_trainer_config("cnn"): the net that reads drawings best.
TrainerConfig default_trainer_config();
// How the `default` model a first visitor draws on is trained (scripts/run.sh
// and scripts/cluster.sh through `digitlab-cli train --seeding`), and the net
// the tests read drawings with: the default net with its defaults for
// kSeedingEpochs epochs. Four epochs take about a minute on two cores and
// reach 99.1% on MNIST; fewer leave the net "not sure" of too many drawn
// digits (docs/benchmarks.md).
constexpr int kSeedingEpochs = 4;
TrainerConfig seeding_trainer_config(const std::string& dataset_name = "mnist");
// The mlp with plain SGD lr 0.1, batch 64, inputs in [0, 1], PyTorch's
// default init: the setting DigitLab is compared with PyTorch in (bench/compare.sh).
TrainerConfig plain_sgd_config();
// Throws Error on an invalid batch size, epoch count, optimizer or augmentation setting.
void check_hyperparameters(const Hyperparameters& hyper);

enum class RunState { idle, running, paused, finished, stopped };
const char* to_string(RunState state);

struct MetricPoint {
  double epoch = 0;        // fractional epochs into the run
  float loss = 0;          // mean training loss since the previous point
  float accuracy = 0;      // training accuracy since the previous point
  float samples_per_s = 0;
  float lr = 0;
};
struct EvalPoint {
  double epoch = 0;
  float accuracy = 0;
  float loss = 0;
};

struct TrainerProgress {
  RunState state = RunState::idle;
  bool threaded = true;
  bool starved = false;        // running but the sample cache is empty
  bool evaluating = false;     // an evaluation is under way (main-loop mode spreads it over slices)
  double epoch = 0;            // fractional epochs done in this run
  int total_epochs = 0;
  std::uint64_t samples_seen = 0;  // since the weights were created or loaded
  std::uint64_t steps = 0;
  float loss = 0;              // recent training loss
  float accuracy = 0;          // recent training accuracy
  float samples_per_s = 0;
  float lr = 0;
  double eta_s = 0;
  std::uint64_t teachings = 0;                   // teach() commands done
  std::shared_ptr<const TeachReport> last_teach;  // the last one's report (null: none yet)
  std::shared_ptr<const std::vector<LabelledDrawing>> personal;  // the personal set, oldest first
  Hyperparameters hyper;
  Architecture arch;
  // Divergence: why the run was paused (loss far above its best, or accuracy
  // at chance), empty otherwise; restore_best() goes back to best_accuracy's weights.
  std::string diverged;
  double best_accuracy = -1;  // best test accuracy of this run (-1: none yet)
  std::vector<MetricPoint> history;  // bounded (kHistoryPoints), whole run at falling resolution
  std::vector<EvalPoint> evals;      // bounded likewise
  std::shared_ptr<const EvalResult> last_eval;
  std::string message;               // last error or notice
};

// A run as far as it got, to carry it over a restart of the program (the
// browser keeps one across page reloads): its state, its place in the run,
// its curves and its last evaluation.
struct RunRecord {
  RunState state = RunState::idle;
  double epoch = 0;
  std::vector<MetricPoint> history;
  std::vector<EvalPoint> evals;
  std::shared_ptr<const EvalResult> last_eval;
};

// A consistent copy of the weights with their metadata.
struct ModelSnapshot {
  std::uint64_t version = 0;  // grows with every published change of the weights
  bool trained = false;       // false for freshly initialised weights
  ModelFile file;
};

class Trainer {
 public:
  static constexpr std::size_t kHistoryPoints = 1024;

  // threaded = false: nothing runs until run_slice() is called.
  Trainer(TrainerConfig config, std::shared_ptr<const Dataset> train,
          std::shared_ptr<const Dataset> test, bool threaded = true);
  Trainer(TrainerConfig config, std::shared_ptr<SampleCache> cache,
          std::shared_ptr<const Dataset> test, bool threaded = true);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Commands: queued, applied by the training loop before its next batch.
  void start();   // begin a run of hyper.epochs epochs from the current weights
  void pause();
  void resume();
  void stop();    // end the run, keep the weights
  void reset();   // fresh weights from the seed, history cleared
  void step(int batches = 1);  // train this many batches while not running
  void set_hyperparameters(const Hyperparameters& hyper);
  void set_architecture(const Architecture& arch, std::uint64_t seed);  // resets
  // Back to the weights of this run's best evaluation (after a divergence, or
  // whenever), keeping the histories; the run pauses. It and resume() start
  // the watch for divergence afresh.
  void restore_best();
  void load_model(const ModelFile& file);  // replaces weights; history cleared
  // Replaces the weights and carries on a saved run at its epoch, with its
  // curves and last evaluation; a run that was running waits paused.
  void continue_run(const ModelFile& file, const RunRecord& run);
  void set_test_set(std::shared_ptr<const Dataset> test);
  void evaluate_now();
  // Teach the net that a drawing is `label` without breaking it
  // (teach_drawing, teach.h: checked on the first 2000 test samples, the
  // previous weights kept on a drop); kept weights add the drawing to the
  // personal set. The report arrives in progress().last_teach.
  void teach(const Image28& image, int label);
  // Add a drawing to the personal set that every batch mixes one sample of
  // (at most BatchSource's 256, the oldest dropped first).
  void add_personal(const Image28& image, int label);
  void clear_personal();

  std::shared_ptr<const TrainerProgress> progress() const;
  std::shared_ptr<const ModelSnapshot> snapshot() const;

  // Main-loop mode: process commands and train for about budget_ms, a piece
  // of a batch at a time (the update comes when the batch is complete, as on
  // the thread). An evaluation under way goes on alongside, in pieces sized
  // to the budget too.
  void run_slice(double budget_ms);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace digitlab
