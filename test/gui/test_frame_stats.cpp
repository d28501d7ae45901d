#include <catch2/catch.hpp>

#include "logic/frame_stats.h"

using namespace digitlab::gui;

TEST_CASE("frame percentiles use the nearest rank") {
  FrameStats stats(100);
  CHECK(stats.summary().count == 0);
  for (int i = 1; i <= 100; ++i) stats.add(i);
  const FrameSummary s = stats.summary();
  CHECK(s.count == 100);
  CHECK(s.p50_ms == 50);
  CHECK(s.p95_ms == 95);
  CHECK(s.max_ms == 100);
}

TEST_CASE("frame statistics cover only the last window of frames") {
  FrameStats stats(10);
  for (int i = 0; i < 1000; ++i) stats.add(100);  // a slow start...
  for (int i = 0; i < 10; ++i) stats.add(16);     // ...forgotten once a window of fast frames passed
  const FrameSummary s = stats.summary();
  CHECK(s.count == 10);
  CHECK(s.p95_ms == 16);
  CHECK(s.max_ms == 16);
}
