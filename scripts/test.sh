#!/usr/bin/env bash
# Builds everything (native and web) and runs every test. All set-up included.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/build.sh
export NODE_PATH=/usr/share/nodejs

echo "[test] core tests in WebAssembly (node)"
ctest --preset web
echo "[test] native tests (core, CLI, server, GUI, browser and desktop end to end)"
ctest --preset native
echo "[test] fuzzing the weights and IDX parsers (bounded)"
test/fuzz/run.sh "${DIGITLAB_FUZZ_SECONDS:-15}"
