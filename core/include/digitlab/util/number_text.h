// A number as people and files read it: the shortest text with up to seven
// significant digits ("0.05", "1e-06", "64"), which reads back as the same
// float. Settings, their ranges and error messages all print numbers so.
#pragma once
#include <string>

namespace digitlab {

std::string number_text(double value);
// The double that a float's number_text reads back as (0.05, not
// 0.05000000074505806): how JSON writes a figure that was a float, so it
// reads the same whichever weights format it travelled in.
double printed_float(float value);

}  // namespace digitlab
