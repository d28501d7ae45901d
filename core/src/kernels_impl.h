// The gemm micro-kernel, written once with GCC/Clang vector extensions and
// compiled per instruction set (kernels_avx2.cpp, kernels_avx512.cpp, and the
// generic build in kernels.cpp). Each tile keeps MR x NV accumulators of
// vector type V in registers and streams k: per step it loads NV vectors of a
// B row and broadcasts MR values of A, all of it contiguous along N.
//
// B is first copied, NV*W columns and KC rows at a time, into a contiguous
// panel that stays in the L1 cache while every tile of that column strip
// reads it (GotoBLAS's packing): B's rows may be far apart in memory (a
// conv's columns, a dense layer's 3136-row weights), and the panel turns
// those strided, page-crossing reads into one sequential stream.
#pragma once
#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels.h"

namespace digitlab {
namespace kernel_impl {

template <int W>
struct Vec {
  typedef float type __attribute__((vector_size(W * sizeof(float))));
};

// W copies of x. Written as an initializer list, not as (V){} + x: adding
// +0.0 is not a no-op in IEEE arithmetic (-0 + 0 = +0), so that form costs an
// add and a register shuffle per value, where this one compiles to a single
// broadcast load (vbroadcastss, v128.load32_splat).
template <int W, std::size_t... I>
inline typename Vec<W>::type splat(float x, std::index_sequence<I...>) {
  return typename Vec<W>::type{((void)I, x)...};
}
template <int W>
inline typename Vec<W>::type splat(float x) {
  return splat<W>(x, std::make_index_sequence<W>{});
}

template <int W>
inline typename Vec<W>::type load(const float* p) {
  typename Vec<W>::type v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <int W>
inline void store(float* p, typename Vec<W>::type v) {
  std::memcpy(p, &v, sizeof v);
}

// What a tile does with C: on the first k block it starts from beta * C (or
// nothing), later blocks add to what earlier ones stored; the last block
// adds the biases and applies ReLU.
struct Pass {
  bool first, last;
};

// One MR x (NV*W) tile of C at (i, j) over k in [k0, k0 + kc). B rows are
// read from b_rows (row p of the block at b_rows + p * b_stride).
template <int W, int MR, int NV>
inline void tile(const GemmArgs& g, int i, int j, int k0, int kc, const float* b_rows, std::ptrdiff_t b_stride,
                 Pass pass) {
  typedef typename Vec<W>::type V;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = splat<W>(0.0f);
  const float* a = g.a + i * g.a_rs + k0 * g.a_cs;
  for (int p = 0; p < kc; ++p) {
    V bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = load<W>(b_rows + p * b_stride + v * W);
    for (int r = 0; r < MR; ++r) {
      const V av = splat<W>(a[r * g.a_rs + p * g.a_cs]);
      for (int v = 0; v < NV; ++v) acc[r][v] += av * bv[v];
    }
  }
  const float beta = pass.first ? g.beta : 1.0f;
  for (int r = 0; r < MR; ++r) {
    float* c = g.c + (i + r) * g.ldc + j;
    for (int v = 0; v < NV; ++v) {
      V out = acc[r][v];
      if (beta != 0.0f) out += load<W>(c + v * W) * splat<W>(beta);
      if (pass.last) {
        if (g.bias_rows) out += splat<W>(g.bias_rows[i + r]);
        if (g.bias_cols) out += load<W>(g.bias_cols + j + v * W);
        if (g.relu) out = out > splat<W>(0.0f) || out != out ? out : splat<W>(0.0f);
      }
      store<W>(c + v * W, out);
    }
  }
}

// C[:, j] for a single column j, all of k: the edge that vectors do not cover.
inline void column_edge(const GemmArgs& g, int j) {
  for (int i = 0; i < g.m; ++i) {
    float sum = 0.0f;
    const float* a = g.a + i * g.a_rs;
    for (int p = 0; p < g.k; ++p) sum += a[p * g.a_cs] * g.b[p * g.ldb + j];
    float* c = g.c + i * g.ldc + j;
    float out = sum + (g.beta != 0.0f ? g.beta * *c : 0.0f);
    if (g.bias_rows) out += g.bias_rows[i];
    if (g.bias_cols) out += g.bias_cols[j];
    if (g.relu && !(out > 0.0f || out != out)) out = 0.0f;
    *c = out;
  }
}

// Every row tile of the column strip [j, j + NV*W) over the k block.
template <int W, int MR, int NV>
inline void strip(const GemmArgs& g, int j, int k0, int kc, const float* b_rows, std::ptrdiff_t b_stride, Pass pass) {
  const int m_full = g.m / MR * MR;
  int i = 0;
  for (; i < m_full; i += MR) tile<W, MR, NV>(g, i, j, k0, kc, b_rows, b_stride, pass);
  for (; i < g.m; ++i) tile<W, 1, NV>(g, i, j, k0, kc, b_rows, b_stride, pass);
}

// Columns [j0, n) of C: full strips of NV*W columns through packed panels of
// at most KC rows; the columns left over (fewer than NV*W) in single vectors
// read straight from B, then half-width vectors down to 4 floats, and only
// the last few in scalar code. So a narrow C (a conv layer with 8 filters
// under AVX-512) still runs on vectors.
template <int W, int MR, int NV, int KC>
void gemm_columns(const GemmArgs& g, int j0) {
  constexpr int nb = NV * W;
  const int n_full = j0 + (g.n - j0) / nb * nb;
  const int n_vec = j0 + (g.n - j0) / W * W;
  if (n_full > j0) {
    // One panel per thread: the trainer and the interface each run gemms.
    thread_local std::vector<float> panel;
    panel.resize(static_cast<std::size_t>(KC) * nb);
    for (int j = j0; j < n_full; j += nb)
      for (int k0 = 0; k0 < g.k || k0 == 0; k0 += KC) {
        const int kc = std::min(KC, g.k - k0);
        for (int p = 0; p < kc; ++p) std::memcpy(&panel[p * nb], g.b + (k0 + p) * g.ldb + j, sizeof(float) * nb);
        strip<W, MR, NV>(g, j, k0, kc, panel.data(), nb, Pass{k0 == 0, k0 + KC >= g.k});
      }
  }
  for (int j = n_full; j < n_vec; j += W) strip<W, MR, 1>(g, j, 0, g.k, g.b + j, g.ldb, Pass{true, true});
  if constexpr (W > 4) {
    if (n_vec < g.n) gemm_columns<W / 2, MR, 1, KC>(g, n_vec);
  } else {
    for (int j = n_vec; j < g.n; ++j) column_edge(g, j);
  }
}

template <int W, int MR, int NV, int KC>
void gemm_tiled(const GemmArgs& g) {
  gemm_columns<W, MR, NV, KC>(g, 0);
}

}  // namespace kernel_impl
}  // namespace digitlab
