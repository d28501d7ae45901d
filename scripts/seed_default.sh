#!/usr/bin/env bash
# Stores the `default` model a first-time visitor draws on, when the server at
# URL has none: trained here by `digitlab-cli train --seeding` (the one recipe,
# seeding_trainer_config in core: the cnn preset for four epochs, about a
# minute on two cores) on the data set in DATA, then PUT as version 1.
# Shared by scripts/run.sh and scripts/cluster.sh (which passes its nginx URL).
#   scripts/seed_default.sh URL DATA
# DIGITLAB_TOKEN: the server's write token, when it has one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
url=${1:?usage: scripts/seed_default.sh URL DATA}
data=${2:?usage: scripts/seed_default.sh URL DATA}
log() { printf '[seed] %s\n' "$*"; }

status=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/models/default/weights")
[ "$status" = 404 ] || exit 0
log "no 'default' model yet: training one with digitlab-cli train --seeding (about a minute on 2 cores)"
weights=$(mktemp --suffix=.bin)
trap 'rm -f "$weights"' EXIT
"$root/build/native/bin/digitlab-cli" train --seeding --data "$data" --out "$weights" | grep -E '^(epoch=|accuracy)'
# If-None-Match: * stores it only if nobody else stored a default meanwhile.
curl -sf -X PUT -H 'Content-Type: application/octet-stream' -H 'If-None-Match: *' \
  ${DIGITLAB_TOKEN:+-H "Authorization: Bearer $DIGITLAB_TOKEN"} \
  --data-binary @"$weights" "$url/api/models/default/weights" >/dev/null &&
  log "stored model 'default'"
