#!/usr/bin/env bash
# Builds everything (native and web) and runs every test. All set-up included.
# Ends with a table of where the time went, failed or not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/timing.sh
DIGITLAB_TIMING=$(mktemp)
export DIGITLAB_TIMING NODE_PATH=/usr/share/nodejs
ctest_log=$(mktemp)
trap 'timing_table; rm -f "$DIGITLAB_TIMING" "$ctest_log"' EXIT

# ctest ends a run with seconds per label ("Label Time Summary"): rows of the table.
label_times() {
  awk '/^Label Time Summary:/ {on = 1; next} on && NF == 0 {on = 0}
       on { sub(/sec\*proc.*/, ""); printf "%d\t    %s\n", $NF, $1 }' "$ctest_log" >>"$DIGITLAB_TIMING"
}
# A ctest run whose output is also kept for label_times.
run_ctest() { ctest "$@" 2>&1 | tee "$ctest_log"; }

scripts/build.sh  # times its own steps

echo "[test] core tests in WebAssembly (node)"
timed "tests: core in WebAssembly (node)" run_ctest --preset web
echo "[test] native tests (core, CLI, server, GUI, browser and desktop end to end)"
status=0
timed "tests: native" run_ctest --preset native || status=$?
label_times
[ "$status" = 0 ] || exit "$status"
echo "[test] fuzzing the weights and IDX parsers, store copy's source and the server's request handling (bounded)"
timed "tests: fuzzing" test/fuzz/run.sh "${DIGITLAB_FUZZ_SECONDS:-10}"
