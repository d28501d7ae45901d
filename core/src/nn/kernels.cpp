#include "nn/kernels.h"

#include <atomic>
#include <cstdlib>

#include "digitlab/util/common.h"
#include "digitlab/nn/kernel_path.h"
#include "nn/kernels_impl.h"

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
extern const KernelSet kAvx2Kernels, kAvx512Kernels;  // kernels_avx2.cpp, kernels_avx512.cpp
#endif

namespace {
// The baseline build's set: SSE2 natively (every x86-64 has it); in
// WebAssembly with -msimd128, 4-wide vectors, where 4x2 tiles keep the 8
// accumulators plus operands within the 16 registers V8 maps v128 to.
const KernelSet kBaselineKernels{kernel_impl::gemm_blocked<4, 4, 2, 256, 2, 4>, kernel_impl::masked_copy,
                                 kernel_impl::masked_add,
#if defined(__wasm_simd128__)
                                 "wasm-simd128"
#else
                                 "baseline"
#endif
};

// The sets this CPU runs, fastest first.
std::vector<const KernelSet*> supported_sets() {
  std::vector<const KernelSet*> sets;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) sets.push_back(&kAvx512Kernels);
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) sets.push_back(&kAvx2Kernels);
#endif
  sets.push_back(&kBaselineKernels);
  return sets;
}

const KernelSet& find_set(const std::string& name) {
  std::string known;
  for (const KernelSet* set : supported_sets()) {
    if (name == set->name) return *set;
    known += (known.empty() ? "" : ", ") + std::string(set->name);
  }
  throw Error("kernel path '" + name + "' is not one this CPU runs (it runs: " + known + ")");
}

const KernelSet& default_set() {
  const char* wanted = std::getenv("DIGITLAB_KERNEL");
  if (wanted && *wanted) {
    try {
      return find_set(wanted);
    } catch (const Error& e) {
      throw Error(std::string("DIGITLAB_KERNEL: ") + e.what());
    }
  }
  return *supported_sets().front();
}

// Read by every kernel call on any thread; a relaxed load costs nothing.
std::atomic<const KernelSet*> current{nullptr};

const KernelSet& kernels() {
  const KernelSet* set = current.load(std::memory_order_relaxed);
  if (set) return *set;
  const KernelSet* settled = &default_set();
  current.compare_exchange_strong(set, settled);  // a racing first call settles the same set
  return *current.load(std::memory_order_relaxed);
}
}  // namespace

void gemm(const GemmArgs& g) { kernels().gemm(g); }
void masked_copy(float* dst, const float* src, const float* mask, std::ptrdiff_t n) {
  kernels().masked_copy(dst, src, mask, n);
}
void masked_add(float* dst, const float* src, const float* mask, std::ptrdiff_t n) {
  kernels().masked_add(dst, src, mask, n);
}

std::vector<std::string> supported_kernel_paths() {
  std::vector<std::string> names;
  for (const KernelSet* set : supported_sets()) names.push_back(set->name);
  return names;
}
std::string kernel_path() { return kernels().name; }
void use_kernel_path(const std::string& name) { current.store(&find_set(name), std::memory_order_relaxed); }

}  // namespace digitlab
