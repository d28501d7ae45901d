// LogSoftmax + negative log-likelihood, fused (B = batch, C = 10 classes).
#pragma once
#include <cstdint>

namespace digitlab {

// logp[B,C] = log_softmax(logits[B,C]); returns mean over B of -logp[b, label_b].
// correct (optional): how many rows have their largest logit at the label.
float log_softmax_nll_forward(float* logp, const float* logits, const std::uint8_t* labels,
                              int batch, int classes, int* correct);
// dlogits[B,C] = (softmax - onehot(label)) / B, from logp.
void log_softmax_nll_backward(float* dlogits, const float* logp, const std::uint8_t* labels,
                              int batch, int classes);

// log_softmax of one row, in place-safe: out[C] from in[C].
void log_softmax_row(float* out, const float* in, int classes);

}  // namespace digitlab
