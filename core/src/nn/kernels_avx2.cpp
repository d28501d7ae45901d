// The kernels for AVX2 + FMA (compiled with -mavx2 -mfma, see core/CMakeLists.txt).
#include "nn/kernels_impl.h"

namespace digitlab {
extern const KernelSet kAvx2Kernels{kernel_impl::gemm_blocked<8, 4, 3, 256, 3, 3>, kernel_impl::masked_copy,
                                    kernel_impl::masked_add, "avx2"};
}  // namespace digitlab
