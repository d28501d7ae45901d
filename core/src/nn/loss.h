// LogSoftmax + negative log-likelihood, fused (B = batch, C = 10 classes).
// A row's target is its label's one-hot vector, or, for the label
// kUniformTarget, the uniform distribution over the classes: a generated
// non-digit (outlier exposure) teaches the net to spread its belief evenly
// when a drawing is no digit at all.
#pragma once
#include <cstdint>

namespace digitlab {

constexpr std::uint8_t kUniformTarget = 255;
// A uniform-target row whose top probability is below this has met its
// target: the pad already says "not sure" of it (below kSureProbability,
// 0.5) with room to spare, so it adds no loss and no gradient. Pulling such
// rows on to exactly even spends the net's features on shapes that are no
// digit; with this margin (and more weight decay) the cnn reads MNIST
// 0.1-0.2 points better and is "not sure" of nearly as many non-digits
// (docs/benchmarks.md).
constexpr float kUniformTargetMet = 0.3f;

// logp[B,C] = log_softmax(logits[B,C]); returns the mean over B of each
// row's divergence from its target: -logp[b, label_b], or for a uniform
// target KL(uniform || p) = -mean_c logp[b, c] - log C, 0 once its top
// probability is below kUniformTargetMet (so the loss curve keeps its
// meaning; the gradient is that of the cross entropy).
// correct (optional): labelled rows whose largest logit is their label
// (uniform-target rows are never counted: a dead net that answers evenly
// for everything must not look better than chance).
float log_softmax_nll_forward(float* logp, const float* logits, const std::uint8_t* labels,
                              int batch, int classes, int* correct);
// dlogits[B,C] = (softmax - target) / B, from logp; 0 on a met uniform-target row.
void log_softmax_nll_backward(float* dlogits, const float* logp, const std::uint8_t* labels,
                              int batch, int classes);

// log_softmax of one row, in place-safe: out[C] from in[C].
void log_softmax_row(float* out, const float* in, int classes);

}  // namespace digitlab
