#include "digitlab/util/number_text.h"

#include <cstdio>
#include <cstdlib>

namespace digitlab {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.7g", value);
  return text;
}

double printed_float(float value) { return std::strtod(number_text(value).c_str(), nullptr); }

}  // namespace digitlab
