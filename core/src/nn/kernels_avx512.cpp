// The kernels for AVX-512 (compiled with -mavx512f, see core/CMakeLists.txt).
#include "nn/kernels_impl.h"

namespace digitlab {
extern const KernelSet kAvx512Kernels{kernel_impl::gemm_blocked<16, 8, 3, 128, 4, 6>, kernel_impl::masked_copy,
                                      kernel_impl::masked_add, "avx512"};
}  // namespace digitlab
