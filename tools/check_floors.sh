#!/usr/bin/env bash
# core/'s folders are floors (core/include/digitlab/digitlab.h lists them):
# a file includes only headers of its own floor or lower ones, so the
# library reads bottom-up and has no include circles. Prints every include
# that reaches up, and exits 1 if there is one.
#   tools/check_floors.sh [core folder, default: this clone's core/]
set -euo pipefail
core=${1:-$(cd "$(dirname "$0")/../core" && pwd)}
floors=(util data nn io drawing train)
floor_of() {
  for i in "${!floors[@]}"; do [ "${floors[$i]}" = "$1" ] && { echo "$i"; return; }; done
  echo -1
}
bad=0
while read -r file; do
  rel=${file#"$core"/}
  rel=${rel#include/digitlab/}
  rel=${rel#src/}
  own=$(floor_of "${rel%%/*}")
  [ "$own" -ge 0 ] || { echo "$file: not in a floor folder (${floors[*]})"; bad=1; continue; }
  while IFS= read -r line; do
    target=$(sed -E 's/^#include ["<](digitlab\/)?([a-z_]+)\/.*/\2/' <<<"$line")
    level=$(floor_of "$target")
    if [ "$level" -gt "$own" ]; then
      echo "$file: a ${floors[$own]}/ file includes from ${target}/, a floor above: $line"
      bad=1
    fi
  done < <(grep -E '^#include ["<](digitlab/)?[a-z_]+/' "$file" || true)
done < <(find "$core/include/digitlab" "$core/src" -mindepth 2 -type f \( -name '*.h' -o -name '*.cpp' \))
[ "$bad" = 0 ] && echo "every include in $core stays on its floor or below"
exit "$bad"
