// A run's training curve and its evaluations, in bounded memory: a point is
// recorded every N samples, and when the history is full neighbouring points
// merge and N doubles, so a run of any length is shown whole at falling
// resolution. It also watches the curve for divergence.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "digitlab/train/trainer.h"

namespace digitlab {

class MetricHistory {
 public:
  explicit MetricHistory(std::uint64_t first_record_every) : first_every_(first_record_every) { clear(); }
  void clear();

  // One trained batch; busy_s is the time it took.
  void add_batch(const BatchStats& stats, double busy_s, double epoch, float lr);
  void add_eval(double epoch, std::shared_ptr<const EvalResult> result);
  // A saved run's curves, `run_samples` into the run (RunRecord).
  void restore(const RunRecord& run, std::uint64_t run_samples);

  const std::vector<MetricPoint>& points() const { return points_; }
  const std::vector<EvalPoint>& evals() const { return evals_; }
  const std::shared_ptr<const EvalResult>& last_eval() const { return last_eval_; }
  // The latest recorded point, if any.
  const MetricPoint* latest() const { return points_.empty() ? nullptr : &points_.back(); }

  // Why the run looks ruined, or empty: a recorded loss far above the run's
  // best, or a recorded training accuracy or an evaluation at chance level
  // after the run had learned.
  const std::string& divergence() const { return divergence_; }
  // The user acted on it (restored weights, resumed): watch afresh, from a
  // point made only of the batches to come (not of the ruinous ones).
  void forget_divergence();

 private:
  void record(double epoch, float lr);
  void drop_unrecorded();  // the batches since the last point

  std::uint64_t first_every_;
  std::uint64_t record_every_ = 0;
  std::vector<MetricPoint> points_;
  std::vector<EvalPoint> evals_;
  std::shared_ptr<const EvalResult> last_eval_;
  double loss_sum_ = 0;
  std::uint64_t correct_ = 0, count_ = 0, scored_ = 0;  // accuracy is correct_ / scored_
  double busy_s_ = 0;
  float best_loss_ = 0;
  double best_accuracy_ = 0;
  float best_train_accuracy_ = 0;
  std::string divergence_;
};

}  // namespace digitlab
