// Conv layers as im2col + the gemm kernel, a chunk of images at a time.
//
// With feature maps channel-major ([C, B, H, W]), a layer's output is one
// product per chunk, out[F, positions] = w[F, C*K*K] · columns[C*K*K, positions],
// whose long dimension (positions) is the one the kernel's vectors run along,
// however few filters the layer has. A chunk holds about kChunkPositions
// output positions, so its columns stay in the L2 cache while the kernel
// reads them; backward rebuilds them instead of keeping a whole batch's.
#include <algorithm>

#include "nn/kernels.h"
#include "nn/layers.h"

namespace digitlab {

namespace {

constexpr int kChunkPositions = 1024;

struct ConvGeometry {
  int channels, batch, height, width;  // input [C, B, H, W]
  int filters, kernel, pad;            // w [F, C, K, K]
  int out_height, out_width;
  int taps() const { return channels * kernel * kernel; }
  std::size_t positions() const { return static_cast<std::size_t>(out_height) * out_width; }  // per image
};

ConvGeometry geometry(const Maps& in, const ConstConvParams& p, Padding padding) {
  ConvGeometry g;
  g.channels = static_cast<int>(in.shape(0));
  g.batch = static_cast<int>(in.shape(1));
  g.height = static_cast<int>(in.shape(2));
  g.width = static_cast<int>(in.shape(3));
  g.filters = static_cast<int>(p.weights.shape(0));
  g.kernel = static_cast<int>(p.weights.shape(2));
  g.pad = padding == Padding::same ? g.kernel / 2 : 0;
  g.out_height = g.height + 2 * g.pad - g.kernel + 1;
  g.out_width = g.width + 2 * g.pad - g.kernel + 1;
  DIGITLAB_CHECK_SHAPE("conv weights", p.weights, std::size_t(g.filters), std::size_t(g.channels),
                       std::size_t(g.kernel), std::size_t(g.kernel));
  return g;
}

int chunk_images(const ConvGeometry& g) {
  return static_cast<int>(std::max<std::size_t>(1, kChunkPositions / g.positions()));
}

// The output columns [x_lo, x_hi) whose input column ox + dx lies inside the
// image, for a tap dx columns off centre.
struct ColumnRange {
  int lo, hi;
};
ColumnRange inside_columns(const ConvGeometry& g, int dx) {
  const int lo = std::clamp(-dx, 0, g.out_width);
  return {lo, std::clamp(g.width - dx, lo, g.out_width)};
}

// One tap of one image: the tap's block of columns (the output positions of
// image i) and the image's input plane, the tap's place in the window
// (ky * K + kx) and offset (dx, dy), and the output rows [y_lo, y_hi) and
// columns x whose input pixel is inside.
struct TapBlock {
  float* block;
  std::size_t plane_offset;  // of the image's plane from the start of the input (C,B,H,W)
  int tap, dx, dy, y_lo, y_hi;
  ColumnRange x;
};

// visit(TapBlock) for every channel, tap and image b0..b0+nb: the walk that
// im2col and its transpose col2im share.
template <typename Visit>
void for_each_tap_block(float* columns, const ConvGeometry& g, int b0, int nb, Visit visit) {
  const std::size_t n = static_cast<std::size_t>(nb) * g.positions();
  for (int c = 0; c < g.channels; ++c)
    for (int ky = 0; ky < g.kernel; ++ky) {
      const int dy = ky - g.pad;
      const int y_lo = std::clamp(-dy, 0, g.out_height), y_hi = std::clamp(g.height - dy, y_lo, g.out_height);
      for (int kx = 0; kx < g.kernel; ++kx) {
        const int dx = kx - g.pad;
        const ColumnRange x = inside_columns(g, dx);
        float* tap = columns + ((static_cast<std::size_t>(c) * g.kernel + ky) * g.kernel + kx) * n;
        for (int i = 0; i < nb; ++i)
          visit(TapBlock{tap + static_cast<std::size_t>(i) * g.positions(),
                         (static_cast<std::size_t>(c) * g.batch + b0 + i) * g.height * g.width, ky * g.kernel + kx,
                         dx, dy, y_lo, y_hi, x});
      }
    }
}

// With the output as large as the input ('same' padding), a tap's block is
// the input plane shifted by dy*W + dx, except at the positions whose input
// pixel is outside the image. inside[tap][position] is 1 where it is inside
// and 0 elsewhere, so im2col and col2im run one branch-free select over the
// block (masked_copy, masked_add: vector kernels, see kernels.h) instead of
// copying runs and zeroing edges row by row.
bool same_size(const ConvGeometry& g) { return g.out_width == g.width && g.out_height == g.height; }

// Built once per layer (its scratch), not per call: one image's inference
// would spend a tenth of its time here.
void tap_masks(ConvScratch& s, const ConvGeometry& g) {
  const std::array<int, 3> geometry{g.kernel, g.height, g.width};
  if (s.inside_for == geometry) return;
  s.inside_for = geometry;
  s.inside.resize(static_cast<std::size_t>(g.kernel) * g.kernel * g.positions());
  float* m = s.inside.data();
  for (int ky = 0; ky < g.kernel; ++ky)
    for (int kx = 0; kx < g.kernel; ++kx)
      for (int oy = 0; oy < g.out_height; ++oy)
        for (int ox = 0; ox < g.out_width; ++ox) {
          const int iy = oy + ky - g.pad, ix = ox + kx - g.pad;
          *m++ = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width ? 1.0f : 0.0f;
        }
}

// The positions [from, to) of a same-size block whose shifted pixel lies in
// the image's plane (the mask is 0 at all the others).
struct ShiftedRange {
  std::ptrdiff_t shift, from, to;
};
ShiftedRange shifted_range(const TapBlock& t, const ConvGeometry& g) {
  const std::ptrdiff_t shift = static_cast<std::ptrdiff_t>(t.dy) * g.width + t.dx;
  const std::ptrdiff_t positions = static_cast<std::ptrdiff_t>(g.positions());
  return {shift, std::clamp<std::ptrdiff_t>(-shift, 0, positions), std::clamp<std::ptrdiff_t>(positions - shift, 0, positions)};
}

// columns[(c,ky,kx), (i,oy,ox)] = in[c, b0+i, oy+ky-pad, ox+kx-pad], 0 outside the image.
// `inside` from tap_masks when the output is as large as the input.
void im2col(float* columns, const float* in, const ConvGeometry& g, int b0, int nb, const float* inside) {
  for_each_tap_block(columns, g, b0, nb, [&](const TapBlock& t) {
    const float* plane = in + t.plane_offset;
    float* block = t.block;
    if (same_size(g)) {
      const ShiftedRange r = shifted_range(t, g);
      const float* mask = inside + static_cast<std::size_t>(t.tap) * g.positions();
      std::fill(block, block + r.from, 0.0f);
      std::fill(block + std::max(r.from, r.to), block + g.positions(), 0.0f);
      if (r.to > r.from) masked_copy(block + r.from, plane + r.shift + r.from, mask + r.from, r.to - r.from);
      return;
    }
    const ColumnRange x = t.x;
    std::fill(block, block + static_cast<std::size_t>(t.y_lo) * g.out_width, 0.0f);
    std::fill(block + static_cast<std::size_t>(t.y_hi) * g.out_width, block + g.positions(), 0.0f);
    for (int oy = t.y_lo; oy < t.y_hi; ++oy) {
      float* row = block + static_cast<std::size_t>(oy) * g.out_width;
      const float* src = plane + static_cast<std::ptrdiff_t>(oy + t.dy) * g.width + t.dx;
      for (int ox = 0; ox < x.lo; ++ox) row[ox] = 0.0f;
      for (int ox = x.lo; ox < x.hi; ++ox) row[ox] = src[ox];
      for (int ox = x.hi; ox < g.out_width; ++ox) row[ox] = 0.0f;
    }
  });
}

// din[c, b0+i, iy, ix] += d_columns[...]: the transpose of im2col, with the
// same masks.
void col2im(float* din, float* d_columns, const ConvGeometry& g, int b0, int nb, const float* inside) {
  for_each_tap_block(d_columns, g, b0, nb, [&](const TapBlock& t) {
    float* plane = din + t.plane_offset;
    const float* block = t.block;
    if (same_size(g)) {
      const ShiftedRange r = shifted_range(t, g);
      const float* mask = inside + static_cast<std::size_t>(t.tap) * g.positions();
      if (r.to > r.from) masked_add(plane + r.shift + r.from, block + r.from, mask + r.from, r.to - r.from);
      return;
    }
    for (int oy = t.y_lo; oy < t.y_hi; ++oy) {
      const float* row = block + static_cast<std::size_t>(oy) * g.out_width;
      float* dst = plane + static_cast<std::ptrdiff_t>(oy + t.dy) * g.width + t.dx;
      for (int ox = t.x.lo; ox < t.x.hi; ++ox) dst[ox] += row[ox];
    }
  });
}

// Sum of n floats, in eight running sums the compiler keeps in vector lanes.
float sum_floats(const float* x, std::size_t n) {
  float lanes[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) lanes[k] += x[i + k];
  float total = 0;
  for (; i < n; ++i) total += x[i];
  for (float l : lanes) total += l;
  return total;
}

}  // namespace

std::size_t conv_scratch_floats(const LayerPlan& layer) {
  const std::size_t positions = static_cast<std::size_t>(layer.out.height) * layer.out.width;
  const std::size_t chunk = std::max<std::size_t>(1, kChunkPositions / positions) * positions;
  const std::size_t taps = static_cast<std::size_t>(layer.in.channels) * layer.spec.kernel * layer.spec.kernel;
  const std::size_t masks = static_cast<std::size_t>(layer.spec.kernel) * layer.spec.kernel * positions;
  return 2 * taps * chunk + masks;
}

void conv_forward(Maps& out, const Maps& in, const ConstConvParams& p, Padding padding, ConvScratch& s, bool relu,
                  const Interrupt* interrupt) {
  const ConvGeometry g = geometry(in, p, padding);
  DIGITLAB_CHECK_SHAPE("conv output", out, std::size_t(g.filters), std::size_t(g.batch), std::size_t(g.out_height),
                       std::size_t(g.out_width));
  const std::size_t total = g.batch * g.positions();
  const int step = chunk_images(g);
  s.columns.resize(static_cast<std::size_t>(g.taps()) * step * g.positions());
  if (same_size(g)) tap_masks(s, g);
  for (int b0 = 0; b0 < g.batch; b0 += step) {
    const int nb = std::min(step, g.batch - b0);
    const int n = static_cast<int>(nb * g.positions());
    im2col(s.columns.data(), in.data(), g, b0, nb, s.inside.data());
    GemmArgs product{g.filters, n, g.taps(), p.weights.data(), g.taps(), 1, s.columns.data(), n,
                     out.data() + b0 * g.positions(), static_cast<std::ptrdiff_t>(total), 0.0f};
    product.bias_rows = p.bias.data();
    product.relu = relu;
    product.interrupt = interrupt;
    gemm(product);
  }
}

void conv_backward(Maps* din, ConvParams grads, const Maps& dout, const Maps& in, const ConstConvParams& p,
                   Padding padding, ConvScratch& s, const Interrupt* interrupt) {
  const ConvGeometry g = geometry(in, p, padding);
  DIGITLAB_CHECK_SHAPE("conv output gradient", dout, std::size_t(g.filters), std::size_t(g.batch),
                       std::size_t(g.out_height), std::size_t(g.out_width));
  const std::size_t total = g.batch * g.positions();
  const int taps = g.taps(), filters = g.filters;
  // db[f] = sum of dout over every position of every image.
  for (int f = 0; f < filters; ++f) grads.bias.data()[f] = sum_floats(dout.data() + f * total, total);
  if (din) {
    DIGITLAB_CHECK_SHAPE("conv input gradient", *din, std::size_t(g.channels), std::size_t(g.batch),
                         std::size_t(g.height), std::size_t(g.width));
    std::fill(din->data(), din->data() + din->size(), 0.0f);
  }
  const int step = chunk_images(g);
  if (same_size(g)) tap_masks(s, g);
  const std::size_t chunk = static_cast<std::size_t>(step) * g.positions();
  s.columns.resize(taps * chunk);
  if (din) s.d_columns.resize(taps * chunk);
  for (int b0 = 0; b0 < g.batch; b0 += step) {
    const int nb = std::min(step, g.batch - b0);
    const int n = static_cast<int>(nb * g.positions());
    const float* d = dout.data() + b0 * g.positions();
    im2col(s.columns.data(), in.data(), g, b0, nb, s.inside.data());
    // dw[f, t] += dout[f, :] · columns[t, :]: both run along this chunk's
    // positions, so the kernel takes dot products of rows (long_k_dots).
    GemmArgs weight_grad{filters, taps, n, d, static_cast<std::ptrdiff_t>(total), 1, s.columns.data(), n,
                         grads.weights.data(), taps, b0 == 0 ? 0.0f : 1.0f};
    weight_grad.b_transposed = true;
    weight_grad.interrupt = interrupt;
    gemm(weight_grad);
    if (!din) continue;
    // d_columns[t, j] = sum_f w[f, t] dout[f, j], then scattered back onto din.
    GemmArgs column_grad{taps, n, filters, p.weights.data(), 1, taps, d, static_cast<std::ptrdiff_t>(total),
                         s.d_columns.data(), n, 0.0f};
    column_grad.interrupt = interrupt;
    gemm(column_grad);
    col2im(din->data(), s.d_columns.data(), g, b0, nb, s.inside.data());
  }
}

// --- references: the definitions, straight ---------------------------------

void conv_forward_reference(Maps& out, const Maps& in, const ConstConvParams& p, Padding padding) {
  const ConvGeometry g = geometry(in, p, padding);
  for (int f = 0; f < g.filters; ++f)
    for (int b = 0; b < g.batch; ++b)
      for (int oy = 0; oy < g.out_height; ++oy)
        for (int ox = 0; ox < g.out_width; ++ox) {
          double sum = p.bias(f);
          for (int c = 0; c < g.channels; ++c)
            for (int ky = 0; ky < g.kernel; ++ky)
              for (int kx = 0; kx < g.kernel; ++kx) {
                const int iy = oy + ky - g.pad, ix = ox + kx - g.pad;
                if (iy >= 0 && iy < g.height && ix >= 0 && ix < g.width)
                  sum += static_cast<double>(p.weights(f, c, ky, kx)) * in(c, b, iy, ix);
              }
          out(f, b, oy, ox) = static_cast<float>(sum);
        }
}

void conv_backward_reference(Maps* din, ConvParams grads, const Maps& dout, const Maps& in,
                             const ConstConvParams& p, Padding padding) {
  const ConvGeometry g = geometry(in, p, padding);
  std::fill(grads.weights.begin(), grads.weights.end(), 0.0f);
  std::fill(grads.bias.begin(), grads.bias.end(), 0.0f);
  if (din) std::fill(din->begin(), din->end(), 0.0f);
  for (int f = 0; f < g.filters; ++f)
    for (int b = 0; b < g.batch; ++b)
      for (int oy = 0; oy < g.out_height; ++oy)
        for (int ox = 0; ox < g.out_width; ++ox) {
          const float d = dout(f, b, oy, ox);
          grads.bias(f) += d;
          for (int c = 0; c < g.channels; ++c)
            for (int ky = 0; ky < g.kernel; ++ky)
              for (int kx = 0; kx < g.kernel; ++kx) {
                const int iy = oy + ky - g.pad, ix = ox + kx - g.pad;
                if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
                grads.weights(f, c, ky, kx) += d * in(c, b, iy, ix);
                if (din) (*din)(c, b, iy, ix) += d * p.weights(f, c, ky, kx);
              }
        }
}

}  // namespace digitlab
