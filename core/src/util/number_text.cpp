#include "digitlab/util/number_text.h"

#include <cstdio>

namespace digitlab {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.7g", value);
  return text;
}

}  // namespace digitlab
