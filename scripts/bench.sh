#!/usr/bin/env bash
# DigitLab's own benchmark figures: the core benchmarks natively (digitlab-cli
# bench) and in WebAssembly under node and in headless Chromium
# (digitlab-bench.js, the same code; build=wasm and build=chromium), then
# test accuracy epoch by epoch, then how many of the stroke-drawn digits in
# test/data/drawn_digits.json each preset's model reads and answers, and how
# many of test/data/non_digits.json it says "not sure" of. One line per figure:
#   bench=<name> [preset=<preset>] build=<native|wasm|chromium> metric=<metric> value=<number>
# Usage: scripts/bench.sh [--quick] [--epochs N] [--data DIR]
#   --quick   short timings and one epoch of accuracy (under a minute)
# Expects the builds of scripts/test.sh (or cmake --build --preset native/web).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=""
epochs=10
data="$root/data/mnist"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick; epochs=1 ;;
    --epochs) epochs=${2:?--epochs needs a number}; shift ;;
    --data) data=${2:?--data needs a folder}; shift ;;
    *) echo "usage: scripts/bench.sh [--quick] [--epochs N] [--data DIR]" >&2; exit 2 ;;
  esac
  shift
done
cli="$root/build/native/bin/digitlab-cli"
wasm="$root/build/web-build/bin/digitlab-bench.js"
for f in "$cli" "$wasm"; do
  [ -f "$f" ] || { echo "bench.sh: $f is missing: build first (scripts/test.sh)" >&2; exit 1; }
done
export NODE_PATH=/usr/share/nodejs

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
