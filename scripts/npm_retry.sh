#!/usr/bin/env bash
# Runs `npm ARGS...` in the current folder, up to four times: the npm
# registry is the one network service set-up needs besides apt, and a dropped
# connection there must not fail a fresh clone's CI. npm's own output is kept
# quiet on success and printed in full when the last attempt fails.
# Usage: scripts/npm_retry.sh install --no-audit --no-fund
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for wait_s in 5 20 60 0; do
  if npm "$@" >"$log" 2>&1; then exit 0; fi
  [ "$wait_s" = 0 ] && break
  echo "[npm] 'npm $*' in $PWD failed; trying again in ${wait_s} s: $(grep -m1 -i 'err' "$log")" >&2
  sleep "$wait_s"
done
echo "[npm] 'npm $*' in $PWD failed four times; its last output:" >&2
cat "$log" >&2
exit 1
