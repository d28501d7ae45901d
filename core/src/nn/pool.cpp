// Max pooling over channel-major feature maps: each (channel, image) plane is
// a contiguous H x W image, pooled on its own. Backward finds each window's
// maximum again by comparing the input with the output, instead of keeping
// an argmax map from forward: forward stays a plain max that vectorises.
#include <algorithm>
#include <utility>

#include "nn/layers.h"
#include "nn/simd.h"

namespace digitlab {

namespace {
// NaN wins (as in PyTorch), so a diverging net shows in the loss.
inline float max_nan(float a, float b) { return a > b || a != a ? a : b; }

// 2x2 and 3x3 windows four at a time (4-float vectors: SSE natively,
// SIMD128 in WebAssembly): a row of four windows is S vectors of S*4
// floats, taken apart into its S columns by shuffles. A row of windows
// narrower than a vector takes the general loops; the last vector of a row
// overlaps the one before it when the row is not a multiple of four, which
// rewrites the same values.
using V4 = simd::Vec<4>::type;
inline V4 max_nan(V4 a, V4 b) { return a > b || a != a ? a : b; }

// Lanes R, R+S, R+2S, R+3S of the 4*S floats at p: column R of four windows.
template <int S, int R>
inline V4 window_column(const float* p) {
  static_assert(S == 2 || S == 3, "windows of 2 or 3");
  if constexpr (S == 2) {
    return __builtin_shufflevector(simd::load<4>(p), simd::load<4>(p + 4), R, R + 2, R + 4, R + 6);
  } else {  // lanes R, R+3 (and R+6 when R < 2) from the first 8 floats, the rest from the last 4
    const V4 first = __builtin_shufflevector(simd::load<4>(p), simd::load<4>(p + 4), R, R + 3, std::min(R + 6, 7), 0);
    return __builtin_shufflevector(first, simd::load<4>(p + 8), 0, 1, R + 6 < 8 ? 2 : R + 2, R + 5);
  }
}
// The inverse: p[S*i + r] = column[r][i].
template <int S>
inline void store_window_columns(float* p, const V4 (&column)[S]) {
  if constexpr (S == 2) {
    simd::store<4>(p, __builtin_shufflevector(column[0], column[1], 0, 4, 1, 5));
    simd::store<4>(p + 4, __builtin_shufflevector(column[0], column[1], 2, 6, 3, 7));
  } else {  // columns 0 and 1 first, then column 2 added in
    const V4 &c0 = column[0], &c1 = column[1], &c2 = column[2];
    simd::store<4>(p, __builtin_shufflevector(__builtin_shufflevector(c0, c1, 0, 4, 1, 1), c2, 0, 1, 4, 2));
    simd::store<4>(p + 4, __builtin_shufflevector(__builtin_shufflevector(c0, c1, 5, 2, 6, 6), c2, 0, 5, 1, 2));
    simd::store<4>(p + 8, __builtin_shufflevector(__builtin_shufflevector(c0, c1, 3, 7, 3, 3), c2, 6, 0, 1, 7));
  }
}
// column[r] = window_column<S, r>(p) for every r.
template <int S, std::size_t... R>
inline void window_columns(const float* p, V4 (&column)[S], std::index_sequence<R...>) {
  ((column[R] = window_column<S, R>(p)), ...);
}

// The window columns ox = x .. x+3 for x = 0, 4, ..., and out_w - 4 last.
template <typename Body>
void four_windows_at_a_time(int out_w, Body body) {
  for (int x = 0; x < out_w; x += 4) body(std::min(x, out_w - 4));
}

// One row of windows: o[ox] = max of the S x S window at top + S*ox, down
// its rows first, then across, in the order of the general loop.
template <int S>
void pool_row(const float* top, int width, int out_w, float* o) {
  four_windows_at_a_time(out_w, [&](int x) {
    V4 column[S], next[S];
    window_columns<S>(top + S * x, column, std::make_index_sequence<S>{});
    for (int dy = 1; dy < S; ++dy) {
      window_columns<S>(top + dy * width + S * x, next, std::make_index_sequence<S>{});
      for (int r = 0; r < S; ++r) column[r] = max_nan(next[r], column[r]);
    }
    V4 best = column[0];
    for (int r = 1; r < S; ++r) best = max_nan(column[r], best);
    simd::store<4>(o + x, best);
  });
}

// Backward of one row of windows: the gradient to the first position of each
// window (row by row) that holds its maximum, 0 at the others.
template <int S>
void route_row(const float* in_rows, float* rows, int width, int out_w, const float* m_row, const float* g_row,
               bool positive_only) {
  const V4 zero = simd::splat<4>(0.0f);
  four_windows_at_a_time(out_w, [&](int x) {
    const V4 m = simd::load<4>(m_row + x);
    V4 g = simd::load<4>(g_row + x);
    if (positive_only) g = m > zero ? g : zero;
    auto routed = m != m && m == m;  // all false
    for (int dy = 0; dy < S; ++dy) {
      V4 column[S];
      window_columns<S>(in_rows + dy * width + S * x, column, std::make_index_sequence<S>{});
      for (int r = 0; r < S; ++r) {
        const auto here = column[r] == m && !routed;
        routed = routed || here;
        column[r] = here ? g : zero;
      }
      store_window_columns<S>(rows + dy * width + S * x, column);
    }
  });
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
      float* o = dst + static_cast<std::size_t>(oy) * out_w;
      if (out_w >= 4 && size == 2) {
        pool_row<2>(top, width, out_w, o);
        continue;
      }
      if (out_w >= 4 && size == 3) {
        pool_row<3>(top, width, out_w, o);
        continue;
      }
      for (int x = 0; x < out_w * size; ++x) rows[x] = top[x];
      for (int dy = 1; dy < size; ++dy)
        for (int x = 0; x < out_w * size; ++x) rows[x] = max_nan(top[dy * width + x], rows[x]);
      for (int ox = 0; ox < out_w; ++ox) {
        float best = rows[ox * size];
        for (int dx = 1; dx < size; ++dx) best = max_nan(rows[ox * size + dx], best);
        o[ox] = best;
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
      if (out_w >= 4 && size == 2) {
        route_row<2>(in_rows, rows, width, out_w, m_row, g_row, positive_only);
        continue;
      }
      if (out_w >= 4 && size == 3) {
        route_row<3>(in_rows, rows, width, out_w, m_row, g_row, positive_only);
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
