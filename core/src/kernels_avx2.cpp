// gemm micro-kernel for AVX2 + FMA (compiled with -mavx2 -mfma, see core/CMakeLists.txt).
#include "kernels_impl.h"

namespace digitlab {
void gemm_avx2(const GemmArgs& g) { kernel_impl::gemm_blocked<8, 4, 3, 256, 3, 3>(g); }
}  // namespace digitlab
