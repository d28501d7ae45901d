#include "kernels.h"

#include "kernels_impl.h"

namespace digitlab {

void gemm_reference(const GemmArgs& g) {
  for (int i = 0; i < g.m; ++i)
    for (int j = 0; j < g.n; ++j) {
      double sum = 0.0;
      for (int p = 0; p < g.k; ++p)
        sum += static_cast<double>(g.a[i * g.a_rs + p * g.a_cs]) * (g.b_transposed ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j]);
      float* c = g.c + i * g.ldc + j;
      float out = static_cast<float>(sum) + (g.beta != 0.0f ? g.beta * *c : 0.0f);
      if (g.bias_rows) out += g.bias_rows[i];
      if (g.bias_cols) out += g.bias_cols[j];
      if (g.relu && !(out > 0.0f || out != out)) out = 0.0f;
      *c = out;
    }
}

#if defined(__x86_64__) || defined(__i386__)
void gemm_avx2(const GemmArgs& g);
void gemm_avx512(const GemmArgs& g);

namespace {
using GemmFn = void (*)(const GemmArgs&);
struct Kernel {
  GemmFn fn;
  const char* name;
};
Kernel pick_kernel() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {gemm_avx512, "avx512"};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return {gemm_avx2, "avx2"};
  return {kernel_impl::gemm_blocked<4, 4, 2, 256, 2, 4>, "sse2"};
}
const Kernel& kernel() {
  static const Kernel k = pick_kernel();
  return k;
}
}  // namespace

void gemm(const GemmArgs& g) { kernel().fn(g); }
const char* gemm_kernel_name() { return kernel().name; }

#else
// WebAssembly with -msimd128: 4-wide vectors; 4x2 tiles keep the 8
// accumulators plus operands within the 16 registers V8 maps v128 to.
void gemm(const GemmArgs& g) { kernel_impl::gemm_blocked<4, 4, 2, 256, 2, 4>(g); }
const char* gemm_kernel_name() {
#if defined(__wasm_simd128__)
  return "wasm-simd128";
#else
  return "generic";
#endif
}
#endif

}  // namespace digitlab
