#!/usr/bin/env bash
# digitlab-cli end to end: train, eval, predict, drawings, bench, and every kind of bad input.
set -uo pipefail
cli=$1
data=$2
drawings=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_exit CODE PATTERN -- command...: exit code and a pattern in stdout+stderr.
expect_exit() {
  local code=$1 pattern=$2
  shift 3
  local out
  out=$("$@" 2>&1)
  local got=$?
  [ "$got" = "$code" ] || fail "'$*' exited $got, expected $code: $out"
  grep -qE -- "$pattern" <<<"$out" || fail "'$*' output lacks /$pattern/: $out"
}

# Bad arguments: a message and exit 2, never a crash.
expect_exit 2 "subcommand is required" -- "$cli"
expect_exit 2 "subcommand is required" -- "$cli" fly
expect_exit 2 "not expected: .*--speed" -- "$cli" train --speed 3
expect_exit 2 "epochs: 1 required" -- "$cli" train --epochs
expect_exit 2 "weights is required" -- "$cli" eval
expect_exit 2 "preset: .*not in \\{mlp,cnn-small,cnn\\}" -- "$cli" train --preset resnet
# Bad values and files: a message and exit 1.
expect_exit 1 "lr must be a number from 1e-06 to 10, got 'fast'" -- "$cli" train --lr fast
expect_exit 1 "lr must be a number from 1e-06 to 10, got -1" -- "$cli" train --lr -1 --epochs 1
expect_exit 1 "batch_size must be a whole number" -- "$cli" train --batch-size 2.5
expect_exit 1 "outputs must be between 1 and 4096" -- "$cli" train --arch dense0,relu,dense10 --epochs 1
expect_exit 1 "a pool needs feature maps" -- "$cli" train --arch dense8,maxpool2,dense10
expect_exit 1 "unknown optimizer" -- "$cli" train --optimizer rmsprop
expect_exit 1 "no train-images" -- "$cli" train --data "$work" --epochs 1
echo '{"format":"digitlab-weights","version":7}' > "$work/bad.json"
expect_exit 1 "unsupported format version 7" -- "$cli" eval --weights "$work/bad.json" --data "$data"

# Train one epoch, plain lines when stdout is not a terminal. A dense net
# named by --arch trains with the mlp's defaults (lr 0.05, weight decay
# 0.0005, no augmentation, no non-digits), not the cnn preset's; a setting
# given (here non-digits, so the net learns to be unsure of scribbles,
# checked below) overrides its default.
out=$("$cli" train --data "$data" --epochs 1 --arch dense64,relu,dense10 --out "$work/w-defaults.bin" 2>&1) ||
  fail "train failed: $out"
grep -q "^settings optimizer=momentum lr=0.05 momentum=0.9 weight_decay=0.0005 .* augment=false .* non_digits=0 .* kernel=" <<<"$out" ||
  fail "train --arch of a dense net did not print the mlp's settings: $out"
out=$("$cli" train --data "$data" --epochs 1 --arch dense64,relu,dense10 --non-digits 0.1 --out "$work/w.bin" 2>&1) ||
  fail "train failed: $out"
grep -q "^data=.* arch=dense64,relu,dense10$" <<<"$out" || fail "train did not name its net: $out"
grep -q "^settings optimizer=momentum lr=0.05 momentum=0.9 weight_decay=0.0005 .* non_digits=0.1 " <<<"$out" ||
  fail "train did not take --non-digits over the default: $out"
grep -qE "^epoch=1 test_accuracy=0\.9[0-9]+" <<<"$out" || fail "train printed no epoch line: $out"
grep -qE "^accuracy=0\.9[0-9]{3}$" <<<"$out" || fail "train printed no final accuracy: $out"
[ -s "$work/w.bin" ] || fail "train wrote no weights"

out=$("$cli" eval --data "$data" --weights "$work/w.bin" 2>&1) || fail "eval failed: $out"
grep -qE "^accuracy=0\.9[0-9]{3}$" <<<"$out" || fail "eval printed no accuracy: $out"
[ "$(grep -cE '^ +[0-9]( +[0-9]+){10}$' <<<"$out")" = 10 ] || fail "eval printed no 10x10 confusion matrix: $out"
# A truncated test set: the file and the problem are named, nothing is evaluated.
mkdir "$work/short"
head -c 100 "$data/t10k-images-idx3-ubyte" > "$work/short/t10k-images-idx3-ubyte"
cp "$data/t10k-labels-idx1-ubyte" "$work/short/"
expect_exit 1 "t10k-images-idx3-ubyte: header declares .* \\(truncated\\)" -- "$cli" eval --weights "$work/w.bin" --data "$work/short"

# Predict: the first MNIST test digit (a 7), drawn dark on light at 3x size into a PGM.
python3 - "$data/t10k-images-idx3-ubyte" "$work/seven.pgm" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read()[16:16 + 784]
side = 28 * 3 + 40
pix = bytearray([255]) * (side * side)
for y in range(84):
    for x in range(84):
        pix[(y + 30) * side + x + 10] = 255 - raw[(y // 3) * 28 + x // 3]
open(sys.argv[2], 'wb').write(b'P5\n%d %d\n255\n' % (side, side) + bytes(pix))
PY
out=$("$cli" predict --weights "$work/w.bin" "$work/seven.pgm" 2>&1) || fail "predict failed: $out"
grep -qx "prediction=7" <<<"$out" || fail "predict did not read the 7: $out"

# A conv net end to end: one epoch of cnn-small, its weights evaluated and
# reading the same 7.
out=$("$cli" train --data "$data" --preset cnn-small --epochs 1 --out "$work/cnn.json" 2>&1) || fail "cnn train failed: $out"
grep -q "augment=true" <<<"$out" || fail "a conv preset trains without augmentation: $out"
grep -qE "^accuracy=0\.9[6-9][0-9]{2}$" <<<"$out" || fail "cnn-small after one epoch is below 96%: $out"
out=$("$cli" eval --data "$data" --weights "$work/cnn.json" 2>&1) || fail "cnn eval failed: $out"
grep -q "^arch=conv5x5x8,relu,maxpool2,conv5x5x16,relu,maxpool3,dense10$" <<<"$out" || fail "eval lost the layers: $out"
out=$("$cli" predict --weights "$work/cnn.json" "$work/seven.pgm" 2>&1) || fail "cnn predict failed: $out"
grep -qx "prediction=7" <<<"$out" || fail "the conv net did not read the 7: $out"
grep -qE "^confidence=0\.[5-9][0-9]{3}$|^confidence=1\.0000$" <<<"$out" || fail "the conv net is not sure of the 7: $out"
grep -qx "unsure=false" <<<"$out" || fail "the conv net says 'not sure' of the 7: $out"
printf 'P5\n10 10\n255\n' > "$work/blank.pgm"; head -c 100 /dev/zero | tr '\0' '\377' >> "$work/blank.pgm"
expect_exit 1 "nothing drawn" -- "$cli" predict --weights "$work/w.bin" "$work/blank.pgm"
# A tiny dot on a big page: too small to read, not a guess.
python3 - "$work/dot.pgm" <<'PY'
import sys
side = 300
pix = bytearray([255]) * (side * side)
for y in range(146, 154):
    for x in range(146, 154):
        pix[y * side + x] = 0
open(sys.argv[1], 'wb').write(b'P5\n%d %d\n255\n' % (side, side) + bytes(pix))
PY
expect_exit 1 "draw it bigger" -- "$cli" predict --weights "$work/w.bin" "$work/dot.pgm"
printf 'P5\n10 10\n255\n' > "$work/short.pgm"
expect_exit 1 "truncated PGM" -- "$cli" predict --weights "$work/w.bin" "$work/short.pgm"
printf 'P2\n2 1\n255\n0 x7\n' > "$work/letters.pgm"
expect_exit 1 "bad PGM pixel value 'x7'" -- "$cli" predict --weights "$work/w.bin" "$work/letters.pgm"
printf 'P2\nwide 1\n255\n0\n' > "$work/header.pgm"
expect_exit 1 "bad PGM width 'wide'" -- "$cli" predict --weights "$work/w.bin" "$work/header.pgm"
# A weights file nested 60,000 deep is a clear error, not a crash.
python3 -c "print('{\"format\":\"digitlab-weights\",\"version\":' + '['*60000 + ']'*60000 + '}')" > "$work/deep.json"
expect_exit 1 "nested deeper than 32 levels" -- "$cli" predict --weights "$work/deep.json" "$work/seven.pgm"

# Drawings: the stroke-drawn benchmark, by style, then the share read right.
out=$("$cli" drawings --weights "$work/w.bin" "$drawings/drawn_digits.json" 2>&1) || fail "drawings failed: $out"
[ "$(grep -cE '^style=[0-9]-[a-z-]+ drawings=[0-9]+ read_right=[0-9]+ answered=[0-9]+ unreadable=[0-9]+ accuracy=[01]\.[0-9]{4}$' <<<"$out")" -ge 20 ] || fail "drawings printed no styles: $out"
grep -qx "drawings=500 read_right=[0-9]* answered=[0-9]* unreadable=0" <<<"$out" || fail "drawings did not read 500 digits: $out"
grep -qE "^accuracy=0\.[89][0-9]{3}$" <<<"$out" || fail "drawings read too few (one epoch, 64 hidden): $out"
grep -qE "^answered_rate=0\.[5-9][0-9]{3}$" <<<"$out" || fail "drawings answered too few: $out"
# Non-digits: the share the net is not sure of (only non-digit lines).
out=$("$cli" drawings --weights "$work/w.bin" "$drawings/non_digits.json" 2>&1) || fail "drawings of non-digits failed: $out"
grep -qE "^style=scribble drawings=[0-9]+ unsure=[0-9]+ unsure_rate=[01]\.[0-9]{4}$" <<<"$out" || fail "no scribble style: $out"
grep -qE "^unsure_rate=0\.[3-9][0-9]{3}$" <<<"$out" || fail "sure of most non-digits: $out"
! grep -q "^accuracy=" <<<"$out" || fail "a set without digits printed an accuracy: $out"
# Labels out of range, and 2^32 + 3 (once read as 3), are errors naming the drawing.
for label in 12 4294967299 3.5; do
  echo '{"format":"digitlab-drawings","version":1,"drawings":[{"label":'"$label"',"style":"x","strokes":[]}]}' \
    > "$work/bad-set.json"
  expect_exit 1 "drawing 0: label .*must be an integer from 0 to 9, got $label" -- \
    "$cli" drawings --weights "$work/w.bin" "$work/bad-set.json"
done
expect_exit 2 "weights is required" -- "$cli" drawings "$drawings/drawn_digits.json"

# Bench: one machine-readable line per figure.
out=$("$cli" bench --quick 2>&1) || fail "bench failed: $out"
for fig in "train_b64 build=native metric=samples_per_s" "train_b1 build=native metric=samples_per_s" "infer_b1 build=native metric=us" \
           "train_cnn_small_b64 build=native metric=samples_per_s" "train_cnn_b64 build=native metric=samples_per_s" \
           "infer_cnn build=native metric=us"; do
  grep -qE "^bench=$fig value=[0-9.e+]+$" <<<"$out" || fail "bench lacks $fig: $out"
done

[ "$failures" = 0 ] && echo "cli: all checks passed"
exit "$failures"
