# Where the time goes, for scripts/build.sh and scripts/test.sh (sourced):
#   timed NAME COMMAND...   runs COMMAND; with DIGITLAB_TIMING set (a file),
#                           appends "seconds<TAB>NAME" to it
#   timing_table            prints the file as a table with the total
timed() {
  local name=$1 start=$SECONDS rc=0
  shift
  "$@" || rc=$?
  [ -z "${DIGITLAB_TIMING:-}" ] || printf '%d\t%s\n' $((SECONDS - start)) "$name" >>"$DIGITLAB_TIMING"
  return $rc
}

timing_table() {
  [ -n "${DIGITLAB_TIMING:-}" ] && [ -f "$DIGITLAB_TIMING" ] || return 0
  echo
  echo "Where the time went (seconds):"
  awk -F'\t' '{ printf "  %6d  %s\n", $1, $2; if ($2 !~ /^  /) total += $1 }
              END { printf "  %6d  total (%d min %02d s)\n", total, total / 60, total % 60 }' "$DIGITLAB_TIMING"
}
