#!/usr/bin/env bash
# Set-up, then both builds: native (build/native/bin) and web (build/web).
# Shared by scripts/run.sh and scripts/test.sh. SDL2 for WebAssembly
# (scripts/web_sdl2.sh, once per machine) is built beside the native build:
# its configure step runs on one core, the native build fills the other.
# With DIGITLAB_TIMING set (scripts/timing.sh), each step's seconds are kept.
# (timed runs its command in an || list, where set -e does not act: the
# steps chain with &&.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/timing.sh
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc)

timed "set-up (packages, sources, data)" scripts/setup.sh
sdl2_log=$(mktemp)
# Its own process group, so a failed native build stops it too.
setsid scripts/web_sdl2.sh >"$sdl2_log" 2>&1 &
sdl2=$!
trap 'kill -- -"$sdl2" 2>/dev/null || true; rm -f "$sdl2_log"' EXIT
echo "[build] native"
native() { cmake --preset native >/dev/null && cmake --build --preset native -j"$jobs"; }
timed "build native (SDL2 for the web alongside)" native
echo "[build] waiting for SDL2 for the web"
timed "SDL2 for the web (after the native build)" wait "$sdl2" || { cat "$sdl2_log" >&2; exit 1; }
cat "$sdl2_log"
echo "[build] web"
web() { cmake --preset web >/dev/null && cmake --build --preset web -j"$jobs"; }
timed "build web" web
