// Layers as forward/backward pairs (B = batch). Shapes are in each function's
// comment and checked in debug and test builds (tensor.h). Feature maps are
// channel-major [C, B, H, W]; feature vectors are [B, N]. The gradient
// functions overwrite their outputs (the parameter gradients of a layer are
// written once per batch, never accumulated).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "digitlab/nn/model.h"
#include "digitlab/util/interrupt.h"
#include "nn/tensor.h"

namespace digitlab {

// input: out[1,B,28,28] = (pixels[B,784] - mean) / std
void input_forward(Maps& out, const float* pixels, int batch, float mean, float std);

// dense: out[B,O] = in[B,I] · w[I,O] + b[O], then ReLU when relu is set
// (the network fuses a following relu layer into the product's last step).
// Dense and conv layers poll `interrupt` (interrupt.h) inside their products.
void dense_forward(Vectors& out, const Vectors& in, const ConstDenseParams& p, bool relu = false,
                   const Interrupt* interrupt = nullptr);
// dw[I,O] = in^T · dout, db[O] = sum over B of dout, din[B,I] = dout[B,O] · w^T
// (din may be null: a first layer needs no input gradient)
void dense_backward(Vectors* din, DenseParams grads, const Vectors& dout, const Vectors& in,
                    const ConstDenseParams& p, const Interrupt* interrupt = nullptr);

// Work buffers of a conv layer, reused from batch to batch.
struct ConvScratch {
  std::vector<float> columns;    // im2col of a chunk of images: [C*K*K, chunk positions]
  std::vector<float> d_columns;  // its gradient
  std::vector<float> inside;     // 'same' padding: 1 where a tap's input pixel is inside the image [K*K, H*W]
  std::array<int, 3> inside_for{};  // the (K, H, W) inside was built for
};
// conv: out[F,B,H',W'] = w[F,C,K,K] (x) in[C,B,H,W] + b[F], stride 1,
// padding same (H' = H) or valid (H' = H-K+1), then ReLU when relu is set
void conv_forward(Maps& out, const Maps& in, const ConstConvParams& p, Padding padding, ConvScratch& scratch,
                  bool relu = false, const Interrupt* interrupt = nullptr);
// dw[F,C,K,K], db[F] from dout[F,B,H',W'] and in[C,B,H,W];
// din[C,B,H,W] (may be null: a first layer needs no input gradient)
void conv_backward(Maps* din, ConvParams grads, const Maps& dout, const Maps& in, const ConstConvParams& p,
                   Padding padding, ConvScratch& scratch, const Interrupt* interrupt = nullptr);

// Floats a conv layer's scratch holds while training (im2col columns and
// their gradient for one chunk of images, the 'same' padding masks).
std::size_t conv_scratch_floats(const LayerPlan& layer);

// maxpool: out[C,B,H/S,W/S] = max of each S x S window of in[C,B,H,W]
void maxpool_forward(Maps& out, const Maps& in, int size);
// din[C,B,H,W] = dout[C,B,H/S,W/S] routed to the first position of each
// window that holds its maximum (found from in and out), 0 elsewhere;
// positive_only: also 0 where the maximum is not > 0 (the backward of a
// ReLU before the pool, folded in)
void maxpool_backward(Maps& din, const Maps& dout, const Maps& in, const Maps& out, int size,
                      bool positive_only = false);

// relu: out[n] = max(0, in[n]) (in place allowed)
void relu_forward(float* out, const float* in, std::size_t n);
// din[n] = dout where out > 0, else 0 (in place allowed)
void relu_backward(float* din, const float* dout, const float* out, std::size_t n);

// flatten: out[B, C*H*W] = in[C,B,H,W], features in (c, y, x) order as PyTorch's flatten
void flatten_forward(Vectors& out, const Maps& in);
// din[C,B,H,W] = dout[B, C*H*W]
void flatten_backward(Maps& din, const Vectors& dout);

// Plain-loop references of the conv and pool layers, for the tests: direct
// convolution and pooling from their definitions, no im2col, no gemm.
void conv_forward_reference(Maps& out, const Maps& in, const ConstConvParams& p, Padding padding);
void conv_backward_reference(Maps* din, ConvParams grads, const Maps& dout, const Maps& in,
                             const ConstConvParams& p, Padding padding);

}  // namespace digitlab
