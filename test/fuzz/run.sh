#!/usr/bin/env bash
# Builds the libFuzzer targets (Debian's clang-14, AddressSanitizer and
# UndefinedBehaviorSanitizer, any UB finding fatal) straight from the
# sources into build/fuzz, then runs each for a bounded time: the weights
# and IDX parsers (core), store copy's source (store), and the server's
# request handling on one connection (server: fuzz_request.cpp).
#   test/fuzz/run.sh [seconds per target, default 20]
# Exits non-zero when a target crashes; the crashing input is left in
# build/fuzz/crashes/ (replay: build/fuzz/fuzz_<target> <file>).
set -euo pipefail

seconds=${1:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/build/fuzz"
cxx=clang++-14
mkdir -p "$out/obj" "$out/crashes"

common=(-std=c++17 -DXTENSOR_ENABLE_ASSERT -O1 -g -fno-omit-frame-pointer -I"$root/core/include" -I"$root/core/src")
sanitize=address,undefined
instrument=(-fsanitize=fuzzer-no-link,$sanitize -fno-sanitize-recover=undefined)

# All of core's sources (the parsers reach most of them through the model
# checks). The gemm kernels get the ISA flags core/CMakeLists.txt gives them.
core_sources=()  # paths under core/src without .cpp, e.g. nn/kernels_avx2
while read -r f; do core_sources+=("${f%.cpp}"); done < <(cd "$root/core/src" && find . -name '*.cpp' | sed 's|^\./||' | sort)
isa_flags() {
  case $1 in
    nn/kernels_avx2) echo "-mavx2 -mfma" ;;
    nn/kernels_avx512) echo "-mavx512f -mavx512vl -mavx2 -mfma" ;;
  esac
}

# Rebuild the core archive only when a core source or header (or this
# script's flags) changed.
archive="$out/libdigitlab_core_fuzz.a"
if [ ! -f "$archive" ] || [ -n "$(find "$root/core/src" "$root/core/include" "$0" -newer "$archive" -print -quit)" ]; then
  echo "[fuzz] compiling core with clang-14 + ASan + UBSan + coverage"
  compile() {  # one source, on one of the machine's cores
    # shellcheck disable=SC2046  # isa_flags is a list of flags
    "$cxx" "${common[@]}" "${instrument[@]}" $(isa_flags "$1") -c "$root/core/src/$1.cpp" -o "$out/obj/${1//\//_}.o"
  }
  objects=()
  for source in "${core_sources[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n; done
    compile "$source" &
    objects+=("$out/obj/${source//\//_}.o")
  done
  while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n; done
  rm -f "$archive"
  ar rcs "$archive" "${objects[@]}"
fi

# The store's and the server's sources (all but the server's main and its
# option parsing) as a second archive, rebuilt when they change, in parallel
# as core's: store_copy links the store, request both, over the system's
# SQLite and libpq and Debian's compiled cpp-httplib (with the flags it was
# built with: they change its classes' layout).
# shellcheck disable=SC2207  # pkg-config prints a list of flags
front=(-I"$root/store/include" -I"$root/store/src" -I/usr/include/postgresql -I"$root/server"
       -DDIGITLAB_VERSION='"fuzz"' $(pkg-config --cflags cpp-httplib))
front_archive="$out/libdigitlab_front_fuzz.a"
if [ ! -f "$front_archive" ] ||
   [ -n "$(find "$root/store" "$root/server" "$root/core/include" "$0" -newer "$front_archive" -print -quit)" ]; then
  echo "[fuzz] compiling the store and the server with clang-14 + ASan + UBSan + coverage"
  objects=()
  for source in "$root"/store/src/*.cpp "$root"/server/*.cpp; do
    case $source in */server/main.cpp | */server/options.cpp) continue ;; esac
    object="$out/obj/$(basename "$(dirname "$source")")_$(basename "${source%.cpp}").o"
    while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n; done
    "$cxx" "${common[@]}" "${instrument[@]}" "${front[@]}" -c "$source" -o "$object" &
    objects+=("$object")
  done
  while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n; done
  rm -f "$front_archive"
  ar rcs "$front_archive" "${objects[@]}"
fi
# shellcheck disable=SC2207
libraries=($(pkg-config --libs cpp-httplib) -lsqlite3 -lpq -lz -lpthread)

targets=(weights idx store_copy request)
for target in "${targets[@]}"; do
  "$cxx" "${common[@]}" "${front[@]}" -fsanitize=fuzzer,$sanitize -fno-sanitize-recover=undefined \
    "$root/test/fuzz/fuzz_$target.cpp" "$front_archive" "$archive" "${libraries[@]}" -o "$out/fuzz_$target"
done
# Requests: a few that parse, and the smuggling shapes (a request line that
# does not parse, its body a request of its own).
mkdir -p "$out/seeds/request"
printf 'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/models HTTP/1.1\r\nHost: x\r\n\r\n' >"$out/seeds/request/pipelined"
printf 'PUT /api/models/a/weights HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}' \
  >"$out/seeds/request/put"
smuggled=$(printf 'POST /api/models/s/train HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}')
for line in 'FOOBAR / HTTP/1.1' 'GET / HTTP/7.0' 'GET /a b HTTP/1.1'; do
  printf '%s\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s' "$line" "${#smuggled}" "$smuggled" \
    >"$out/seeds/request/${line%% *}-${#line}"
done
"$cxx" "${common[@]}" "${instrument[@]}" "${front[@]}" "$root/test/fuzz/make_seeds.cpp" "$front_archive" "$archive" \
  "${libraries[@]}" -o "$out/make_seeds"
mkdir -p "$out/seeds/weights" "$out/seeds/idx" "$out/seeds/store_copy"
"$out/make_seeds" "$out/seeds/weights" "$out/seeds/idx" "$out/seeds/store_copy"

status=0
for target in "${targets[@]}"; do
  corpus="$out/corpus/$target"
  mkdir -p "$corpus"
  echo "[fuzz] $target for ${seconds}s"
  # The corpus directory (first) keeps what is found between runs; seeds are read only.
  # max_len reaches past 100,000 levels of nesting (two bytes a level): the
  # depth that once overflowed the stack needed 120 KB.
  if ! "$out/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
      -print_final_stats=1 -artifact_prefix="$out/crashes/$target-" \
      "$corpus" "$out/seeds/$target" >"$out/$target.log" 2>&1; then
    echo "[fuzz] $target FAILED; see $out/$target.log and $out/crashes/" >&2
    tail -n 40 "$out/$target.log" >&2
    status=1
  else
    grep -E "^stat::(number_of_executed_units|new_units_added)" "$out/$target.log" | sed "s/^/[fuzz] $target /"
  fi
done
exit $status
