// Trainer: training on its own thread (an Emscripten pthread in the browser),
// or in time slices on the caller's thread where threads are unavailable.
// Callers send commands that never wait for a batch, and read progress and a
// weights snapshot that are published as immutable objects, so a reader never
// sees a torn model and never waits on training.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "digitlab/data/dataset.h"
#include "digitlab/data/sample_cache.h"
#include "digitlab/drawing/preprocess.h"
#include "digitlab/io/weights.h"
#include "digitlab/nn/learner.h"
#include "digitlab/train/settings.h"
#include "digitlab/train/teach.h"

namespace digitlab {

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
  int batch_samples_done = 0;      // main-loop mode: samples of the batch under way trained so far
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
  void stop();    // end the run at once (a batch under way is dropped), keep the weights
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
