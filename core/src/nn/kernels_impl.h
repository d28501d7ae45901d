// The gemm micro-kernel, written once with GCC/Clang vector extensions and
// compiled per instruction set (kernels_avx2.cpp, kernels_avx512.cpp, and the
// generic build in kernels.cpp).
//
// GotoBLAS's blocking, small: k runs in blocks of KC. For each block, A is
// packed into row tiles of MR rows laid out [tile][k][MR], and B, NV*W
// columns at a time, into a panel laid out [k][NV*W]; both are contiguous
// and stay in the L1 cache while the micro-kernel streams them: per k step it
// loads NV vectors of the B panel and broadcasts MR consecutive values of
// the A tile into MR x NV accumulators held in registers. Rows and columns
// past the edge of C are packed as zeros and never stored, so every shape
// runs the same full-width kernel; a product narrower than half a vector
// runs on half-width vectors instead, and one with at most four rows (fewer
// than a tile) skips the packing (few_rows).
#pragma once
#include <algorithm>
#include <cstring>
#include <vector>

#include "nn/kernels.h"
#include "nn/simd.h"

namespace digitlab {
namespace kernel_impl {
namespace {  // one copy per instruction set: see simd.h
using namespace simd;

// What a tile does with C: on the first k block it starts from beta * C (or
// nothing), later blocks add to what earlier ones stored; the last block
// adds the biases and applies ReLU.
struct Pass {
  bool first, last;
};

// C[i, j:j+lanes] from one vector of a tile's sums: beta * C, biases, ReLU.
template <int W>
inline void finish(const GemmArgs& g, int i, int j, int lanes, float beta, Pass pass, typename Vec<W>::type out) {
  float* c = g.c + i * g.ldc + j;
  if (beta != 0.0f) out += load_lanes<W>(c, lanes) * splat<W>(beta);
  if (pass.last) {
    if (g.bias_rows) out += splat<W>(g.bias_rows[i]);
    if (g.bias_cols) out += load_lanes<W>(g.bias_cols + j, lanes);
    if (g.relu) out = out > splat<W>(0.0f) || out != out ? out : splat<W>(0.0f);
  }
  store_lanes<W>(c, out, lanes);
}

// C[i:i+rows, j:j+cols] (rows <= MR, cols <= NV*W) from a packed A tile
// a[kc][MR] and a packed B panel b[kc][NV*W], or with IN_PLACE the strip
// of B itself, its rows g.ldb apart (a constant stride keeps the packed
// kernel's registers free).
template <int W, int MR, int NV, bool IN_PLACE = false>
inline void micro_kernel(const GemmArgs& g, int i, int j, int rows, int cols, int kc, const float* a, const float* b,
                         Pass pass) {
  const std::ptrdiff_t ldb_panel = IN_PLACE ? g.ldb : NV * W;
  typedef typename Vec<W>::type V;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = splat<W>(0.0f);
  for (int p = 0; p < kc; ++p) {
    V bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = load<W>(b + p * ldb_panel + v * W);
    for (int r = 0; r < MR; ++r) {
      const V av = splat<W>(a[p * MR + r]);
      for (int v = 0; v < NV; ++v) acc[r][v] += av * bv[v];
    }
  }
  const float beta = pass.first ? g.beta : 1.0f;
  const bool plain = !pass.last || (!g.bias_rows && !g.bias_cols && !g.relu);
  if (rows == MR && cols == NV * W && plain) {
    // The common case, as straight-line stores: the tile is whole and only
    // beta * C is added (a k block that is not the last, or no epilogue).
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) {
        float* c = g.c + (i + r) * g.ldc + j + v * W;
        store<W>(c, beta != 0.0f ? acc[r][v] + load<W>(c) * splat<W>(beta) : acc[r][v]);
      }
    return;
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v)
      if (r < rows && v * W < cols) finish<W>(g, i + r, j + v * W, std::min(W, cols - v * W), beta, pass, acc[r][v]);
}

// a[tile][p][MR] = A(tile*MR + r, k0 + p), zero for rows past M.
template <int MR>
inline void pack_a(const GemmArgs& g, int k0, int kc, float* a) {
  const int tiles = (g.m + MR - 1) / MR;
  for (int t = 0; t < tiles; ++t)
    for (int r = 0; r < MR; ++r) {
      const int i = t * MR + r;
      float* dst = a + static_cast<std::size_t>(t) * kc * MR + r;
      if (i >= g.m) {
        for (int p = 0; p < kc; ++p) dst[p * MR] = 0.0f;
        continue;
      }
      const float* src = g.a + i * g.a_rs + k0 * g.a_cs;
      for (int p = 0; p < kc; ++p) dst[p * MR] = src[p * g.a_cs];
    }
}

// The same for an A read transposed (a_rs == 1, a dense layer's weight
// gradient in^T · dout): a tile's MR values at one k lie side by side, so
// each k step is one short copy instead of MR reads a row of A apart.
template <int MR>
inline void pack_a_transposed(const GemmArgs& g, int k0, int kc, float* a) {
  const int tiles = (g.m + MR - 1) / MR;
  for (int t = 0; t < tiles; ++t) {
    const int rows = std::min(MR, g.m - t * MR);
    float* dst = a + static_cast<std::size_t>(t) * kc * MR;
    const float* src = g.a + t * MR + k0 * g.a_cs;
    if (rows == MR) {  // a constant size: one vector move, not a call
      for (int p = 0; p < kc; ++p) std::memcpy(dst + p * MR, src + p * g.a_cs, sizeof(float) * MR);
      continue;
    }
    for (int p = 0; p < kc; ++p)
      for (int r = 0; r < MR; ++r) dst[p * MR + r] = r < rows ? src[p * g.a_cs + r] : 0.0f;
  }
}

// b[p][x] = B(k0 + p, j + x) for x < cols, zero up to WIDTH. A transposed B
// is read along its rows and written down the panel's columns: the panel is
// small enough for the L1 cache, so the transposition costs little there.
// WIDTH is a constant so that a whole row is copied by a few vector moves,
// not a call to memcpy: for a product with few rows of A, packing is a large
// part of the work.
template <int WIDTH>
inline void pack_b(const GemmArgs& g, int k0, int kc, int j, int cols, float* b) {
  constexpr int width = WIDTH;
  if (g.b_transposed) {
    for (int x = 0; x < width; ++x) {
      float* dst = b + x;
      if (x >= cols) {
        for (int p = 0; p < kc; ++p) dst[p * width] = 0.0f;
        continue;
      }
      const float* src = g.b + (j + x) * g.ldb + k0;
      for (int p = 0; p < kc; ++p) dst[p * width] = src[p];
    }
    return;
  }
  if (cols == width) {
    for (int p = 0; p < kc; ++p) std::memcpy(b + static_cast<std::size_t>(p) * width, g.b + (k0 + p) * g.ldb + j, sizeof(float) * width);
    return;
  }
  for (int p = 0; p < kc; ++p) {
    float* dst = b + static_cast<std::size_t>(p) * width;
    std::memcpy(dst, g.b + (k0 + p) * g.ldb + j, sizeof(float) * cols);
    std::fill(dst + cols, dst + width, 0.0f);
  }
}

// One column strip of NV vectors over one k block: packs B, then every row
// tile. A product with few row tiles (a conv with 8 or 16 filters) reads a
// whole strip of a plain B where it lies: each packed value would be used
// by only one or two tiles, so the copy would cost more than it saves
// (cnn-small's conv products: 25-35% faster with AVX-512).
template <int W, int MR, int NV>
void strip(const GemmArgs& g, int j, int cols, int k0, int kc, const float* a, float* b, Pass pass) {
  if constexpr (W > 4) {  // natively; in WebAssembly the second kernel measured slower
    if (g.m <= 2 * MR && !g.b_transposed && cols == NV * W) {
      for (int i = 0; i < g.m; i += MR)
        micro_kernel<W, MR, NV, true>(g, i, j, std::min(MR, g.m - i), cols, kc, a + static_cast<std::size_t>(i) * kc,
                                      g.b + k0 * g.ldb + j, pass);
      return;
    }
  }
  pack_b<NV * W>(g, k0, kc, j, cols, b);
  for (int i = 0; i < g.m; i += MR)
    micro_kernel<W, MR, NV>(g, i, j, std::min(MR, g.m - i), cols, kc, a + static_cast<std::size_t>(i) * kc, b, pass);
}

// A product with R <= 4 rows (one image through a dense layer, a main-loop
// piece of a few samples) skips the packing: the blocked path would pack all
// of B for a tile whose rows are mostly zero padding. C[0:R, j:j+NB*W] is
// summed in registers over all of k, each step loading NB vectors of a row
// of B and broadcasting A(r, k); `lanes` < W only in the last vector of a
// row narrower than four floats.
template <int W, int R, int NB>
void few_rows_block(const GemmArgs& g, int j, int lanes = W) {
  typedef typename Vec<W>::type V;
  V acc[R][NB];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NB; ++v) acc[r][v] = splat<W>(0.0f);
  for (int p = 0; p < g.k; ++p) {
    const float* b = g.b + p * g.ldb + j;
    V bv[NB];
    for (int v = 0; v < NB; ++v) bv[v] = v + 1 < NB ? load<W>(b + v * W) : load_lanes<W>(b + v * W, lanes);
    for (int r = 0; r < R; ++r) {
      const V a = splat<W>(g.a[r * g.a_rs + p * g.a_cs]);
      for (int v = 0; v < NB; ++v) acc[r][v] += a * bv[v];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NB; ++v)
      finish<W>(g, r, j + v * W, v + 1 < NB ? W : lanes, g.beta, Pass{true, true}, acc[r][v]);
}

// Blocks of as many vectors as the registers hold, then single vectors; the
// columns left (fewer than W) go to half-width vectors (n = 10 on 16 lanes:
// one vector of 8, then 2 lanes of 4).
template <int W, int R>
void few_rows(const GemmArgs& g) {
  constexpr int NB = R == 1 ? 8 : 8 / R;
  int j = 0;
  for (; j + NB * W <= g.n; j += NB * W) few_rows_block<W, R, NB>(g, j);
  for (; j + W <= g.n; j += W) few_rows_block<W, R, 1>(g, j);
  if (j == g.n) return;
  if constexpr (W > 4) {
    GemmArgs rest = g;
    rest.n = g.n - j;
    rest.b += j;
    rest.c += j;
    if (rest.bias_cols) rest.bias_cols += j;
    few_rows<W / 2, R>(rest);
  } else {
    few_rows_block<W, R, 1>(g, j, g.n - j);
  }
}

// v folded to four lanes: lane l holds the sum of v's lanes l, l+4, l+8, ...
template <int W>
inline typename Vec<4>::type fold_to_four(typename Vec<W>::type v) {
  if constexpr (W == 4) {
    return v;
  } else {
    typename Vec<W / 2>::type low, high;
    std::memcpy(&low, &v, sizeof low);
    std::memcpy(&high, reinterpret_cast<const char*>(&v) + sizeof low, sizeof high);
    return fold_to_four<W / 2>(low + high);
  }
}

// Lane x of the result is the sum of v[x]'s lanes (x < N), 0 past N: the
// sums of a dot tile, four vectors at a time by a transposing tree of
// shuffles and adds, instead of W scalar adds per sum.
template <int W, int N>
inline typename Vec<W>::type lane_sums(const typename Vec<W>::type (&v)[N]) {
  typedef typename Vec<4>::type V4;
  static_assert((N + 3) / 4 * 4 <= W, "the sums fit in one vector");
  float sums[W] = {};
  for (int x0 = 0; x0 < N; x0 += 4) {
    V4 q[4];
    for (int x = 0; x < 4; ++x) q[x] = x0 + x < N ? fold_to_four<W>(v[x0 + x]) : splat<4>(0.0f);
    // pairs: [a0+a2, b0+b2, a1+a3, b1+b3], then the four whole sums
    const V4 ab = __builtin_shufflevector(q[0], q[1], 0, 4, 1, 5) + __builtin_shufflevector(q[0], q[1], 2, 6, 3, 7);
    const V4 cd = __builtin_shufflevector(q[2], q[3], 0, 4, 1, 5) + __builtin_shufflevector(q[2], q[3], 2, 6, 3, 7);
    store<4>(sums + x0, __builtin_shufflevector(ab, cd, 0, 1, 4, 5) + __builtin_shufflevector(ab, cd, 2, 3, 6, 7));
  }
  return load<W>(sums);
}

// A product whose operands both run along a long k: A rows contiguous
// (a_cs = 1) and B transposed, as in a conv's weight gradient
// dw[F, C*K*K] = dout[F, P] · columns[C*K*K, P]^T with P ~ 1000 positions.
// Each C value is the dot product of two contiguous rows, so nothing is
// packed or transposed: a tile of MR rows of A x NR rows of B keeps MR*NR
// vector sums along k and reduces them once at the end. B's tile (NR rows)
// stays in L1 while every row tile of A (the few filters) passes over it.
// Rows past the edge repeat the last row and are never stored.
template <int W, int MR, int NR>
void long_k_dots(const GemmArgs& g) {
  typedef typename Vec<W>::type V;
  for (int j = 0; j < g.n; j += NR) {
    Interrupt::poll(g.interrupt);
    const float* b[NR];
    for (int x = 0; x < NR; ++x) b[x] = g.b + std::min(j + x, g.n - 1) * g.ldb;
    for (int i = 0; i < g.m; i += MR) {
      const float* a[MR];
      for (int r = 0; r < MR; ++r) a[r] = g.a + std::min(i + r, g.m - 1) * g.a_rs;
      V acc[MR][NR];
      for (int r = 0; r < MR; ++r)
        for (int x = 0; x < NR; ++x) acc[r][x] = splat<W>(0.0f);
      const auto step = [&](int p, int lanes) {
        V av[MR];
        for (int r = 0; r < MR; ++r) av[r] = load_lanes<W>(a[r] + p, lanes);
        for (int x = 0; x < NR; ++x) {
          const V bv = load_lanes<W>(b[x] + p, lanes);
          for (int r = 0; r < MR; ++r) acc[r][x] += av[r] * bv;
        }
      };
      int p = 0;
      for (; p + W <= g.k; p += W) step(p, W);
      if (p < g.k) step(p, g.k - p);
      const int cols = std::min(NR, g.n - j);
      for (int r = 0; r < MR && i + r < g.m; ++r)
        finish<W>(g, i + r, j, cols, g.beta, Pass{true, true}, lane_sums<W, NR>(acc[r]));
    }
  }
}

// Products with a k this long run as long_k_dots when their operands allow:
// the one reduction per tile is then a small part of the work.
constexpr int kLongK = 512;

template <int W, int MR, int NV, int KC, int DOT_MR, int DOT_NR>
void gemm_blocked(const GemmArgs& g) {
  static_assert(DOT_NR <= W, "a dot tile's sums are finished as one vector");
  if (g.b_transposed && g.a_cs == 1 && g.k >= kLongK) return long_k_dots<W, DOT_MR, DOT_NR>(g);
  if constexpr (W > 4) {
    if (g.n <= W / 2) return gemm_blocked<W / 2, MR, NV, KC, DOT_MR, std::min(DOT_NR, W / 2)>(g);
  }
  if (g.m < MR && !g.b_transposed) {
    switch (g.m) {
      case 1: return few_rows<W, 1>(g);
      case 2: return few_rows<W, 2>(g);
      case 3: return few_rows<W, 3>(g);
      case 4: return few_rows<W, 4>(g);
    }
  }
  constexpr int nb = NV * W;
  // One pair of buffers per thread: the trainer and the interface each run gemms.
  thread_local std::vector<float> a_pack, b_pack;
  // Grown, never shrunk: a resize up again would zero the new part, and a
  // training step alternates small and large products.
  const std::size_t a_size = static_cast<std::size_t>((g.m + MR - 1) / MR) * MR * KC, b_size = std::size_t(KC) * nb;
  if (a_pack.size() < a_size) a_pack.resize(a_size);
  if (b_pack.size() < b_size) b_pack.resize(b_size);
  for (int k0 = 0; k0 < g.k || k0 == 0; k0 += KC) {
    Interrupt::poll(g.interrupt);
    const int kc = std::min(KC, g.k - k0);
    const Pass pass{k0 == 0, k0 + KC >= g.k};
    if (g.a_rs == 1 && g.a_cs != 1) pack_a_transposed<MR>(g, k0, kc, a_pack.data());
    else pack_a<MR>(g, k0, kc, a_pack.data());
    for (int j = 0; j < g.n; j += nb) {
      const int cols = std::min(nb, g.n - j);
      const int vectors = (cols + W - 1) / W;
      if (vectors == NV) strip<W, MR, NV>(g, j, cols, k0, kc, a_pack.data(), b_pack.data(), pass);
      else if (NV >= 2 && vectors == 1) strip<W, MR, 1>(g, j, cols, k0, kc, a_pack.data(), b_pack.data(), pass);
      else if constexpr (NV >= 3) strip<W, MR, 2>(g, j, cols, k0, kc, a_pack.data(), b_pack.data(), pass);
    }
  }
}

// Plain loops that each instruction set's build vectorises: src is read
// unconditionally, so the select is a blend, not a branch.
inline void masked_copy(float* dst, const float* src, const float* mask, std::ptrdiff_t n) {
  for (std::ptrdiff_t k = 0; k < n; ++k) {
    const float value = src[k];
    dst[k] = mask[k] != 0.0f ? value : 0.0f;
  }
}
inline void masked_add(float* dst, const float* src, const float* mask, std::ptrdiff_t n) {
  for (std::ptrdiff_t k = 0; k < n; ++k) {
    const float value = src[k];
    dst[k] += mask[k] != 0.0f ? value : 0.0f;
  }
}

}  // namespace
}  // namespace kernel_impl
}  // namespace digitlab
