#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "digitlab/digitlab.h"
#include "logic/session_file.h"

using namespace digitlab;
using namespace digitlab::gui;

namespace {

SavedSession sample_session() {
  SavedSession s;
  s.saved_at = 1764150000;
  s.model_name = "default";
  s.server_version = 3;
  s.changed_since_server = true;
  s.hyper = default_trainer_config().hyper;
  s.hyper.optimizer.lr = 0.0125f;
  s.hyper.epochs = 12;
  s.hyper.augment.enabled = false;
  s.seed = 42;
  s.run.state = RunState::running;
  s.run.epoch = 3.25;
  s.run.history = {{0.5, 0.9f, 0.7f, 1200, 0.03f}, {1.0, 0.3f, 0.92f, 1300, 0.029f}};
  s.run.evals = {{1.0, 0.95f, 0.17f}, {2.0, 0.97f, 0.1f}};
  auto eval = std::make_shared<EvalResult>();
  eval->count = 3;
  eval->accuracy = 2.0 / 3;
  eval->loss = 0.4;
  eval->confusion[7][7] = 2;
  eval->confusion[1][7] = 1;
  eval->predicted = {7, 7, 7};
  s.run.last_eval = eval;
  s.weights.model = make_model(preset_architecture("mlp"), 5, 0.1307f, 0.3081f, Init::he_uniform);
  s.weights.meta.samples_seen = 195000;
  s.weights.meta.dataset = "mnist";
  return s;
}

}  // namespace

TEST_CASE("a saved session comes back whole") {
  const SavedSession s = sample_session();
  const std::vector<std::uint8_t> bytes = encode_session(s);
  const SavedSession back = decode_session(bytes.data(), bytes.size());
  CHECK(back.saved_at == s.saved_at);
  CHECK(back.model_name == "default");
  CHECK(back.server_version == std::optional<std::uint64_t>(3));
  CHECK(back.changed_since_server);
  CHECK(back.hyper.optimizer.lr == 0.0125f);
  CHECK(back.hyper.epochs == 12);
  CHECK_FALSE(back.hyper.augment.enabled);
  CHECK(back.hyper.optimizer.kind == s.hyper.optimizer.kind);
  CHECK(back.seed == 42);
  CHECK(back.run.state == RunState::running);
  CHECK(back.run.epoch == 3.25);
  REQUIRE(back.run.history.size() == 2);
  CHECK(back.run.history[1].accuracy == 0.92f);
  CHECK(back.run.history[1].lr == 0.029f);
  REQUIRE(back.run.evals.size() == 2);
  CHECK(back.run.evals[1].accuracy == 0.97f);
  REQUIRE(back.run.last_eval);
  CHECK(back.run.last_eval->confusion == s.run.last_eval->confusion);
  CHECK(back.run.last_eval->predicted == s.run.last_eval->predicted);
  CHECK(back.weights.model.params == s.weights.model.params);
  CHECK(back.weights.model.arch == s.weights.model.arch);
  CHECK(back.weights.meta.samples_seen == 195000);
}

TEST_CASE("a damaged session is refused with a reason") {
  const SavedSession s = sample_session();
  std::vector<std::uint8_t> bytes = encode_session(s);
  CHECK_THROWS_AS(decode_session(bytes.data(), 5), Error);
  std::vector<std::uint8_t> truncated(bytes.begin(), bytes.end() - 100);
  CHECK_THROWS_AS(decode_session(truncated.data(), truncated.size()), Error);  // the weights are cut
  std::vector<std::uint8_t> other = bytes;
  other[0] = 'X';
  CHECK_THROWS_WITH(decode_session(other.data(), other.size()), Catch::Contains("not a DigitLab session"));
  // A setting out of its range (core's table says so) is refused, not clamped.
  std::string text(bytes.begin(), bytes.end());
  const auto at = text.find("\"lr\":\"0.0125\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 13, "\"lr\":\"99.000\"");
  CHECK_THROWS_WITH(decode_session(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                    Catch::Contains("lr"));
  // A negative seed is refused, not wrapped to 2^64 - 1 (same length: the header's size stays right).
  std::string seed(bytes.begin(), bytes.end());
  const auto seed_at = seed.find("\"seed\":42,");
  REQUIRE(seed_at != std::string::npos);
  seed.replace(seed_at, 10, "\"seed\":-1,");
  CHECK_THROWS_WITH(decode_session(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size()),
                    Catch::Contains("seed must be an integer"));
}

// A run that diverged has a loss that is not a number on its curves and in
// its last evaluation. JSON has none, so it was written as null and the
// reload failed ("type must be number, but is null"): curves and settings lost.
TEST_CASE("a diverged run's session comes back, its non-finite figures as NaN") {
  SavedSession s = sample_session();
  s.run.history[1].loss = std::numeric_limits<float>::quiet_NaN();
  s.run.history[1].accuracy = std::numeric_limits<float>::infinity();
  s.run.evals[1].loss = std::numeric_limits<float>::quiet_NaN();
  auto eval = std::make_shared<EvalResult>(*s.run.last_eval);
  eval->loss = std::numeric_limits<double>::quiet_NaN();
  s.run.last_eval = eval;
  const std::vector<std::uint8_t> bytes = encode_session(s);
  const SavedSession back = decode_session(bytes.data(), bytes.size());
  REQUIRE(back.run.history.size() == 2);
  CHECK(std::isnan(back.run.history[1].loss));
  CHECK(std::isnan(back.run.history[1].accuracy));  // not finite either way: no figure to show
  CHECK(back.run.history[1].samples_per_s == 1300);
  CHECK(std::isnan(back.run.evals[1].loss));
  CHECK(back.run.evals[1].accuracy == 0.97f);
  REQUIRE(back.run.last_eval);
  CHECK(std::isnan(back.run.last_eval->loss));
  CHECK(back.run.last_eval->accuracy == Approx(2.0 / 3));
  CHECK(back.seed == 42);
}

TEST_CASE("a damaged session is refused in words, not a parser's code") {
  const std::vector<std::uint8_t> bytes = encode_session(sample_session());
  std::string text(bytes.begin(), bytes.end());
  const auto at = text.find("\"epoch\":3.25");
  REQUIRE(at != std::string::npos);
  text.replace(at, 12, "\"epoch\":\"3.\"");  // same length: a string where a number belongs
  try {
    decode_session(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    FAIL("a damaged session was read");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith("session: the saved file is damaged ("));
    CHECK(what.find("[json.exception") == std::string::npos);
  }
}
