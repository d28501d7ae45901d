// Axis scaling for the live curves: data range to screen, with "nice" tick
// values (1, 2, 5 x 10^k) so the axes read like a hand-made chart.
#pragma once
#include <string>
#include <vector>

namespace digitlab::gui {

struct AxisRange {
  double min = 0;
  double max = 1;
};

// The smallest range covering values, padded by pad_fraction of its span on
// both sides; a flat or empty series gets a unit-wide range so nothing
// divides by zero. Non-finite values are ignored.
AxisRange data_range(const std::vector<double>& values, double pad_fraction = 0.05);

// Rounds the range outwards to whole multiples of tick_step(range, max_ticks).
AxisRange nice_range(AxisRange range, int max_ticks);

// Spacing 1, 2 or 5 x 10^k giving at most max_ticks intervals across range.
double tick_step(AxisRange range, int max_ticks);

// Tick values from range.min to range.max (inclusive) at tick_step spacing.
std::vector<double> ticks(AxisRange range, int max_ticks);

// Label of a tick at that spacing: as many decimals as the step needs.
std::string tick_label(double value, double step);

// Linear map of a data value onto the pixel span [from, to]; to < from for a
// y axis growing upwards on screen.
struct AxisMap {
  AxisRange range;
  float from = 0;
  float to = 1;
  float operator()(double value) const {
    const double t = (value - range.min) / (range.max - range.min);
    return static_cast<float>(from + t * (to - from));
  }
};

}  // namespace digitlab::gui
