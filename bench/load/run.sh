#!/usr/bin/env bash
# Load benchmark of digitlab-server with wrk, on loopback only.
#   bench/load/run.sh [--quick] [--base URL] [--label L]
# Starts the server (build/native/bin/digitlab-server, or $DIGITLAB_SERVER) on
# a free port with a throw-away database and MNIST, trains a model on it to
# have weights to serve, then measures four requests at 1, 16 and 64
# connections. Prints one line per figure:
#   bench=<name> build=<label> metric=<rps|p50_ms|p99_ms|errors> conns=<c> value=<n>
# --quick: 2 s per run instead of 5. --base URL: measure a server that runs
# already (e.g. the nginx of scripts/cluster.sh) instead of starting one.
# --label: what build= says (default native).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
duration=5
base=
label=native
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) duration=2; shift ;;
    --base) base=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    *) echo "bench/load: unknown option $1" >&2; exit 2 ;;
  esac
done
server=${DIGITLAB_SERVER:-$root/build/native/bin/digitlab-server}
if [ ! -x "$server" ]; then
  echo "bench/load: building digitlab-server" >&2
  (cd "$root" && cmake --preset native >/dev/null && cmake --build --preset native --target digitlab-server -j2 >/dev/null)
fi

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$base" ]; then
  "$server" --host 127.0.0.1 --port 0 --db "$work/bench.db" --web "$work/no-web" \
    --data "mnist=$root/data/mnist" 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 300); do
    grep -q "listening on" "$work/server.log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  base=$(sed -n 's/.*listening on \(http:[^ ]*\)\/$/\1/p' "$work/server.log")
  [ -n "$base" ] || { echo "bench/load: the server did not start" >&2; exit 1; }
fi

# A model to serve: one epoch of the mlp preset (784-128-10), trained by the server.
job=$(curl -sf -X POST "$base/api/models/bench/train" -H 'Content-Type: application/json' \
        -d '{"preset": "mlp", "epochs": 1, "dataset": "mnist"}')
job_id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' <<<"$job")
until curl -sf "$base/api/jobs/$job_id" | grep -q '"state":"finished"'; do
  curl -sf "$base/api/jobs/$job_id" | grep -q '"state":"\(failed\|cancelled\)"' && { echo "bench/load: training failed" >&2; exit 1; }
  sleep 0.2
done
curl -sf "$base/api/models/bench/weights" -H 'Accept: application/octet-stream' -o "$work/weights.bin"

# name | path | wrk script arguments (METHOD ACCEPT [BODY_FILE CONTENT_TYPE])
scenarios=(
  "block64|/api/datasets/mnist/train/samples?random=64|GET application/octet-stream"
  "sample|/api/datasets/mnist/test/samples/1234|GET application/json"
  "get_weights|/api/models/bench/weights|GET application/json"
  "put_weights|/api/models/bench/weights|PUT application/json $work/weights.bin application/octet-stream"
)
for scenario in "${scenarios[@]}"; do
  IFS='|' read -r name path script_args <<<"$scenario"
  for conns in 1 16 64; do
    threads=$((conns < 2 ? 1 : 2))
    # shellcheck disable=SC2086  # script_args is a list of words
    line=$(wrk -t"$threads" -c"$conns" -d"${duration}s" --timeout 5s -s "$root/bench/load/request.lua" \
             "$base$path" -- $script_args | grep '^result ')
    for metric in rps p50_ms p99_ms errors; do
      value=$(sed -n "s/.* $metric=\([^ ]*\).*/\1/p" <<<" ${line#result }")
      echo "bench=$name build=$label metric=$metric conns=$conns value=$value"
    done
  done
done
