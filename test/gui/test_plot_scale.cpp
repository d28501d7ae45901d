#include <catch2/catch.hpp>

#include <cmath>

#include "logic/plot_scale.h"

using namespace digitlab::gui;

TEST_CASE("tick steps are 1, 2 or 5 times a power of ten") {
  CHECK(tick_step({0, 1}, 5) == Approx(0.2));
  CHECK(tick_step({0, 10}, 5) == Approx(2));
  CHECK(tick_step({0, 100}, 4) == Approx(50));
  CHECK(tick_step({0.9, 1.0}, 5) == Approx(0.02));
  CHECK(tick_step({0, 7}, 10) == Approx(1));
}

TEST_CASE("nice ranges round outwards to whole ticks and keep the tick count") {
  const AxisRange r = nice_range({0.13, 2.37}, 5);
  CHECK(r.min <= 0.13);
  CHECK(r.max >= 2.37);
  const double step = tick_step(r, 5);
  CHECK(std::abs(r.min / step - std::round(r.min / step)) < 1e-9);
  CHECK(ticks(r, 5).size() <= 6);
  CHECK(ticks(r, 5).front() == Approx(r.min));
}

TEST_CASE("data ranges pad the data, ignore NaN and survive flat or empty series") {
  const AxisRange r = data_range({1.0, 3.0, NAN}, 0.1);
  CHECK(r.min == Approx(0.8));
  CHECK(r.max == Approx(3.2));
  const AxisRange flat = data_range({2.0, 2.0});
  CHECK(flat.max > flat.min);
  const AxisRange empty = data_range({});
  CHECK(empty.min == 0);
  CHECK(empty.max == 1);
}

TEST_CASE("ticks cover the range and print with the decimals the step needs") {
  const auto t = ticks({0, 1}, 5);
  REQUIRE(t.size() == 6);
  CHECK(t.front() == 0.0);
  CHECK(t.back() == Approx(1.0));
  CHECK(tick_label(0.4, 0.2) == "0.4");
  CHECK(tick_label(50, 10) == "50");
  CHECK(tick_label(0.05, 0.05) == "0.05");
  CHECK(ticks({-1, 1}, 4)[2] == 0.0);  // no "-0"
}

TEST_CASE("axis maps are linear and can flip for a y axis") {
  const AxisMap x{{0, 10}, 100, 300};
  CHECK(x(0) == Approx(100));
  CHECK(x(5) == Approx(200));
  CHECK(x(10) == Approx(300));
  const AxisMap y{{0, 1}, 500, 100};  // screen y grows downwards
  CHECK(y(0) == Approx(500));
  CHECK(y(1) == Approx(100));
  CHECK(y(0.25) == Approx(400));
}
