#include "nn/loss.h"

#include <cmath>

namespace digitlab {

namespace {
// Whether a uniform-target row of log-probabilities has met its target.
bool uniform_target_met(const float* logp, int classes) {
  float top = logp[0];
  for (int c = 1; c < classes; ++c) top = logp[c] > top ? logp[c] : top;
  return std::exp(top) < kUniformTargetMet;
}
}  // namespace

void log_softmax_row(float* out, const float* in, int classes) {
  float max = in[0];
  for (int c = 1; c < classes; ++c) max = in[c] > max ? in[c] : max;
  float sum = 0.0f;
  for (int c = 0; c < classes; ++c) sum += std::exp(in[c] - max);
  const float log_sum = max + std::log(sum);
  for (int c = 0; c < classes; ++c) out[c] = in[c] - log_sum;
}

float log_softmax_nll_forward(float* logp, const float* logits, const std::uint8_t* labels,
                              int batch, int classes, int* correct) {
  double loss = 0.0;
  int hits = 0;
  for (int r = 0; r < batch; ++r) {
    const float* row = logits + r * classes;
    float* out = logp + r * classes;
    log_softmax_row(out, row, classes);
    int best = 0;
    for (int c = 1; c < classes; ++c) best = row[c] > row[best] ? c : best;
    if (labels[r] == kUniformTarget) {
      if (uniform_target_met(out, classes)) continue;
      double sum = 0.0;
      for (int c = 0; c < classes; ++c) sum += out[c];
      loss -= sum / classes + std::log(static_cast<double>(classes));  // KL(uniform || p)
    } else {
      loss -= out[labels[r]];
      hits += best == labels[r];
    }
  }
  if (correct) *correct = hits;
  return static_cast<float>(loss / batch);
}

void log_softmax_nll_backward(float* dlogits, const float* logp, const std::uint8_t* labels,
                              int batch, int classes) {
  const float scale = 1.0f / batch;
  const float uniform = 1.0f / classes;
  for (int r = 0; r < batch; ++r) {
    const float* row = logp + r * classes;
    float* grad = dlogits + r * classes;
    const bool met = labels[r] == kUniformTarget && uniform_target_met(row, classes);
    for (int c = 0; c < classes; ++c) {
      const float target = labels[r] == kUniformTarget ? uniform : c == labels[r] ? 1.0f : 0.0f;
      grad[c] = met ? 0.0f : (std::exp(row[c]) - target) * scale;
    }
  }
}

}  // namespace digitlab
