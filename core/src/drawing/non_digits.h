// Drawings that are not one digit, made up for outlier exposure: the
// trainer mixes a few into every batch with a uniform target (loss.h), so
// the net learns to spread its belief over the ten classes when it meets a
// scribble, a flat line, a cross, a loop with a tail, a letter, a symbol,
// several digits side by side or scattered dots, and the pad can say "not
// sure". Written independently of the drawing benchmark's generator
// (tools/drawn_digits), so test/data/non_digits.json measures shapes this
// code never saw. Strokes come out in pad units, placed on the pad as a
// person would draw them; all randomness comes from the caller's seeded
// generator.
//
// Shapes a person would read as a digit are left out on purpose: no upright
// line (a 1), no plain ellipse (a 0), no loop with a tail down its right
// side (a 9) or up its left side (a 6), no O, I, D, G, J or Q among the letters.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "digitlab/drawing/stroke.h"

namespace digitlab {

enum class NonDigitKind { scribble, line, cross, loop_with_tail, letter, symbol, several_digits, dots };
constexpr int kNonDigitKinds = 8;
const char* to_string(NonDigitKind kind);

// A kind drawn with the mix outlier exposure uses (letters and scribbles most often).
NonDigitKind random_non_digit_kind(std::uint64_t& rng);

// One drawing of `kind`. digit_lines gives one real digit's centre lines
// (any units, y down), for several_digits; the other kinds never call it.
std::vector<Stroke> make_non_digit(NonDigitKind kind, std::uint64_t& rng,
                                   const std::function<std::vector<Stroke>()>& digit_lines);

}  // namespace digitlab
