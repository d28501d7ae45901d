#include "train/metric_history.h"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <limits>

namespace digitlab {

namespace {
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

// A recorded loss this many times the run's best (and above chance level's
// 2.3) means the learning rate has thrown the net out of its minimum.
constexpr float kDivergedLossRatio = 4.0f;
constexpr float kChanceLoss = 2.303f;  // -log(1/10)
}  // namespace

void MetricHistory::drop_unrecorded() {
  loss_sum_ = 0;
  correct_ = count_ = scored_ = 0;
  busy_s_ = 0;
}

void MetricHistory::clear() {
  record_every_ = std::max<std::uint64_t>(1, first_every_);
  points_.clear();
  evals_.clear();
  last_eval_.reset();
  drop_unrecorded();
  best_loss_ = std::numeric_limits<float>::infinity();
  best_accuracy_ = 0;
  best_train_accuracy_ = 0;
  divergence_.clear();
}

void MetricHistory::forget_divergence() {
  divergence_.clear();
  drop_unrecorded();
}

void MetricHistory::add_batch(const BatchStats& stats, double busy_s, double epoch, float lr) {
  loss_sum_ += static_cast<double>(stats.loss) * stats.count;
  correct_ += stats.correct;
  count_ += stats.count;
  scored_ += stats.scored;
  busy_s_ += busy_s;
  if (count_ >= record_every_) record(epoch, lr);
}

void MetricHistory::record(double epoch, float lr) {
  MetricPoint p;
  p.epoch = epoch;
  p.loss = static_cast<float>(loss_sum_ / count_);
  p.accuracy = scored_ ? static_cast<float>(correct_) / scored_ : 0.0f;
  p.samples_per_s = busy_s_ > 0 ? static_cast<float>(count_ / busy_s_) : 0.0f;
  p.lr = lr;
  points_.push_back(p);
  if (points_.size() >= Trainer::kHistoryPoints) {
    compact(points_, [](const MetricPoint& a, const MetricPoint& b) {
      return MetricPoint{b.epoch, (a.loss + b.loss) / 2, (a.accuracy + b.accuracy) / 2,
                         (a.samples_per_s + b.samples_per_s) / 2, b.lr};
    });
    record_every_ *= 2;
  }
  drop_unrecorded();
  if (divergence_.empty() && p.loss > kChanceLoss && p.loss > kDivergedLossRatio * best_loss_) {
    char text[160];
    std::snprintf(text, sizeof text, "the training loss jumped to %.2f from %.2f earlier in this run", p.loss, best_loss_);
    divergence_ = text;
  }
  // A net whose units all died (a huge step through the ReLUs) answers the
  // same for every image: its loss stays near chance, not far above it, but
  // its training accuracy falls to chance.
  if (divergence_.empty() && best_train_accuracy_ >= 0.5f && p.accuracy <= 0.15f) {
    char text[160];
    std::snprintf(text, sizeof text, "training accuracy fell to %.1f%% (chance level) from %.1f%% earlier in this run",
                  100 * p.accuracy, 100 * best_train_accuracy_);
    divergence_ = text;
  }
  best_loss_ = std::min(best_loss_, p.loss);
  best_train_accuracy_ = std::max(best_train_accuracy_, p.accuracy);
}

void MetricHistory::add_eval(double epoch, std::shared_ptr<const EvalResult> result) {
  evals_.push_back({epoch, static_cast<float>(result->accuracy), static_cast<float>(result->loss)});
  if (evals_.size() >= Trainer::kHistoryPoints) compact(evals_, [](const EvalPoint&, const EvalPoint& b) { return b; });
  if (divergence_.empty() && best_accuracy_ >= 0.5 && result->accuracy <= 0.15) {
    char text[160];
    std::snprintf(text, sizeof text, "test accuracy fell to %.1f%% (chance level) from %.1f%% earlier in this run",
                  100 * result->accuracy, 100 * best_accuracy_);
    divergence_ = text;
  }
  best_accuracy_ = std::max(best_accuracy_, result->accuracy);
  last_eval_ = std::move(result);
}

void MetricHistory::restore(const RunRecord& run, std::uint64_t run_samples) {
  clear();
  points_ = run.history;
  evals_ = run.evals;
  while (points_.size() >= Trainer::kHistoryPoints) points_.erase(points_.begin(), points_.begin() + points_.size() / 2);
  while (evals_.size() >= Trainer::kHistoryPoints) evals_.erase(evals_.begin(), evals_.begin() + evals_.size() / 2);
  // The spacing the run had reached: doubled once per compaction.
  while (run_samples / record_every_ >= Trainer::kHistoryPoints) record_every_ *= 2;
  for (const MetricPoint& p : points_) best_loss_ = std::min(best_loss_, p.loss);
  for (const EvalPoint& e : evals_) best_accuracy_ = std::max(best_accuracy_, static_cast<double>(e.accuracy));
  last_eval_ = run.last_eval;
}

}  // namespace digitlab
