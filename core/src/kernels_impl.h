// The gemm micro-kernel, written once with GCC/Clang vector extensions and
// compiled per instruction set (kernels_avx2.cpp, kernels_avx512.cpp, and the
// generic build in kernels.cpp). Each tile keeps MR x NV accumulators of
// vector type V in registers and streams k: per step it loads NV vectors of a
// B row and broadcasts MR values of A, all of it contiguous along N.
#pragma once
#include <cstring>

#include "kernels.h"

namespace digitlab {
namespace kernel_impl {

template <int W>
struct Vec {
  typedef float type __attribute__((vector_size(W * sizeof(float))));
};

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

// One MR x (NV*W) tile of C at (i, j).
template <int W, int MR, int NV>
inline void tile(const GemmArgs& g, int i, int j) {
  typedef typename Vec<W>::type V;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = V{} + 0.0f;
  const float* a = g.a + i * g.a_rs;
  const float* b = g.b + j;
  for (int p = 0; p < g.k; ++p) {
    V bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = load<W>(b + p * g.ldb + v * W);
    for (int r = 0; r < MR; ++r) {
      const V av = V{} + a[r * g.a_rs + p * g.a_cs];
      for (int v = 0; v < NV; ++v) acc[r][v] += av * bv[v];
    }
  }
  for (int r = 0; r < MR; ++r) {
    float* c = g.c + (i + r) * g.ldc + j;
    for (int v = 0; v < NV; ++v) {
      V out = acc[r][v];
      if (g.beta != 0.0f) out += load<W>(c + v * W) * g.beta;
      store<W>(c + v * W, out);
    }
  }
}

// C[i0:i1, j] for a single column j: the edge that full vectors do not cover.
inline void column_edge(const GemmArgs& g, int i0, int i1, int j) {
  for (int i = i0; i < i1; ++i) {
    float sum = 0.0f;
    const float* a = g.a + i * g.a_rs;
    for (int p = 0; p < g.k; ++p) sum += a[p * g.a_cs] * g.b[p * g.ldb + j];
    float* c = g.c + i * g.ldc + j;
    *c = sum + (g.beta != 0.0f ? g.beta * *c : 0.0f);
  }
}

template <int W, int MR, int NV>
void gemm_tiled(const GemmArgs& g) {
  const int nb = NV * W;
  const int n_full = g.n / nb * nb;
  const int n_vec = g.n / W * W;
  const int m_full = g.m / MR * MR;
  for (int j = 0; j < n_full; j += nb) {
    int i = 0;
    for (; i < m_full; i += MR) tile<W, MR, NV>(g, i, j);
    for (; i < g.m; ++i) tile<W, 1, NV>(g, i, j);
  }
  for (int j = n_full; j < n_vec; j += W) {
    int i = 0;
    for (; i < m_full; i += MR) tile<W, MR, 1>(g, i, j);
    for (; i < g.m; ++i) tile<W, 1, 1>(g, i, j);
  }
  for (int j = n_vec; j < g.n; ++j) column_edge(g, 0, g.m, j);
}

}  // namespace kernel_impl
}  // namespace digitlab
