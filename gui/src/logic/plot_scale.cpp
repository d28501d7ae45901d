#include "logic/plot_scale.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace digitlab::gui {

AxisRange data_range(const std::vector<double>& values, double pad_fraction) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!(lo <= hi)) return {0, 1};
  if (hi - lo < 1e-12) return {lo - 0.5, hi + 0.5};
  const double pad = (hi - lo) * pad_fraction;
  return {lo - pad, hi + pad};
}

double tick_step(AxisRange range, int max_ticks) {
  const double span = std::max(range.max - range.min, 1e-12);
  const double raw = span / std::max(max_ticks, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
  return 10 * magnitude;
}

AxisRange nice_range(AxisRange range, int max_ticks) {
  // Rounding outwards can add an interval, so grow the step until it fits.
  for (int n = max_ticks; n >= 1; --n) {
    const double step = tick_step(range, n);
    const AxisRange r{std::floor(range.min / step + 1e-9) * step, std::ceil(range.max / step - 1e-9) * step};
    if ((r.max - r.min) / step <= max_ticks + 1e-9) return r;
  }
  return range;
}

std::vector<double> ticks(AxisRange range, int max_ticks) {
  const double step = tick_step(range, max_ticks);
  std::vector<double> out;
  const double first = std::ceil(range.min / step - 1e-9) * step;
  for (double v = first; v <= range.max + step * 1e-9 && out.size() <= static_cast<std::size_t>(max_ticks) + 1; v += step)
    out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);  // no "-0"
  return out;
}

std::string tick_label(double value, double step) {
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace digitlab::gui
