#include <catch2/catch.hpp>

#include "logic/slider_value.h"

using digitlab::gui::slider_value;

TEST_CASE("a dragged slider sets three significant digits, inside its range") {
  CHECK(slider_value(0.001404004, 1e-6, 10) == Approx(0.0014).epsilon(1e-12));
  CHECK(slider_value(0.0299999, 1e-6, 10) == Approx(0.03).epsilon(1e-12));
  CHECK(slider_value(123.456, 1, 1000) == Approx(123).epsilon(1e-12));
  CHECK(slider_value(9.996, 1e-6, 10) == Approx(10).epsilon(1e-12));
  CHECK(slider_value(10.04, 1e-6, 10) == 10);               // rounding never leaves the range
  CHECK(slider_value(1.0000001e-6, 1e-6, 10) == Approx(1e-6).epsilon(1e-12));  // the left end stays the left end
  CHECK(slider_value(0.9, 0.95, 0.999) == 0.95);
  CHECK(slider_value(0, 0, 1) == 0);
}
