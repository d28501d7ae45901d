#!/usr/bin/env bash
# Set-up, then both builds: native (build/native/bin) and web (build/web).
# Shared by scripts/run.sh and scripts/test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc)
echo "[build] native"
cmake --preset native >/dev/null
cmake --build --preset native -j"$jobs"
echo "[build] web"
cmake --preset web >/dev/null
cmake --build --preset web -j"$jobs"
