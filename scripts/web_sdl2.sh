#!/usr/bin/env bash
# SDL2 for WebAssembly, from Debian's source package (scripts/setup.sh
# unpacks it), built once into the cache in two variants: with -pthread for
# the app proper, and without threads for the single-thread app that pages
# without cross-origin isolation load (gui/web_app.cmake). Emscripten's
# ports would download it, which this machine cannot.
# One configure serves both: its 300-odd checks each link a program with
# em++ and take three of the four minutes; the second variant reconfigures
# the same folder with threads off and reuses the checks' cached answers.
set -euo pipefail
cache=${DIGITLAB_CACHE:-$HOME/.cache/digitlab}
export NODE_PATH=/usr/share/nodejs
src="$cache/libsdl2-2.26.5"
threaded="$cache/sdl2-web-2.26.5" single="$cache/sdl2-web-st-2.26.5"
[ -f "$threaded/lib/libSDL2.a" ] && [ -f "$single/lib/libSDL2.a" ] && exit 0
[ -f "$src/CMakeLists.txt" ] || { echo "[sdl2-web] no SDL2 sources in $src: run scripts/setup.sh" >&2; exit 1; }
exec 9>"$cache/.sdl2-web.lock"  # one build at a time per cache
flock 9
work="$cache/sdl2-web-build"
log="$work.log"
echo "[sdl2-web] building SDL2 for WebAssembly (about 5 minutes, once; log: $log)"
rm -rf "$work"
variant() {  # $1: install prefix, then the CMake options of the variant
  local prefix=$1
  shift
  emcmake cmake -S "$src" -B "$work" -DCMAKE_BUILD_TYPE=Release -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF \
    -DSDL_AUDIO=OFF -DSDL_HAPTIC=OFF -DSDL_JOYSTICK=OFF -DSDL_SENSOR=OFF -DSDL_POWER=OFF \
    -DCMAKE_INSTALL_PREFIX="$prefix" "$@" >>"$log" 2>&1
  cmake --build "$work" -j"$(nproc)" >>"$log" 2>&1
  cmake --install "$work" >>"$log" 2>&1
}
: >"$log"
variant "$threaded" -DCMAKE_C_FLAGS=-pthread -DSDL_THREADS=ON -DSDL_PTHREADS=ON
variant "$single" -DCMAKE_C_FLAGS= -DSDL_THREADS=OFF -DSDL_PTHREADS=OFF
rm -rf "$work"
echo "[sdl2-web] ready"
