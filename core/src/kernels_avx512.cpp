// gemm micro-kernel for AVX-512 (compiled with -mavx512f, see core/CMakeLists.txt).
#include "kernels_impl.h"

namespace digitlab {
void gemm_avx512(const GemmArgs& g) { kernel_impl::gemm_blocked<16, 8, 3, 128, 4, 6>(g); }
}  // namespace digitlab
