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

# A first-time user can draw at once: the `default` model, when the store
# has none (docs/benchmarks.md: why four epochs of the cnn).
scripts/seed_default.sh "$url" data/mnist

echo
echo "DigitLab is running at $url/  (Ctrl-C stops it)"
wait "$server"
