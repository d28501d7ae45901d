#include "digitlab/training.h"

#include <algorithm>
#include <cmath>

#include "layers.h"
#include "loss.h"

namespace digitlab {

Learner::Learner(Mlp net) { replace_net(std::move(net)); }

void Learner::replace_net(Mlp net) {
  net_ = std::move(net);
  grads_.assign(net_.params.size(), 0.0f);
  opt_state_ = OptimizerState{};
  batch_capacity_ = 0;
  acts_.assign(net_.sizes.size(), {});
  dacts_.assign(net_.sizes.size(), {});
  int widest = 0;
  for (int l = 1; l < net_.num_layers(); ++l) widest = std::max(widest, net_.sizes[l] * net_.sizes[l + 1]);
  transposed_.assign(widest, 0.0f);
}

void Learner::ensure_batch(int n) {
  if (n <= batch_capacity_) return;
  for (std::size_t l = 0; l < net_.sizes.size(); ++l) {
    acts_[l].assign(static_cast<std::size_t>(n) * net_.sizes[l], 0.0f);
    dacts_[l].assign(static_cast<std::size_t>(n) * net_.sizes[l], 0.0f);
  }
  batch_capacity_ = n;
}

BatchStats Learner::compute_gradients(const float* images, const std::uint8_t* labels, int n) {
  ensure_batch(n);
  const int layers = net_.num_layers();
  // forward, keeping every layer's output for backward: acts_[0] is the
  // scaled input [n, 784], acts_[layers] the logits [n, 10]
  scale_input(acts_[0].data(), images, n, net_);
  for (int l = 0; l < layers; ++l) {
    linear_forward(acts_[l + 1].data(), acts_[l].data(), net_.layer(l), n);
    if (l + 1 < layers) relu_forward(acts_[l + 1].data(), acts_[l + 1].data(), n * net_.sizes[l + 1]);
  }
  // loss: dacts_[top] holds log-probabilities, then their gradient
  BatchStats stats;
  stats.count = n;
  float* top = dacts_[layers].data();
  stats.loss = log_softmax_nll_forward(top, acts_[layers].data(), labels, n, kClasses, &stats.correct);
  log_softmax_nll_backward(top, top, labels, n, kClasses);
  // backward
  const Mlp& net = net_;
  for (int l = layers - 1; l >= 0; --l) {
    const ConstLinearView layer = net.layer(l);
    float* dw = grads_.data() + (layer.w - net.params.data());  // grads_ mirrors params
    float* db = grads_.data() + (layer.b - net.params.data());
    float* din = l > 0 ? dacts_[l].data() : nullptr;
    linear_backward(din, dw, db, dacts_[l + 1].data(), acts_[l].data(), layer, n, transposed_.data());
    if (din) relu_backward(din, din, acts_[l].data(), n * net_.sizes[l]);
  }
  return stats;
}

BatchStats Learner::train_batch(const float* images, const std::uint8_t* labels, int n,
                                const OptimizerConfig& config, float lr) {
  const BatchStats stats = compute_gradients(images, labels, n);
  if (!std::isfinite(stats.loss)) return stats;  // diverged: leave the weights as they are
  optimizer_step(config, lr, net_.params.data(), grads_.data(), grads_.size(), opt_state_);
  return stats;
}

namespace {
// Accumulates predictions, confusion, loss and hits of samples [begin, end).
void evaluate_range(const Mlp& net, const Dataset& data, std::size_t begin, std::size_t end, EvalResult& result,
                    double& loss_sum, std::size_t& correct) {
  constexpr int kChunk = 256;
  int widest = 0;
  for (int s : net.sizes) widest = std::max(widest, s);
  std::vector<float> a(static_cast<std::size_t>(kChunk) * widest), b(a.size()), logp(kChunk * kClasses);
  for (std::size_t start = begin; start < end; start += kChunk) {
    const int n = static_cast<int>(std::min<std::size_t>(kChunk, end - start));
    for (int r = 0; r < n; ++r) image_to_unit(data.image(start + r), b.data() + r * kImagePixels);
    scale_input(a.data(), b.data(), n, net);
    const float* logits = mlp_forward(net, n, a.data(), b.data());
    const std::uint8_t* labels = data.labels.data() + start;
    int hits = 0;
    loss_sum += static_cast<double>(log_softmax_nll_forward(logp.data(), logits, labels, n, kClasses, &hits)) * n;
    correct += hits;
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

EvalResult evaluate(const Mlp& net, const Dataset& data) {
  EvalResult result;
  result.count = data.size();
  result.predicted.resize(data.size());
  double loss_sum = 0;
  std::size_t correct = 0;
  evaluate_range(net, data, 0, data.size(), result, loss_sum, correct);
  return result;
}

Evaluation::Evaluation(Mlp net, std::shared_ptr<const Dataset> data) : net_(std::move(net)), data_(std::move(data)) {
  result_.count = data_->size();
  result_.predicted.resize(data_->size());
}

void Evaluation::advance(std::size_t max_samples) {
  const std::size_t end = std::min(data_->size(), next_ + max_samples);
  evaluate_range(net_, *data_, next_, end, result_, loss_sum_, correct_);
  next_ = end;
}

}  // namespace digitlab
