#!/usr/bin/env bash
# Side-by-side reference benchmark, the same workloads everywhere: the MLP
# (784-128-10, ReLU, cross-entropy, fp32, plain SGD lr 0.1, batch 64,
# pixels/255) and the two conv nets cnn-small and cnn (SGD lr 0.01, momentum
# 0.9, batch 64, no augmentation; layers in bench/compare/torch_nets.py) in
#   - PyTorch (Debian's python3-torch, 1 thread), twice: with the environment
#     as is (build=pytorch) and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset
#     (build=pytorch-nocoretype),
#   - TF.js 4.22.0 on the wasm backend under node (build=tfjs-wasm; the MLP
#     only: its wasm backend cannot train a conv net),
#   - ConvNetJS 0.3.0 under node (build=convnetjs; the conv nets),
#   - DigitLab itself: scripts/bench.sh (build=native and build=wasm), or
#     build/native/bin/digitlab-cli bench when only that exists,
# then a ratio table: throughput ours/theirs, inference latency theirs/ours
# (both: > 1 means DigitLab is faster), native vs pytorch*, wasm vs tfjs-wasm
# and convnetjs, chromium (DigitLab's wasm in headless Chromium) vs convnetjs
# (which runs under node), and the test accuracy per epoch side by side.
#
# Usage: bench/compare.sh [--quick] [--epochs N] [--data DIR] [--out FILE]
#                         [--no-pytorch] [--no-tfjs] [--no-convnetjs] [--no-digitlab]
#        bench/compare.sh --from FILE     # only the table, over saved lines
#   --quick      1 epoch of accuracy, 1 s timings (whole run well under 2 min)
#   --epochs N   epochs of the accuracy runs (default 10; --quick: 1)
#   --data DIR   raw MNIST IDX files (default <repo>/data/mnist)
#   --out FILE   also keep every collected line in FILE
# --quick, --epochs and --data are passed on to DigitLab's bench as given.
#
# Every figure is one line: bench=<name> build=<build> metric=<metric> value=<v>
# Lines starting with '#' are comments. Needs: /usr/bin/python3 with torch,
# node 20; TF.js and ConvNetJS are installed into bench/tfjs/node_modules and
# bench/convnetjs/node_modules on the first run.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
epochs=""
data=""
out=""
from=""
do_torch=1 do_tfjs=1 do_convnetjs=1 do_ours=1

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --epochs) epochs=${2:?--epochs needs a number}; shift ;;
    --epochs=*) epochs=${1#*=} ;;
    --data) data=${2:?--data needs a folder}; shift ;;
    --data=*) data=${1#*=} ;;
    --out) out=${2:?--out needs a file}; shift ;;
    --from) from=${2:?--from needs a file}; shift ;;
    --no-pytorch) do_torch=0 ;;
    --no-tfjs) do_tfjs=0 ;;
    --no-convnetjs) do_convnetjs=0 ;;
    --no-digitlab) do_ours=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$epochs" ] && ! [[ "$epochs" =~ ^[1-9][0-9]*$ ]]; then
  echo "compare.sh: --epochs wants a positive integer" >&2; exit 2
fi

# Options every benchmark understands.
common=()
[ "$quick" = 1 ] && common+=(--quick)
[ -n "$epochs" ] && common+=(--epochs "$epochs")
[ -n "$data" ] && common+=(--data "$data")

lines=$(mktemp)
trap 'rm -f "$lines"' EXIT

note() { printf '# %s\n' "$*" | tee -a "$lines"; }
# Run one benchmark: its output goes to the terminal and into $lines.
run() {
  local label=$1; shift
  note "--- $label: $*"
  "$@" 2>&1 | tee -a "$lines"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || note "$label failed (exit $rc)"
}

if [ -n "$from" ]; then
  cat "$from" > "$lines"
else
  start=$SECONDS
  note "compare.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores, mode=$([ "$quick" = 1 ] && echo quick || echo full)"

  # ---- PyTorch ----------------------------------------------------------
  py=/usr/bin/python3   # Debian's python with python3-torch, not a pyenv one
  if [ "$do_torch" = 1 ]; then
    if "$py" -c 'import torch' 2>/dev/null; then
      alt=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | awk '/^Value:/ {print $2}')
      note "libblas.so.3 alternative in use: ${alt:-unknown} (torch links libblas.so.3; see the torch line below for the library really loaded)"
      run pytorch "$py" "$root/bench/compare/torch_nets.py" --build pytorch "${common[@]}"
      run pytorch-nocoretype env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        "$py" "$root/bench/compare/torch_nets.py" --build pytorch-nocoretype "${common[@]}"
    else
      note "skipping PyTorch: $py cannot import torch (apt-get install python3-torch)"
    fi
  fi

  # ---- the npm benchmarks' packages, once ---------------------------------
  for pkg in tfjs convnetjs; do
    dir="$root/bench/$pkg"
    [ -f "$dir/node_modules/.package-lock.json" ] && continue
    note "npm install in bench/$pkg"
    (cd "$dir" && "$root/scripts/npm_retry.sh" install --no-audit --no-fund) || note "npm install in bench/$pkg failed"
  done

  # ---- TF.js (wasm backend) ---------------------------------------------
  if [ "$do_tfjs" = 1 ]; then
    if ! command -v node >/dev/null; then
      note "skipping TF.js: no node"
    elif [ ! -d "$root/bench/tfjs/node_modules/@tensorflow/tfjs-backend-wasm" ]; then
      note "skipping TF.js: bench/tfjs/node_modules missing (its npm install failed)"
    else
      run tfjs-wasm node "$root/bench/tfjs/mlp.js" "${common[@]}"
    fi
  fi

  # ---- ConvNetJS ----------------------------------------------------------
  if [ "$do_convnetjs" = 1 ]; then
    if [ ! -d "$root/bench/convnetjs/node_modules/convnetjs" ]; then
      note "skipping ConvNetJS: bench/convnetjs/node_modules missing (its npm install failed)"
    else
      run convnetjs node "$root/bench/convnetjs/cnn.js" "${common[@]}"
    fi
  fi

  # ---- DigitLab itself ----------------------------------------------------
  if [ "$do_ours" = 1 ]; then
    if [ -f "$root/scripts/bench.sh" ]; then
      run digitlab bash "$root/scripts/bench.sh" "${common[@]}"
    elif [ -x "$root/build/native/bin/digitlab-cli" ]; then
      run digitlab-native "$root/build/native/bin/digitlab-cli" bench "${common[@]}"
      note "no scripts/bench.sh: DigitLab's wasm figures are missing"
    else
      note "no scripts/bench.sh and no build/native/bin/digitlab-cli: DigitLab's own figures are missing"
    fi
  fi
  note "all benchmarks took $((SECONDS - start)) s"
fi

[ -n "$out" ] && cp "$lines" "$out"

# ---- ratio table ------------------------------------------------------------
awk '
  /^bench=/ {
    b = ""; bl = ""; m = ""; v = ""
    for (i = 1; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[1] == "bench") b = kv[2]; else if (kv[1] == "build") bl = kv[2]
      else if (kv[1] == "metric") m = kv[2]; else if (kv[1] == "value") v = kv[2]
    }
    if (b == "" || bl == "" || v == "") next
    val[b, bl] = v + 0; has[b, bl] = 1
    if (!(bl in seen)) { seen[bl] = 1; builds[++nb] = bl }
    if (b ~ /^acc_epoch[0-9]+$/) { e = substr(b, 10) + 0; if (e > maxe) maxe = e }
  }
  function fmt(x) { return x >= 1000 ? sprintf("%.0f", x) : sprintf("%.4g", x) }
  END {
    npair = 0
    ours[++npair] = "native"; theirs[npair] = "pytorch"
    ours[++npair] = "native"; theirs[npair] = "pytorch-nocoretype"
    ours[++npair] = "wasm";   theirs[npair] = "tfjs-wasm"
    ours[++npair] = "wasm";   theirs[npair] = "convnetjs"
    ours[++npair] = "chromium"; theirs[npair] = "convnetjs"
    nbench = split("train_b64 train_b1 infer_b1 train_cnn_small_b64 train_cnn_b64 infer_cnn", benches, " ")
    print ""
    print "== ratios: > 1 means DigitLab is faster (throughput ours/theirs, latency theirs/ours) =="
    printf "%-20s %-8s %-19s %12s %12s %8s\n", "bench", "ours", "theirs", "ours", "theirs", "ratio"
    for (k = 1; k <= nbench; k++) {
      b = benches[k]; latency = b ~ /^infer_/; unit = latency ? "us" : "samples/s"
      for (p = 1; p <= npair; p++) {
        o = ours[p]; t = theirs[p]
        if (!has[b, o] && !has[b, t]) continue
        ov = has[b, o] ? fmt(val[b, o]) : "n/a"; tv = has[b, t] ? fmt(val[b, t]) : "n/a"
        r = "n/a"
        if (has[b, o] && has[b, t] && val[b, o] > 0 && val[b, t] > 0)
          r = sprintf("%.2f", latency ? val[b, t] / val[b, o] : val[b, o] / val[b, t])
        printf "%-20s %-8s %-19s %12s %12s %8s  (%s)\n", b, o, t, ov, tv, r, unit
      }
    }
    if (maxe > 0) {
      print ""
      print "== test accuracy per epoch =="
      line = sprintf("%-6s", "epoch")
      for (i = 1; i <= nb; i++) {
        any = 0
        for (e = 1; e <= maxe; e++) if (has["acc_epoch" e, builds[i]]) any = 1
        if (any) { cols[++nc] = builds[i]; line = line sprintf(" %19s", builds[i]) }
      }
      print line
      for (e = 1; e <= maxe; e++) {
        line = sprintf("%-6d", e)
        for (c = 1; c <= nc; c++)
          line = line sprintf(" %19s", has["acc_epoch" e, cols[c]] ? sprintf("%.4f", val["acc_epoch" e, cols[c]]) : "-")
        print line
      }
    }
  }
' "$lines"
