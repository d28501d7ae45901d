#include "digitlab/nn/learner.h"

#include <algorithm>
#include <cmath>

#include "util/fork_join.h"
#include "nn/network.h"

namespace digitlab {

Learner::Learner(Model model, int threads) {
  threads = std::max(1, threads);
  for (int t = 0; t < threads; ++t) networks_.push_back(std::make_unique<Network>());
  if (threads > 1) threads_ = std::make_unique<ForkJoin>(threads);
  slice_grads_.resize(threads - 1);
  replace_model(std::move(model));
}
Learner::~Learner() = default;
Learner::Learner(Learner&&) noexcept = default;
Learner& Learner::operator=(Learner&&) noexcept = default;

void Learner::replace_model(Model model) {
  model_ = std::move(model);
  grads_.assign(model_.params.size(), 0.0f);
  pending_.clear();
  opt_state_ = OptimizerState{};
}

BatchStats Learner::accumulate_gradients(const float* images, const std::uint8_t* labels, int n, int batch_size) {
  const BatchStats stats = compute_gradients(images, labels, n);
  if (pending_.empty()) pending_.assign(grads_.size(), 0.0f);
  const float share = static_cast<float>(n) / batch_size;  // grads_ is this piece's mean
  for (std::size_t i = 0; i < grads_.size(); ++i) pending_[i] += share * grads_[i];
  return stats;
}

void Learner::apply_pending(const OptimizerConfig& config, float lr) {
  if (!pending_.empty()) optimizer_step(config, lr, model_.params.data(), pending_.data(), pending_.size(), opt_state_);
  pending_.clear();
}

void Learner::discard_pending() { pending_.clear(); }

void Learner::set_interrupt(const Interrupt* interrupt) {
  for (auto& network : networks_) network->set_interrupt(interrupt);
}

BatchStats Learner::compute_gradients(const float* images, const std::uint8_t* labels, int n) {
  const int slices = std::min<int>(static_cast<int>(networks_.size()), n);
  if (slices <= 1) {
    networks_[0]->forward(model_, images, n);
    return networks_[0]->backward(model_, labels, grads_.data());
  }
  // Slice t is samples [n*t/slices, n*(t+1)/slices).
  const auto first = [&](int t) { return static_cast<int>(static_cast<long long>(n) * t / slices); };
  std::vector<BatchStats> stats(slices);
  threads_->run([&](int t) {
    if (t >= slices) return;
    const int lo = first(t), count = first(t + 1) - lo;
    std::vector<float>* out = t == 0 ? &grads_ : &slice_grads_[t - 1];
    out->resize(grads_.size());
    networks_[t]->forward(model_, images + static_cast<std::size_t>(lo) * kImagePixels, count);
    stats[t] = networks_[t]->backward(model_, labels + lo, out->data());
  });
  // grads = sum of each slice's mean gradient weighted by its share, each
  // thread summing its own range of the parameters.
  const std::size_t params = grads_.size();
  threads_->run([&](int t) {
    const std::size_t begin = params * t / threads_->threads(), end = params * (t + 1) / threads_->threads();
    const float share0 = static_cast<float>(first(1)) / n;
    for (std::size_t i = begin; i < end; ++i) grads_[i] *= share0;
    for (int s = 1; s < slices; ++s) {
      const float share = static_cast<float>(first(s + 1) - first(s)) / n;
      const float* g = slice_grads_[s - 1].data();
      for (std::size_t i = begin; i < end; ++i) grads_[i] += share * g[i];
    }
  });
  BatchStats total;
  double loss = 0;
  for (const BatchStats& s : stats) {
    loss += static_cast<double>(s.loss) * s.count;
    total.correct += s.correct;
    total.count += s.count;
    total.scored += s.scored;
  }
  total.loss = static_cast<float>(loss / total.count);
  return total;
}

BatchStats Learner::train_batch(const float* images, const std::uint8_t* labels, int n,
                                const OptimizerConfig& config, float lr) {
  const BatchStats stats = compute_gradients(images, labels, n);
  if (!std::isfinite(stats.loss)) return stats;  // diverged: leave the weights as they are
  optimizer_step(config, lr, model_.params.data(), grads_.data(), grads_.size(), opt_state_);
  return stats;
}

namespace {
constexpr int kEvalChunk = 64;  // activations of a cnn: ~13 MB

// Accumulates predictions, confusion, loss and hits of samples [begin, end).
void evaluate_range(Network& network, const Model& model, const Dataset& data, std::size_t begin, std::size_t end,
                    EvalResult& result, double& loss_sum, std::size_t& correct) {
  std::vector<float> pixels(static_cast<std::size_t>(kEvalChunk) * kImagePixels), logp(kEvalChunk * kClasses);
  for (std::size_t start = begin; start < end; start += kEvalChunk) {
    const int n = static_cast<int>(std::min<std::size_t>(kEvalChunk, end - start));
    for (int r = 0; r < n; ++r) image_to_unit(data.image(start + r), pixels.data() + r * kImagePixels);
    network.forward(model, pixels.data(), n);
    const std::uint8_t* labels = data.labels.data() + start;
    const BatchStats stats = network.loss(labels, logp.data());
    loss_sum += static_cast<double>(stats.loss) * n;
    correct += stats.correct;
    for (int r = 0; r < n; ++r) {
      const int guess = argmax10(logp.data() + r * kClasses);
      result.predicted[start + r] = static_cast<std::uint8_t>(guess);
      ++result.confusion[labels[r]][guess];
    }
  }
  const std::size_t seen = end;  // ranges are evaluated in order from 0
  if (seen > 0) {
    result.accuracy = static_cast<double>(correct) / seen;
    result.loss = loss_sum / seen;
  }
}
}  // namespace

EvalResult evaluate(const Model& model, const Dataset& data) {
  EvalResult result;
  result.count = data.size();
  result.predicted.resize(data.size());
  double loss_sum = 0;
  std::size_t correct = 0;
  Network network;
  evaluate_range(network, model, data, 0, data.size(), result, loss_sum, correct);
  return result;
}

Evaluation::Evaluation(Model model, std::shared_ptr<const Dataset> data, const Interrupt* interrupt)
    : model_(std::move(model)), data_(std::move(data)), network_(std::make_unique<Network>()) {
  network_->set_interrupt(interrupt);
  result_.count = data_->size();
  result_.predicted.resize(data_->size());
}

Evaluation::~Evaluation() = default;
Evaluation::Evaluation(Evaluation&&) noexcept = default;
Evaluation& Evaluation::operator=(Evaluation&&) noexcept = default;

void Evaluation::advance(std::size_t max_samples) {
  const std::size_t end = std::min(data_->size(), next_ + max_samples);
  evaluate_range(*network_, model_, *data_, next_, end, result_, loss_sum_, correct_);
  next_ = end;
}

}  // namespace digitlab
