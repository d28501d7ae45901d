// Matrix kernels behind the layers. One operation covers every product the
// layers need (forward, weight gradient, input gradient), with A read through
// strides so no operand has to be transposed in memory, and an epilogue that
// adds a bias and applies ReLU while the result is still in registers:
//   C[M,N] = relu?(beta * C + sum_k A(m,k) * B(k,n) + bias_rows[m] + bias_cols[n])
//   A(m,k) = A[m*a_rs + k*a_cs]; B(k,n) = B[k*ldb + n], or B[n*ldb + k] when
//   b_transposed; C row-major with leading dimension ldc.
#pragma once
#include <cstddef>

#include "digitlab/util/interrupt.h"

namespace digitlab {

struct GemmArgs {
  int m, n, k;
  const float* a;
  std::ptrdiff_t a_rs, a_cs;
  const float* b;
  std::ptrdiff_t ldb;
  float* c;
  std::ptrdiff_t ldc;
  float beta;                          // 0: overwrite C, 1: accumulate into C
  const float* bias_rows = nullptr;    // [M], added to every row m (a conv's bias)
  const float* bias_cols = nullptr;    // [N], added to every column n (a dense layer's bias)
  bool relu = false;                   // max(0, .) last (NaN passes through)
  bool b_transposed = false;           // B stored [N, K]: B(k,n) = B[n*ldb + k]
  // Polled between blocks of k (or of B's rows for a long-k product): a
  // product of any size stops within a millisecond or two of a request.
  const Interrupt* interrupt = nullptr;
};

// On the kernel path in use (digitlab/kernel_path.h): AVX-512, AVX2 or the
// SSE2 baseline natively, 128-bit SIMD in WebAssembly.
void gemm(const GemmArgs& args);

// Plain loops: the reference the fast kernels are tested against.
void gemm_reference(const GemmArgs& args);

// The loops of im2col and its transpose for a 'same' conv (conv.cpp), k < n:
//   masked_copy: dst[k] = mask[k] != 0 ? src[k] : 0
//   masked_add:  dst[k] += mask[k] != 0 ? src[k] : 0
// Compiled per instruction set like gemm: with AVX-512 they run 16 lanes
// where the baseline build has 4 (cnn-small trains about 10% faster).
void masked_copy(float* dst, const float* src, const float* mask, std::ptrdiff_t n);
void masked_add(float* dst, const float* src, const float* mask, std::ptrdiff_t n);

// The kernels of one instruction set (kernels_avx512.cpp, kernels_avx2.cpp,
// kernels.cpp's baseline); kernels.cpp picks one set at run time.
struct KernelSet {
  void (*gemm)(const GemmArgs&);
  void (*masked_copy)(float*, const float*, const float*, std::ptrdiff_t);
  void (*masked_add)(float*, const float*, const float*, std::ptrdiff_t);
  const char* name;  // the kernel path's name (kernel_path.h)
};

}  // namespace digitlab
