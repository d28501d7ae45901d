// What a dragged slider sets: the value with three significant digits
// (0.0014, not the 0.001404004 a logarithmic slider lands on), so the person
// reads and sets round numbers, kept inside the slider's range.
#pragma once

namespace digitlab::gui {

double slider_value(double dragged, double min, double max);

}  // namespace digitlab::gui
