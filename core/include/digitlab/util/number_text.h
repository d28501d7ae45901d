// A number as people and files read it: the shortest text with up to seven
// significant digits ("0.05", "1e-06", "64"), which reads back as the same
// float. Settings, their ranges and error messages all print numbers so.
#pragma once
#include <string>

namespace digitlab {

std::string number_text(double value);

}  // namespace digitlab
