// Layers as forward/backward pairs over raw row-major buffers (B = batch).
#pragma once
#include "digitlab/mlp.h"

namespace digitlab {

// linear: out[B,O] = in[B,I] · w[I,O] + b[O]
void linear_forward(float* out, const float* in, const ConstLinearView& layer, int batch);
// dw[I,O] = in^T · dout, db[O] = sum over B of dout;
// din[B,I] = dout[B,O] · w^T (skipped when din is null: the input layer needs
// no input gradient). scratch: [O, I] room for w^T.
void linear_backward(float* din, float* dw, float* db, const float* dout, const float* in,
                     const ConstLinearView& layer, int batch, float* scratch);

// relu: out[B,C] = max(0, in) (in place allowed)
void relu_forward(float* out, const float* in, int count);
// din[B,C] = dout where out > 0 else 0 (in place allowed)
void relu_backward(float* din, const float* dout, const float* out, int count);

// Network input: out[B,784] = (pixels[B,784] - input_mean) / input_std.
void scale_input(float* out, const float* pixels, int batch, const Mlp& net);

// Inference through every layer with two ping-pong buffers, each [B, widest
// layer]; a holds the scaled input on entry. Returns the logits [B,10] (in a or b).
const float* mlp_forward(const Mlp& net, int batch, float* a, float* b);

}  // namespace digitlab
