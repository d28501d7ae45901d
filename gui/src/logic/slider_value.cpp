#include "logic/slider_value.h"

#include <algorithm>
#include <cmath>

namespace digitlab::gui {

double slider_value(double dragged, double min, double max) {
  if (!std::isfinite(dragged) || dragged == 0) return std::clamp(dragged, min, max);
  const double scale = std::pow(10.0, std::floor(std::log10(std::fabs(dragged))) - 2);  // 3 digits
  return std::clamp(std::round(dragged / scale) * scale, min, max);
}

}  // namespace digitlab::gui
