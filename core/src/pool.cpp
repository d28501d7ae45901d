// Max pooling over channel-major feature maps: each (channel, image) plane is
// a contiguous H x W image, pooled on its own. Backward finds each window's
// maximum again by comparing the input with the output, instead of keeping
// an argmax map from forward: forward stays a plain max that vectorises.
#include <algorithm>

#include "layers.h"
#include "simd.h"

namespace digitlab {

namespace {
// NaN wins (as in PyTorch), so a diverging net shows in the loss.
inline float max_nan(float a, float b) { return a > b || a != a ? a : b; }

// 2x2 windows four at a time (4-float vectors: SSE natively, SIMD128 in
// WebAssembly). A row of windows narrower than a vector takes the general
// loops; the last vector of a row overlaps the one before it when the row is
// not a multiple of four, which rewrites the same values.
using V4 = simd::Vec<4>::type;
inline V4 max_nan(V4 a, V4 b) { return a > b || a != a ? a : b; }
inline V4 even_lanes(const float* p) {
  return __builtin_shufflevector(simd::load<4>(p), simd::load<4>(p + 4), 0, 2, 4, 6);
}
inline V4 odd_lanes(const float* p) {
  return __builtin_shufflevector(simd::load<4>(p), simd::load<4>(p + 4), 1, 3, 5, 7);
}
// p[2i] = even[i], p[2i+1] = odd[i] for i < 4.
inline void store_interleaved(float* p, V4 even, V4 odd) {
  simd::store<4>(p, __builtin_shufflevector(even, odd, 0, 4, 1, 5));
  simd::store<4>(p + 4, __builtin_shufflevector(even, odd, 2, 6, 3, 7));
}
// The window columns ox = x .. x+3 for x = 0, 4, ..., and out_w - 4 last.
template <typename Body>
void four_windows_at_a_time(int out_w, Body body) {
  for (int x = 0; x < out_w; x += 4) body(std::min(x, out_w - 4));
}
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
      if (size == 2 && out_w >= 4) {
        four_windows_at_a_time(out_w, [&](int x) {
          simd::store<4>(o + x, max_nan(even_lanes(&rows[2 * x]), odd_lanes(&rows[2 * x])));
        });
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
      if (size == 2 && out_w >= 4) {  // the common case, as vector selects
        const float* r0 = in_rows;
        const float* r1 = in_rows + width;
        const V4 zero = simd::splat<4>(0.0f);
        four_windows_at_a_time(out_w, [&](int x) {
          const V4 m = simd::load<4>(m_row + x);
          V4 g = simd::load<4>(g_row + x);
          if (positive_only) g = m > zero ? g : zero;
          // The first of the four positions that holds the maximum.
          const auto a = even_lanes(r0 + 2 * x) == m;
          const auto b = odd_lanes(r0 + 2 * x) == m && !a;
          const auto c = even_lanes(r1 + 2 * x) == m && !(a || b);
          const auto d = odd_lanes(r1 + 2 * x) == m && !(a || b || c);
          store_interleaved(rows + 2 * x, a ? g : zero, b ? g : zero);
          store_interleaved(rows + width + 2 * x, c ? g : zero, d ? g : zero);
        });
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
