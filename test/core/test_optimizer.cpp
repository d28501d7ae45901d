#include <catch2/catch.hpp>
#include <cmath>

#include "digitlab/digitlab.h"

using namespace digitlab;

TEST_CASE("SGD, momentum and Adam update as their formulas say", "[optimizer]") {
  OptimizerConfig c;
  OptimizerState state;
  float p[2] = {1.0f, -2.0f};
  const float g[2] = {0.5f, 0.25f};

  c.kind = OptimizerKind::sgd;
  c.weight_decay = 0.1f;
  optimizer_step(c, 0.1f, p, g, 2, state);
  CHECK(p[0] == Approx(1.0f - 0.1f * (0.5f + 0.1f * 1.0f)));
  CHECK(p[1] == Approx(-2.0f - 0.1f * (0.25f - 0.1f * 2.0f)));

  c.weight_decay = 0;
  c.kind = OptimizerKind::momentum;
  c.momentum = 0.9f;
  float q[1] = {0.0f};
  const float gq[1] = {1.0f};
  optimizer_step(c, 0.1f, q, gq, 1, state);  // v = 1
  optimizer_step(c, 0.1f, q, gq, 1, state);  // v = 1.9
  CHECK(q[0] == Approx(-0.1f - 0.19f));

  c.kind = OptimizerKind::adam;  // switching kind starts the state over
  float r[1] = {0.0f};
  optimizer_step(c, 0.01f, r, gq, 1, state);
  CHECK(state.steps == 1);
  CHECK(r[0] == Approx(-0.01f).epsilon(1e-4));  // first Adam step has size lr
}

TEST_CASE("learning-rate schedules", "[optimizer]") {
  OptimizerConfig c;
  c.lr = 0.1f;
  CHECK(scheduled_lr(c, 5.0, 10.0) == Approx(0.1f));
  c.schedule = Schedule::step;
  c.step_epochs = 3;
  c.step_gamma = 0.5f;
  CHECK(scheduled_lr(c, 2.9, 10.0) == Approx(0.1f));
  CHECK(scheduled_lr(c, 3.0, 10.0) == Approx(0.05f));
  CHECK(scheduled_lr(c, 6.5, 10.0) == Approx(0.025f));
  c.schedule = Schedule::cosine;
  CHECK(scheduled_lr(c, 0.0, 10.0) == Approx(0.1f));
  CHECK(scheduled_lr(c, 5.0, 10.0) == Approx(0.05f));
  CHECK(scheduled_lr(c, 10.0, 10.0) == Approx(0.0f).margin(1e-7));
}

TEST_CASE("optimizer settings are validated by name and range", "[optimizer]") {
  CHECK(parse_optimizer_kind("adam") == OptimizerKind::adam);
  CHECK_THROWS_WITH(parse_optimizer_kind("rmsprop"), Catch::Contains("unknown optimizer"));
  CHECK_THROWS_AS(parse_schedule("linear"), Error);
  OptimizerConfig c;
  c.lr = std::nanf("");
  CHECK_THROWS_AS(check_optimizer_config(c), Error);
  c.lr = 0.1f;
  c.momentum = 1.5f;
  CHECK_THROWS_AS(check_optimizer_config(c), Error);
  c.momentum = 0.9f;
  CHECK_NOTHROW(check_optimizer_config(c));
}
