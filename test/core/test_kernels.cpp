#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "kernels.h"

using digitlab::GemmArgs;

namespace {
std::vector<float> random_matrix(std::size_t n, unsigned seed) {
  std::vector<float> m(n);
  for (auto& v : m) v = static_cast<float>((seed = seed * 1103515245u + 12345u) >> 16 & 0x7fff) / 16384.0f - 1.0f;
  return m;
}

// Runs the fast kernel and the reference on the same problem and compares.
void check_against_reference(int m, int n, int k, bool a_transposed, float beta) {
  const auto a = random_matrix(static_cast<std::size_t>(m) * k, 1u + m);
  const auto b = random_matrix(static_cast<std::size_t>(k) * n, 2u + n);
  auto c_fast = random_matrix(static_cast<std::size_t>(m) * n, 3u + k);
  auto c_ref = c_fast;
  const std::ptrdiff_t rs = a_transposed ? 1 : k, cs = a_transposed ? m : 1;
  digitlab::gemm({m, n, k, a.data(), rs, cs, b.data(), n, c_fast.data(), n, beta});
  digitlab::gemm_reference({m, n, k, a.data(), rs, cs, b.data(), n, c_ref.data(), n, beta});
  for (std::size_t i = 0; i < c_ref.size(); ++i)
    REQUIRE(c_fast[i] == Approx(c_ref[i]).margin(1e-4 * std::sqrt(k)));
}
}  // namespace

TEST_CASE("fast gemm matches the reference on every shape the layers use", "[kernels]") {
  INFO("kernel " << digitlab::gemm_kernel_name());
  // forward (64x784 · 784x128), weight gradient (A transposed), the 10-wide
  // output layer, and odd sizes that exercise every edge path.
  check_against_reference(64, 128, 784, false, 1.0f);
  check_against_reference(784, 128, 64, true, 0.0f);
  check_against_reference(64, 10, 128, false, 1.0f);
  check_against_reference(128, 10, 64, true, 0.0f);
  for (int m : {1, 3, 8, 9, 17})
    for (int n : {1, 4, 7, 16, 33, 50})
      for (int k : {1, 5, 31}) {
        check_against_reference(m, n, k, false, 0.0f);
        check_against_reference(m, n, k, true, 1.0f);
      }
}

TEST_CASE("gemm honours the leading dimension of C", "[kernels]") {
  // C is a 2x3 window inside a 2x5 buffer: columns 3 and 4 must stay untouched.
  const std::vector<float> a = {1, 2, 3, 4};  // 2x2
  const std::vector<float> b = {1, 0, 2, 0, 1, 3};  // 2x3
  std::vector<float> c(10, 7.0f);
  digitlab::gemm({2, 3, 2, a.data(), 2, 1, b.data(), 3, c.data(), 5, 0.0f});
  CHECK(c == std::vector<float>{1, 2, 8, 7, 7, 3, 4, 18, 7, 7});
}
