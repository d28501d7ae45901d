#!/usr/bin/env bash
# DigitLab's own benchmark figures: the core benchmarks natively (digitlab-cli
# bench) and in WebAssembly under node and in headless Chromium
# (digitlab-bench.js, the same code; build=wasm and build=chromium), then
# test accuracy epoch by epoch, then how many of the stroke-drawn digits in
# test/data/drawn_digits.json each preset's model reads and answers, and how
# many of test/data/non_digits.json it says "not sure" of. One line per figure:
#   bench=<name> [preset=<preset>] build=<native|wasm|chromium> metric=<metric> value=<number>
# The native figures are of the kernel path in use (DIGITLAB_KERNEL, see
# core/include/digitlab/kernel_path.h), named in a "# kernel=" line.
# Usage: scripts/bench.sh [--quick] [--epochs N] [--data DIR]
#        scripts/bench.sh --accuracy [--seeds N] [--data DIR] [--fashion DIR]
#   --quick     short timings and one epoch of accuracy (under a minute)
#   --accuracy  only the accuracy targets: each preset trained for 10 epochs
#               with its defaults on N seeds (default 3, two threads, as the
#               tests train), each run's figure, then the mean, lowest and
#               highest (bench=accuracy ... metric=test_accuracy_mean|min|max);
#               the cnn on Fashion-MNIST too. About 20 minutes on two cores.
# Expects the builds of scripts/test.sh (or cmake --build --preset native/web).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=""
accuracy=""
epochs=10
seeds=3
data="$root/data/mnist"
fashion=/usr/share/datasets/fashion-mnist
usage="usage: scripts/bench.sh [--quick] [--epochs N] [--data DIR] | --accuracy [--seeds N] [--data DIR] [--fashion DIR]"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick; epochs=1 ;;
    --accuracy) accuracy=1 ;;
    --epochs) epochs=${2:?--epochs needs a number}; shift ;;
    --seeds) seeds=${2:?--seeds needs a number}; shift ;;
    --data) data=${2:?--data needs a folder}; shift ;;
    --fashion) fashion=${2:?--fashion needs a folder}; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift
done
cli="$root/build/native/bin/digitlab-cli"
wasm="$root/build/web-build/bin/digitlab-bench.js"
needed=("$cli")
[ -n "$accuracy" ] || needed+=("$wasm")
for f in "${needed[@]}"; do
  [ -f "$f" ] || { echo "bench.sh: $f is missing: build first (scripts/test.sh)" >&2; exit 1; }
done
export NODE_PATH=/usr/share/nodejs

# --accuracy: the mean over seeds is the figure a preset promises; one run's
# figure varies by a few tenths with the seed and the kernel path.
if [ -n "$accuracy" ]; then
  [[ "$seeds" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --seeds wants a positive number" >&2; exit 2; }
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  echo "# $("$cli" kernel | tr '\n' ' ')"
  accuracy_runs() {  # $1: figure name, $2: preset, $3: data folder
    local figures=()
    for ((seed = 1; seed <= seeds; seed++)); do
      local figure
      figure=$("$cli" train --preset "$2" --seed "$seed" --threads 2 --epochs 10 --data "$3" --out "$out" |
        sed -n 's/^accuracy=//p')
      echo "bench=$1 preset=$2 build=native seed=$seed metric=test_accuracy value=$figure"
      figures+=("$figure")
    done
    printf '%s\n' "${figures[@]}" | awk -v name="$1" -v preset="$2" '
      { sum += $1; min = NR == 1 || $1 < min ? $1 : min; max = NR == 1 || $1 > max ? $1 : max }
      END { printf "bench=%s preset=%s build=native metric=test_accuracy_mean value=%.4f\n", name, preset, sum / NR
            printf "bench=%s preset=%s build=native metric=test_accuracy_min value=%.4f\n", name, preset, min
            printf "bench=%s preset=%s build=native metric=test_accuracy_max value=%.4f\n", name, preset, max }'
  }
  for preset in mlp cnn-small cnn; do accuracy_runs accuracy "$preset" "$data"; done
  accuracy_runs accuracy_fashion cnn "$fashion"
  exit 0
fi

"$cli" bench $quick
node --no-experimental-fetch "$wasm" $quick
node "$root/bench/chromium/run.js" $quick  # the same WebAssembly in Debian's Chromium

# Accuracy by epoch: the PyTorch reference setting, then DigitLab's presets.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
accuracy_lines() {  # $1: figure prefix
  awk -v p="$1" -F'[ =]' '/^epoch=/ {printf "bench=%s%d build=native metric=test_accuracy value=%s\n", p, $2, $4}'
}
"$cli" train --preset mlp --pytorch-defaults --epochs "$epochs" --data "$data" --out "$out/plain.bin" | accuracy_lines acc_epoch
if [ -z "$quick" ]; then
  "$cli" train --preset mlp --epochs "$epochs" --data "$data" --out "$out/mlp.bin" | accuracy_lines default_acc_epoch
  "$cli" train --preset cnn-small --epochs "$epochs" --data "$data" --out "$out/cnn-small.bin" | accuracy_lines cnn_small_acc_epoch
  "$cli" train --preset cnn --epochs "$epochs" --data "$data" --out "$out/cnn.bin" | accuracy_lines cnn_acc_epoch
fi

# Drawn digits: each preset's model, trained with its defaults, reads the
# stroke-drawn benchmark (read right, and answered rather than "not sure"),
# and says "not sure" of the drawn non-digits.
for preset in mlp cnn-small cnn; do
  [ -n "$quick" ] && [ "$preset" != mlp ] && continue
  "$cli" train --preset "$preset" --data "$data" --out "$out/drawn-$preset.bin" >/dev/null
  digits=$("$cli" drawings --weights "$out/drawn-$preset.bin" "$root/test/data/drawn_digits.json")
  non_digits=$("$cli" drawings --weights "$out/drawn-$preset.bin" "$root/test/data/non_digits.json")
  figure() { sed -n "s/^$1=//p"; }
  echo "bench=drawn_digits preset=$preset build=native metric=accuracy value=$(figure accuracy <<<"$digits")"
  echo "bench=drawn_digits preset=$preset build=native metric=answered_rate value=$(figure answered_rate <<<"$digits")"
  echo "bench=non_digits preset=$preset build=native metric=unsure_rate value=$(figure unsure_rate <<<"$non_digits")"
done
