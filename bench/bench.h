// The core benchmarks, shared by `digitlab-cli bench` (native) and
// digitlab-bench.js (the same code built with em++, run under node).
#pragma once
#include <ostream>

namespace digitlab {

struct BenchOptions {
  bool quick = false;  // shorter measurements (scripts/bench.sh --quick)
};

// Prints one line per figure:
//   bench=<name> build=<native|wasm> metric=<metric> value=<number>
void run_benchmarks(const BenchOptions& options, std::ostream& out);

}  // namespace digitlab
