#!/usr/bin/env bash
# Desktop test: build/native/bin/digitlab in a real X window under Xvfb.
# The app's --autotest draws a digit, trains on the local MNIST, and writes
# its state JSON; meanwhile a screenshot is taken of the screen. Checks:
# training ran, the pad has a prediction, frames stayed smooth, and the
# screenshot shows an interface (not a blank window).
# Env: DIGITLAB_BIN (the binary), ARTIFACTS (output folder), AUTOTEST_SECONDS.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${DIGITLAB_BIN:-$root/build/native/bin/digitlab}
artifacts=${ARTIFACTS:-$root/test-artifacts}
seconds=${AUTOTEST_SECONDS:-30}
mkdir -p "$artifacts"
state="$artifacts/desktop-state.json"
shot="$artifacts/desktop.png"
rm -f "$state" "$shot"

[ -x "$bin" ] || { echo "desktop test: $bin not built"; exit 1; }

# A display number nobody uses.
display=
for n in $(seq 90 190); do
  if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=$n; break; fi
done
[ -n "$display" ] || { echo "desktop test: no free X display"; exit 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$artifacts/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
export DISPLAY=":$display"

"$bin" --size 1280x800 --autotest "$seconds" --state-out "$state" >"$artifacts/desktop-app.log" 2>&1 &
app=$!
pids+=($app)
sleep $((seconds - 4))
import -window root "$shot"
wait "$app" || { echo "desktop test: the app failed"; cat "$artifacts/desktop-app.log"; exit 1; }

failures=0
check() {  # check NAME COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}
json() { node -e "const s = require('$state'); process.exit(($1) ? 0 : 1)"; }

check "state written" test -s "$state"
check "training ran" json "s.training.samples_seen > 0 && ['running','finished'].includes(s.training.state)"
check "the drawn digit has a prediction" json "s.prediction !== null && s.probabilities.length === 10"
check "pad rectangle reported" json "s.pad_rect.width > 100 && s.pad_rect.height > 100"
# Frame times are a figure (printed below, for the benchmark report); the
# test keeps a loose sanity bound: the UI must not freeze while training.
check "frame p95 under 250 ms while training" json "s.frame_ms_training.count > 300 && s.frame_ms_training.p95 < 250"
spread=$(identify -format '%[fx:standard_deviation]' "$shot")
check "screenshot is not blank (stddev $spread)" awk -v s="$spread" 'BEGIN { exit !(s > 0.05) }'
node -e "const s = require('$state'); console.log('desktop: frame p50 %s ms, p95 %s ms while training; %d samples/s; loss %s', s.frame_ms_training.p50.toFixed(1), s.frame_ms_training.p95.toFixed(1), s.training.samples_per_s, s.training.loss.toFixed(3))"
passed=$((6 - failures))
echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
