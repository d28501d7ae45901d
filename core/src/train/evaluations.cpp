#include "train/evaluations.h"

#include <algorithm>
#include <chrono>

namespace digitlab {

std::optional<Evaluations::Finished> Evaluations::start(const Model& model, std::shared_ptr<const Dataset> test,
                                                        double epoch) {
  std::optional<Finished> previous = finish();
  evaluation_.emplace(model, std::move(test), interrupt_);
  epoch_ = epoch;
  return previous;
}

std::optional<Evaluations::Finished> Evaluations::finish() {
  return evaluation_ ? advance(evaluation_->result().count) : std::nullopt;
}

std::optional<Evaluations::Finished> Evaluations::advance_for(double seconds) {
  if (!evaluation_) return std::nullopt;
  const int piece = seconds_per_sample_ > 0 ? std::max(8, static_cast<int>(std::min(seconds / seconds_per_sample_, 1e9)))
                                            : 16;
  const auto start = std::chrono::steady_clock::now();
  const std::size_t before = evaluation_->evaluated();
  std::optional<Finished> finished = advance(static_cast<std::size_t>(piece));
  const std::size_t done = finished ? finished->result->count - before : evaluation_->evaluated() - before;
  if (done > 0)
    seconds_per_sample_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / done;
  return finished;
}

std::optional<Evaluations::Finished> Evaluations::advance(std::size_t samples) {
  try {
    evaluation_->advance(samples);
  } catch (const Interrupted&) {
    evaluation_.reset();  // its sums are part-way through a piece
    throw;
  }
  if (!evaluation_->done()) return std::nullopt;
  auto result = std::make_shared<const EvalResult>(evaluation_->result());
  if (result->accuracy > best_accuracy_) {
    best_accuracy_ = result->accuracy;
    best_ = evaluation_->model();
  }
  evaluation_.reset();
  return Finished{std::move(result), epoch_};
}

void Evaluations::forget() {
  evaluation_.reset();
  best_.reset();
  best_accuracy_ = -1;
}

}  // namespace digitlab
