// Is Debian's OpenBLAS worth a dependency? Times core's gemm against
// cblas_sgemm (one thread) on the three products of a 784-128-10 training
// step at batch 64, and prints one line per figure:
//   bench=gemm_<shape> build=<kernel|openblas> metric=us value=<number>
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "digitlab/nn/kernel_path.h"
#include "nn/kernels.h"

extern "C" void openblas_set_num_threads(int);
extern "C" char* openblas_get_corename(void);

namespace {
using Clock = std::chrono::steady_clock;

template <class F>
double median_us(F f) {
  for (int i = 0; i < 50; ++i) f();
  std::vector<double> t;
  for (int r = 0; r < 200; ++r) {
    const auto start = Clock::now();
    for (int i = 0; i < 10; ++i) f();
    t.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() / 10);
  }
  std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
  return t[t.size() / 2];
}
}  // namespace

int main() {
  openblas_set_num_threads(1);
  std::printf("# kernel=%s openblas_core=%s\n", digitlab::kernel_path().c_str(), openblas_get_corename());
  const int B = 64, I = 784, H = 128, O = 10;
  std::vector<float> x(B * I, 0.5f), w1(I * H, 0.01f), h(B * H), dh(B * H, 0.1f), dw1(I * H), w2(H * O, 0.1f),
      dout(B * O, 0.1f), w2t(O * H);
  struct Shape {
    const char* name;
    bool a_transposed;
    int m, n, k;
    const float* a;
    const float* b;
    float* c;
  };
  const Shape shapes[] = {
      {"forward_64x784x128", false, B, H, I, x.data(), w1.data(), h.data()},
      {"weightgrad_784x64x128", true, I, H, B, x.data(), dh.data(), dw1.data()},
      {"inputgrad_64x10x128", false, B, H, O, dout.data(), w2t.data(), h.data()},
  };
  for (const Shape& s : shapes) {
    const std::ptrdiff_t rs = s.a_transposed ? 1 : s.k, cs = s.a_transposed ? s.m : 1;
    const double ours = median_us([&] { digitlab::gemm({s.m, s.n, s.k, s.a, rs, cs, s.b, s.n, s.c, s.n, 0.0f}); });
    const double blas = median_us([&] {
      cblas_sgemm(CblasRowMajor, s.a_transposed ? CblasTrans : CblasNoTrans, CblasNoTrans, s.m, s.n, s.k, 1.0f, s.a,
                  s.a_transposed ? s.m : s.k, s.b, s.n, 0.0f, s.c, s.n);
    });
    std::printf("bench=gemm_%s build=kernel metric=us value=%.2f\n", s.name, ours);
    std::printf("bench=gemm_%s build=openblas metric=us value=%.2f\n", s.name, blas);
  }
  return 0;
}
