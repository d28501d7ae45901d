// Matrix kernels behind the layers. One operation covers every gemm the MLP
// needs (forward, weight gradient, input gradient), with A read through
// strides so no operand has to be transposed in memory:
//   C[M,N] = beta * C + sum_k A(m,k) * B[k,N]      A(m,k) = A[m*a_rs + k*a_cs]
// B and C are row-major with leading dimensions ldb and ldc.
#pragma once
#include <cstddef>

namespace digitlab {

struct GemmArgs {
  int m, n, k;
  const float* a;
  std::ptrdiff_t a_rs, a_cs;
  const float* b;
  std::ptrdiff_t ldb;
  float* c;
  std::ptrdiff_t ldc;
  float beta;  // 0: overwrite C, 1: accumulate into C
};

// Fastest kernel for this machine: AVX-512 or AVX2 natively (picked at run
// time), 128-bit SIMD in WebAssembly.
void gemm(const GemmArgs& args);

// Plain loops: the reference the fast kernels are tested against.
void gemm_reference(const GemmArgs& args);

// Name of the kernel gemm() uses here ("avx512", "avx2", "sse2", "wasm-simd128").
const char* gemm_kernel_name();

}  // namespace digitlab
