#!/usr/bin/env bash
# Builds everything (native and web) and runs every test. All set-up included.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc)

echo "[test] building native"
cmake --preset native >/dev/null
cmake --build --preset native -j"$jobs"
echo "[test] building web"
cmake --preset web >/dev/null
cmake --build --preset web -j"$jobs"

echo "[test] core tests in WebAssembly (node)"
ctest --preset web
echo "[test] native tests (core, CLI, server, GUI, browser and desktop end to end)"
ctest --preset native
echo "[test] fuzzing the weights and IDX parsers (bounded)"
test/fuzz/run.sh "${DIGITLAB_FUZZ_SECONDS:-15}"
