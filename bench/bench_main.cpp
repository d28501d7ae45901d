// digitlab-bench: the core benchmarks as a program of their own, for the
// WebAssembly build under node (natively, `digitlab-cli bench` runs them).
#include <cstring>
#include <iostream>

#include "bench.h"

int main(int argc, char** argv) {
  digitlab::BenchOptions options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      options.quick = true;
    } else {
      std::cerr << "usage: digitlab-bench [--quick]\n";
      return 2;
    }
  }
  digitlab::run_benchmarks(options, std::cout);
  return 0;
}
