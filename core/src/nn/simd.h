// Fixed-width float vectors written with GCC/Clang vector extensions, and
// the loads and stores the kernels need: one source that compiles to
// AVX-512, AVX2 or SSE natively and to 128-bit SIMD in WebAssembly.
#pragma once
#include <cstddef>
#include <cstring>
#include <utility>

namespace digitlab {
namespace simd {
// Internal linkage (the unnamed namespace): this header is compiled once
// per instruction set (kernels_avx512.cpp with -mavx512f, kernels_avx2.cpp,
// the baseline files), and an inline function or template instance of the
// same name would otherwise be merged by the linker, which may keep the
// AVX-512 copy for a baseline caller: an illegal instruction on a CPU
// without it.
namespace {

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
// The first `count` (1..W) lanes: a whole vector when it fits, the usual
// case, so the memcpy stays a single vector instruction.
template <int W>
inline typename Vec<W>::type load_lanes(const float* p, int count) {
  if (count == W) return load<W>(p);
  typename Vec<W>::type v = splat<W>(0.0f);
  std::memcpy(&v, p, sizeof(float) * count);
  return v;
}
template <int W>
inline void store_lanes(float* p, typename Vec<W>::type v, int count) {
  if (count == W) return store<W>(p, v);
  std::memcpy(p, &v, sizeof(float) * count);
}

}  // namespace
}  // namespace simd
}  // namespace digitlab
