#include <catch2/catch.hpp>
#include <array>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "digitlab/util/common.h"
#include "digitlab/nn/kernel_path.h"
#include "nn/kernels.h"

using digitlab::GemmArgs;

namespace {
// Runs the kernels on `path` while it lives, then goes back to the path in
// use before. The cases below run once per path this CPU has
// (GENERATE): a CPU with AVX-512 checks all three.
struct OnKernelPath {
  const std::string before = digitlab::kernel_path();
  explicit OnKernelPath(const std::string& path) { digitlab::use_kernel_path(path); }
  ~OnKernelPath() { digitlab::use_kernel_path(before); }
};

std::vector<float> random_matrix(std::size_t n, unsigned seed) {
  std::vector<float> m(n);
  for (auto& v : m) v = static_cast<float>((seed = seed * 1103515245u + 12345u) >> 16 & 0x7fff) / 16384.0f - 1.0f;
  return m;
}

// The epilogue a product asks for: biases by row or column, ReLU; and B
// stored transposed ([N, K]).
struct Epilogue {
  bool rows = false, cols = false, relu = false;
  bool b_transposed = false;
};

// Runs the fast kernel and the reference on the same problem and compares.
void check_against_reference(int m, int n, int k, bool a_transposed, float beta, Epilogue e = {}) {
  INFO("m=" << m << " n=" << n << " k=" << k << " transposed=" << a_transposed << " beta=" << beta << " bias rows="
            << e.rows << " cols=" << e.cols << " relu=" << e.relu << " b transposed=" << e.b_transposed);
  const auto a = random_matrix(static_cast<std::size_t>(m) * k, 1u + m);
  const auto b = random_matrix(static_cast<std::size_t>(k) * n, 2u + n);
  const auto bias_rows = random_matrix(m, 4u), bias_cols = random_matrix(n, 5u);
  auto c_fast = random_matrix(static_cast<std::size_t>(m) * n, 3u + k);
  auto c_ref = c_fast;
  const std::ptrdiff_t rs = a_transposed ? 1 : k, cs = a_transposed ? m : 1;
  GemmArgs fast{m, n, k, a.data(), rs, cs, b.data(), e.b_transposed ? k : n, c_fast.data(), n, beta};
  fast.b_transposed = e.b_transposed;
  fast.bias_rows = e.rows ? bias_rows.data() : nullptr;
  fast.bias_cols = e.cols ? bias_cols.data() : nullptr;
  fast.relu = e.relu;
  GemmArgs reference = fast;
  reference.c = c_ref.data();
  digitlab::gemm(fast);
  digitlab::gemm_reference(reference);
  int zeros = 0;
  for (std::size_t i = 0; i < c_ref.size(); ++i) {
    REQUIRE(c_fast[i] == Approx(c_ref[i]).margin(1e-4 * std::sqrt(k)));
    zeros += c_ref[i] == 0.0f;
  }
  if (e.relu && m * n >= 16) CHECK(zeros > 0);  // ReLU really clipped something
}
}  // namespace

TEST_CASE("fast gemm matches the reference on every shape the layers use", "[kernels]") {
  const std::string path = GENERATE(from_range(digitlab::supported_kernel_paths()));
  const OnKernelPath on(path);
  INFO("kernel " << path);
  // forward (64x784 · 784x128), weight gradient (A transposed), the 10-wide
  // output layer, and odd sizes that exercise every edge path.
  check_against_reference(64, 128, 784, false, 1.0f);
  check_against_reference(784, 128, 64, true, 0.0f);
  check_against_reference(64, 10, 128, false, 1.0f);
  check_against_reference(128, 10, 64, true, 0.0f);
  // one image through cnn's dense layer (3136 -> 128), and rows of few_rows
  // wide enough for its register blocks of several vectors plus every tail
  check_against_reference(1, 128, 3136, false, 0.0f, {false, true, true});
  for (int m : {1, 2, 4}) check_against_reference(m, 300, 70, false, 1.0f, {false, true, false});
  for (int m : {1, 3, 8, 9, 17})
    for (int n : {1, 4, 7, 8, 12, 16, 24, 33, 50, 100})
      for (int k : {1, 5, 31, 300}) {
        check_against_reference(m, n, k, false, 0.0f);
        check_against_reference(m, n, k, true, 1.0f);
      }
}

TEST_CASE("the conv layers' products and the fused epilogue match the reference", "[kernels]") {
  const std::string path = GENERATE(from_range(digitlab::supported_kernel_paths()));
  const OnKernelPath on(path);
  INFO("kernel " << path);
  // forward out[F, positions] = w[F, C*K*K] · columns; dw^T; d_columns = w^T · dout
  check_against_reference(8, 1024, 25, false, 0.0f, {true, false, true});
  check_against_reference(16, 980, 200, false, 0.0f, {true, false, false});
  check_against_reference(64, 784, 288, false, 0.0f, {true, false, true});
  check_against_reference(288, 64, 784, false, 1.0f);
  check_against_reference(25, 8, 1024, false, 1.0f);
  check_against_reference(288, 784, 64, true, 0.0f);
  // dw[F, C*K*K] = dout · columns^T: both operands along k (long_k_dots),
  // with the edges of its tiles in both directions and a partial last vector
  for (auto [m, n, k] : {std::array<int, 3>{16, 200, 980}, {8, 25, 784}, {64, 288, 980}, {32, 9, 784}, {5, 7, 517},
                         {1, 1, 512}})
    for (float beta : {0.0f, 1.0f}) check_against_reference(m, n, k, false, beta, {false, false, false, true});
  // dense with bias and ReLU, and the K-blocked path (k beyond one panel)
  check_against_reference(64, 128, 3136, false, 0.0f, {false, true, true});
  check_against_reference(5, 10, 700, false, 1.0f, {true, true, true});
}

TEST_CASE("gemm honours the leading dimension of C", "[kernels]") {
  const std::string path = GENERATE(from_range(digitlab::supported_kernel_paths()));
  const OnKernelPath on(path);
  INFO("kernel " << path);
  // C is a 2x3 window inside a 2x5 buffer: columns 3 and 4 must stay untouched.
  const std::vector<float> a = {1, 2, 3, 4};  // 2x2
  const std::vector<float> b = {1, 0, 2, 0, 1, 3};  // 2x3
  std::vector<float> c(10, 7.0f);
  digitlab::gemm({2, 3, 2, a.data(), 2, 1, b.data(), 3, c.data(), 5, 0.0f});
  CHECK(c == std::vector<float>{1, 2, 8, 7, 7, 3, 4, 18, 7, 7});
}

TEST_CASE("masked copy and add keep the values the mask lets through, at every length", "[kernels]") {
  const std::string path = GENERATE(from_range(digitlab::supported_kernel_paths()));
  const OnKernelPath on(path);
  INFO("kernel " << path);
  // Lengths around every vector width, and an unaligned start.
  for (int n : {1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 196, 784}) {
    INFO("n=" << n);
    const auto src = random_matrix(n + 1, 7u + n), base = random_matrix(n + 1, 8u + n);
    std::vector<float> mask(n + 1);
    for (int k = 0; k <= n; ++k) mask[k] = k % 3 == 1 ? 0.0f : 1.0f;
    std::vector<float> copied = base, added = base;
    digitlab::masked_copy(copied.data() + 1, src.data() + 1, mask.data() + 1, n);
    digitlab::masked_add(added.data() + 1, src.data() + 1, mask.data() + 1, n);
    CHECK(copied[0] == base[0]);  // nothing before the start is written
    CHECK(added[0] == base[0]);
    for (int k = 1; k <= n; ++k) {
      REQUIRE(copied[k] == (mask[k] != 0.0f ? src[k] : 0.0f));
      REQUIRE(added[k] == base[k] + (mask[k] != 0.0f ? src[k] : 0.0f));
    }
  }
}

TEST_CASE("the kernel path is chosen at run time, and a path the CPU lacks is refused", "[kernels]") {
  const std::vector<std::string> paths = digitlab::supported_kernel_paths();
  REQUIRE(!paths.empty());
#ifdef __EMSCRIPTEN__
  CHECK(paths == std::vector<std::string>{"wasm-simd128"});
#else
  CHECK(paths.back() == "baseline");  // every x86-64 runs SSE2
#endif
  const std::string before = digitlab::kernel_path();
  // DIGITLAB_KERNEL (set by the ctest runs per path) or else the fastest.
  const char* wanted = std::getenv("DIGITLAB_KERNEL");
  CHECK(before == (wanted && *wanted ? std::string(wanted) : paths.front()));
  for (const std::string& path : paths) {
    digitlab::use_kernel_path(path);
    CHECK(digitlab::kernel_path() == path);
  }
  CHECK_THROWS_WITH(digitlab::use_kernel_path("avx1024"),
                    Catch::Contains("kernel path 'avx1024' is not one this CPU runs"));
  CHECK(digitlab::kernel_path() == paths.back());  // a refused name changes nothing
  digitlab::use_kernel_path(before);
}
