#include "nn/layers.h"

#include <cstring>
#include <sstream>

#include <xtensor/xio.hpp>

#include "nn/kernels.h"

namespace digitlab {

void require_shape(const char* what, const xt::svector<std::size_t>& shape, std::initializer_list<std::size_t> expected) {
  if (std::equal(shape.begin(), shape.end(), expected.begin(), expected.end())) return;
  std::ostringstream message;
  message << what << ": shape " << xt::adapt(shape) << ", expected "
          << xt::adapt(std::vector<std::size_t>(expected));
  throw Error(message.str());
}

void input_forward(Maps& out, const float* pixels, int batch, float mean, float std) {
  DIGITLAB_CHECK_SHAPE("input output", out, 1, std::size_t(batch), kImageSide, kImageSide);
  const float inv_std = 1.0f / std;
  float* o = out.data();
  for (std::size_t i = 0; i < static_cast<std::size_t>(batch) * kImagePixels; ++i) o[i] = (pixels[i] - mean) * inv_std;
}

void dense_forward(Vectors& out, const Vectors& in, const ConstDenseParams& p, bool relu,
                   const Interrupt* interrupt) {
  const int batch = static_cast<int>(in.shape(0)), n_in = static_cast<int>(p.weights.shape(0)),
            n_out = static_cast<int>(p.weights.shape(1));
  DIGITLAB_CHECK_SHAPE("dense input", in, std::size_t(batch), std::size_t(n_in));
  DIGITLAB_CHECK_SHAPE("dense output", out, std::size_t(batch), std::size_t(n_out));
  GemmArgs g{batch, n_out, n_in, in.data(), n_in, 1, p.weights.data(), n_out, out.data(), n_out, 0.0f};
  g.bias_cols = p.bias.data();
  g.relu = relu;
  g.interrupt = interrupt;
  gemm(g);
}

void dense_backward(Vectors* din, DenseParams grads, const Vectors& dout, const Vectors& in,
                    const ConstDenseParams& p, const Interrupt* interrupt) {
  const int batch = static_cast<int>(in.shape(0)), n_in = static_cast<int>(p.weights.shape(0)),
            n_out = static_cast<int>(p.weights.shape(1));
  DIGITLAB_CHECK_SHAPE("dense output gradient", dout, std::size_t(batch), std::size_t(n_out));
  DIGITLAB_CHECK_SHAPE("dense weight gradient", grads.weights, std::size_t(n_in), std::size_t(n_out));
  // dw[i,o] = sum_r in[r,i] dout[r,o]: A = in^T, read through strides.
  GemmArgs weight_grad{n_in, n_out, batch, in.data(), 1, n_in, dout.data(), n_out, grads.weights.data(), n_out, 0.0f};
  weight_grad.interrupt = interrupt;
  gemm(weight_grad);
  float* db = grads.bias.data();
  const float* d = dout.data();
  std::fill(db, db + n_out, 0.0f);
  for (int r = 0; r < batch; ++r)
    for (int o = 0; o < n_out; ++o) db[o] += d[static_cast<std::size_t>(r) * n_out + o];
  if (din == nullptr) return;
  DIGITLAB_CHECK_SHAPE("dense input gradient", *din, std::size_t(batch), std::size_t(n_in));
  // din = dout · w^T: B = w read transposed (the kernel transposes as it packs).
  GemmArgs product{batch, n_in, n_out, d, n_out, 1, p.weights.data(), n_out, din->data(), n_in, 0.0f};
  product.b_transposed = true;
  product.interrupt = interrupt;
  gemm(product);
}

void relu_forward(float* out, const float* in, std::size_t n) {
  // NaN passes through (as in PyTorch) so an overflow shows up in the loss
  // instead of being silently zeroed.
  for (std::size_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f || in[i] != in[i] ? in[i] : 0.0f;
}

void relu_backward(float* din, const float* dout, const float* out, std::size_t n) {
  // A select rather than a branch, so it vectorises even in place (din == dout).
  for (std::size_t i = 0; i < n; ++i) {
    const float g = dout[i];
    din[i] = out[i] > 0.0f ? g : 0.0f;
  }
}

void flatten_forward(Vectors& out, const Maps& in) {
  const std::size_t channels = in.shape(0), batch = in.shape(1), plane = in.shape(2) * in.shape(3);
  DIGITLAB_CHECK_SHAPE("flatten output", out, batch, channels * plane);
  for (std::size_t c = 0; c < channels; ++c)
    for (std::size_t b = 0; b < batch; ++b)
      std::memcpy(out.data() + (b * channels + c) * plane, in.data() + (c * batch + b) * plane, sizeof(float) * plane);
}

void flatten_backward(Maps& din, const Vectors& dout) {
  const std::size_t channels = din.shape(0), batch = din.shape(1), plane = din.shape(2) * din.shape(3);
  DIGITLAB_CHECK_SHAPE("flatten output gradient", dout, batch, channels * plane);
  for (std::size_t c = 0; c < channels; ++c)
    for (std::size_t b = 0; b < batch; ++b)
      std::memcpy(din.data() + (c * batch + b) * plane, dout.data() + (b * channels + c) * plane, sizeof(float) * plane);
}

}  // namespace digitlab
