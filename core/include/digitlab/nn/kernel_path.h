// Which instruction set core's kernels run on. A native build carries the
// kernels three times, for AVX-512, for AVX2 + FMA and for the SSE2
// baseline every x86-64 has, and uses the fastest the CPU runs unless the
// environment variable DIGITLAB_KERNEL names another (avx512, avx2 or
// baseline). Float sums come out in another order on each path, so one
// machine can test and benchmark every path its CPU supports, as a machine
// of another kind would run it. WebAssembly has one path, wasm-simd128.
#pragma once
#include <string>
#include <vector>

namespace digitlab {

// The paths this CPU can run, fastest first: e.g. {"avx512", "avx2", "baseline"}.
std::vector<std::string> supported_kernel_paths();

// The path in use. The first kernel call (or this) settles it: DIGITLAB_KERNEL
// when set, else the fastest supported path. Throws Error when
// DIGITLAB_KERNEL names a path that does not exist or this CPU cannot run.
std::string kernel_path();

// Every kernel runs on `name` from its next call on. Throws Error, changing
// nothing, for a path that does not exist or this CPU cannot run.
void use_kernel_path(const std::string& name);

}  // namespace digitlab
