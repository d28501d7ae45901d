#!/usr/bin/env bash
# Builds DigitLab, fetches the default data, starts digitlab-server with the
# web app and prints its URL. Extra arguments go to digitlab-server.
# DIGITLAB_HOST / DIGITLAB_PORT choose the address (default 127.0.0.1:8080).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/build.sh

host=${DIGITLAB_HOST:-127.0.0.1}
port=${DIGITLAB_PORT:-8080}
url="http://$host:$port"
build/native/bin/digitlab-server --host "$host" --port "$port" --web build/web --data data/mnist "$@" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" || true' INT TERM EXIT

for _ in $(seq 100); do
  curl -sf "$url/api/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "[run] digitlab-server did not start" >&2; exit 1; }
  sleep 0.2
done

# A first-time user can draw at once: seed the `default` model, trained with
# the CLI, when the store has none. The cnn preset reads drawings best; four
# epochs on every core (under a minute on a 2-core AMD EPYC, 99.1%;
# docs/benchmarks.md) make it sure enough of drawn digits to answer 98% of
# them, where fewer leave it "not sure" of more of them or of fewer
# non-digits (test/gui/CMakeLists.txt trains its drawn-digit model the same way).
if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/models/default/weights")" = 404 ]; then
  echo "[run] no 'default' model yet: training one with digitlab-cli (cnn, 4 epochs: about a minute on 2 cores)"
  weights=$(mktemp --suffix=.bin)
  build/native/bin/digitlab-cli train --preset cnn --epochs 4 --out "$weights" | grep -E '^(epoch=|accuracy)'
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' -H 'If-None-Match: *' \
    ${DIGITLAB_TOKEN:+-H "Authorization: Bearer $DIGITLAB_TOKEN"} \
    --data-binary @"$weights" "$url/api/models/default/weights" >/dev/null &&
    echo "[run] stored model 'default'"
  rm -f "$weights"
fi

echo
echo "DigitLab is running at $url/  (Ctrl-C stops it)"
wait "$server"
