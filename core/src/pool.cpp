// Max pooling over channel-major feature maps: each (channel, image) plane is
// a contiguous H x W image, pooled on its own. Backward finds each window's
// maximum again by comparing the input with the output, instead of keeping
// an argmax map from forward: forward stays a plain max that vectorises.
#include "layers.h"

namespace digitlab {

namespace {
// NaN wins (as in PyTorch), so a diverging net shows in the loss.
inline float max_nan(float a, float b) { return a > b || a != a ? a : b; }
}  // namespace

void maxpool_forward(Maps& out, const Maps& in, int size) {
  const std::size_t planes = in.shape(0) * in.shape(1);
  const int height = static_cast<int>(in.shape(2)), width = static_cast<int>(in.shape(3));
  const int out_h = height / size, out_w = width / size;
  DIGITLAB_CHECK_SHAPE("maxpool output", out, in.shape(0), in.shape(1), std::size_t(out_h), std::size_t(out_w));
  std::vector<float> rows(width);
  for (std::size_t p = 0; p < planes; ++p) {
    const float* src = in.data() + p * height * width;
    float* dst = out.data() + p * out_h * out_w;
    for (int oy = 0; oy < out_h; ++oy) {
      // Down the window's rows first (contiguous), then across its columns.
      const float* top = src + static_cast<std::size_t>(oy) * size * width;
      for (int x = 0; x < out_w * size; ++x) rows[x] = top[x];
      for (int dy = 1; dy < size; ++dy)
        for (int x = 0; x < out_w * size; ++x) rows[x] = max_nan(top[dy * width + x], rows[x]);
      float* o = dst + static_cast<std::size_t>(oy) * out_w;
      if (size == 2) {
        for (int ox = 0; ox < out_w; ++ox) o[ox] = max_nan(rows[2 * ox], rows[2 * ox + 1]);
      } else {
        for (int ox = 0; ox < out_w; ++ox) {
          float best = rows[ox * size];
          for (int dx = 1; dx < size; ++dx) best = max_nan(rows[ox * size + dx], best);
          o[ox] = best;
        }
      }
    }
  }
}

void maxpool_backward(Maps& din, const Maps& dout, const Maps& in, const Maps& out, int size, bool positive_only) {
  const std::size_t planes = din.shape(0) * din.shape(1);
  const int height = static_cast<int>(din.shape(2)), width = static_cast<int>(din.shape(3));
  const int out_h = height / size, out_w = width / size;
  DIGITLAB_CHECK_SHAPE("maxpool output gradient", dout, din.shape(0), din.shape(1), std::size_t(out_h),
                       std::size_t(out_w));
  for (std::size_t p = 0; p < planes; ++p) {
    float* dst = din.data() + p * height * width;
    const float* src = in.data() + p * height * width;
    const float* max = out.data() + p * out_h * out_w;
    const float* grad = dout.data() + p * out_h * out_w;
    // Rows and columns that no window covers get no gradient.
    std::fill(dst + static_cast<std::size_t>(out_h) * size * width, dst + static_cast<std::size_t>(height) * width, 0.0f);
    for (int oy = 0; oy < out_h; ++oy) {
      float* rows = dst + static_cast<std::size_t>(oy) * size * width;
      const float* in_rows = src + static_cast<std::size_t>(oy) * size * width;
      for (int dy = 0; dy < size; ++dy)
        for (int x = out_w * size; x < width; ++x) rows[dy * width + x] = 0.0f;
      const float* m_row = max + oy * out_w;
      const float* g_row = grad + oy * out_w;
      if (size == 2) {  // the common case, written out so it has no branches
        const float* r0 = in_rows;
        const float* r1 = in_rows + width;
        float* d0 = rows;
        float* d1 = rows + width;
        for (int ox = 0; ox < out_w; ++ox) {
          const float m = m_row[ox];
          const float g = positive_only && !(m > 0.0f) ? 0.0f : g_row[ox];
          const bool a = r0[2 * ox] == m;
          const bool b = !a && r0[2 * ox + 1] == m;
          const bool c = !a && !b && r1[2 * ox] == m;
          const bool d = !a && !b && !c && r1[2 * ox + 1] == m;
          d0[2 * ox] = a ? g : 0.0f;
          d0[2 * ox + 1] = b ? g : 0.0f;
          d1[2 * ox] = c ? g : 0.0f;
          d1[2 * ox + 1] = d ? g : 0.0f;
        }
        continue;
      }
      for (int ox = 0; ox < out_w; ++ox) {
        // Every position of the window is written: the gradient at the first
        // one that holds the maximum (the first maximum wins in forward), 0
        // elsewhere. With positive_only (a ReLU came before), a maximum of 0
        // passes nothing back, which is what that ReLU's backward would do.
        const float m = max[oy * out_w + ox];
        float g = grad[oy * out_w + ox];
        if (positive_only && !(m > 0.0f)) g = 0.0f;
        bool routed = false;
        for (int dy = 0; dy < size; ++dy)
          for (int dx = 0; dx < size; ++dx) {
            const std::size_t at = static_cast<std::size_t>(dy) * width + ox * size + dx;
            const bool here = !routed && in_rows[at] == m;
            routed |= here;
            rows[at] = here ? g : 0.0f;
          }
      }
    }
  }
}

}  // namespace digitlab
