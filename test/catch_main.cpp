// The one Catch2 main of every test program, compiled once (Catch's runner
// is the slowest file of the build to compile).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <iostream>

#include "digitlab/util/common.h"
#include "digitlab/nn/kernel_path.h"

int main(int argc, char* argv[]) {
  // ctest runs part of the core suite once per kernel path (DIGITLAB_KERNEL):
  // a path this CPU cannot run is a skip (exit 77, ctest's SKIP_RETURN_CODE),
  // not a failure.
  try {
    digitlab::kernel_path();
  } catch (const digitlab::Error& e) {
    std::cerr << "skipped: " << e.what() << "\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
