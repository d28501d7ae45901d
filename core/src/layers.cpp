#include "layers.h"

#include <utility>

#include "kernels.h"

namespace digitlab {

void linear_forward(float* out, const float* in, const ConstLinearView& layer, int batch) {
  for (int r = 0; r < batch; ++r)
    for (int o = 0; o < layer.out; ++o) out[r * layer.out + o] = layer.b[o];
  gemm({batch, layer.out, layer.in, in, layer.in, 1, layer.w, layer.out, out, layer.out, 1.0f});
}

void linear_backward(float* din, float* dw, float* db, const float* dout, const float* in,
                     const ConstLinearView& layer, int batch, float* scratch) {
  // dw[i,o] = sum_r in[r,i] dout[r,o]: A = in^T read through strides.
  gemm({layer.in, layer.out, batch, in, 1, layer.in, dout, layer.out, dw, layer.out, 0.0f});
  for (int o = 0; o < layer.out; ++o) db[o] = 0.0f;
  for (int r = 0; r < batch; ++r)
    for (int o = 0; o < layer.out; ++o) db[o] += dout[r * layer.out + o];
  if (din == nullptr) return;
  // din = dout · w^T: transpose w once (I*O copies against B*I*O multiply-adds)
  // so the kernel streams rows that are contiguous along I.
  for (int i = 0; i < layer.in; ++i)
    for (int o = 0; o < layer.out; ++o) scratch[o * layer.in + i] = layer.w[i * layer.out + o];
  gemm({batch, layer.in, layer.out, dout, layer.out, 1, scratch, layer.in, din, layer.in, 0.0f});
}

void relu_forward(float* out, const float* in, int count) {
  // NaN passes through (as in PyTorch) so an overflow shows up in the loss
  // instead of being silently zeroed.
  for (int i = 0; i < count; ++i) out[i] = in[i] > 0.0f || in[i] != in[i] ? in[i] : 0.0f;
}

void relu_backward(float* din, const float* dout, const float* out, int count) {
  for (int i = 0; i < count; ++i) din[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

void scale_input(float* out, const float* pixels, int batch, const Mlp& net) {
  const float inv_std = 1.0f / net.input_std;
  for (int i = 0; i < batch * kImagePixels; ++i) out[i] = (pixels[i] - net.input_mean) * inv_std;
}

const float* mlp_forward(const Mlp& net, int batch, float* a, float* b) {
  for (int l = 0; l < net.num_layers(); ++l) {
    linear_forward(b, a, net.layer(l), batch);
    if (l + 1 < net.num_layers()) relu_forward(b, b, batch * net.sizes[l + 1]);
    std::swap(a, b);
  }
  return a;
}

}  // namespace digitlab
