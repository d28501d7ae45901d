#!/usr/bin/env bash
# The test cluster's set-up (a ctest fixture): 3 replicas behind nginx on a
# private PostgreSQL, serving MNIST and a tiny MNIST subset (quick jobs). Whatever a previous run left in the folder goes first.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1 port=$2 mnist=$3
"$root/scripts/cluster.sh" down --dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
mkdir -p "$dir/input/tiny"
# The first 512 training and 128 test samples, as test/server's write_small_mnist makes them.
python3 - "$mnist" "$dir/input/tiny" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
for split, n in (("train", 512), ("t10k", 128)):
    for kind, header, size in (("images-idx3", 16, 784), ("labels-idx1", 8, 1)):
        with open(f"{src}/{split}-{kind}-ubyte", "rb") as f:
            data = f.read(header + n * size)
        with open(f"{out}/{split}-{kind}-ubyte", "wb") as f:
            f.write(data[:4] + struct.pack(">I", n) + data[8:header] + data[header:])
PY
exec "$root/scripts/cluster.sh" up --replicas 3 --port "$port" --dir "$dir" --no-seed --job-lease 3 \
  --data "mnist=$mnist" --data "tiny=$dir/input/tiny"
