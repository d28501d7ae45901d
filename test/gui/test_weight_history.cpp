#include <catch2/catch.hpp>

#include "digitlab/digitlab.h"
#include "logic/weight_history.h"

using namespace digitlab;
using namespace digitlab::gui;

namespace {

WeightsBefore before(const std::string& change, std::size_t pad_strokes = 0) {
  WeightsBefore w;
  w.change = change;
  w.weights.model = make_model(preset_architecture("mlp"), 1);
  w.pad_strokes = pad_strokes;
  return w;
}

}  // namespace

TEST_CASE("the weight history gives back the newest change first and keeps the last 8") {
  WeightHistory history;
  CHECK_FALSE(history.pop());
  for (int i = 1; i <= 10; ++i) history.push(before("change " + std::to_string(i)));
  REQUIRE(history.entries().size() == WeightHistory::kKept);
  CHECK(history.entries().front().change == "change 3");  // 1 and 2 went first
  for (int i = 10; i >= 3; --i) {
    const auto newest = history.pop();
    REQUIRE(newest);
    CHECK(newest->change == "change " + std::to_string(i));
    CHECK(newest->weights.model.arch == preset_architecture("mlp"));
  }
  CHECK_FALSE(history.pop());
  CHECK(history.newest() == nullptr);
}

TEST_CASE("Ctrl+Z takes back a stroke drawn after the newest change, else that change") {
  WeightHistory history;
  CHECK(undo_target(0, history) == UndoTarget::nothing);
  CHECK(undo_target(2, history) == UndoTarget::stroke);
  history.push(before("teaching", 3));  // taught with 3 strokes on the pad
  CHECK(undo_target(3, history) == UndoTarget::weights);
  CHECK(undo_target(4, history) == UndoTarget::stroke);   // a stroke drawn since
  CHECK(undo_target(2, history) == UndoTarget::weights);  // strokes taken back since
  history.pad_cleared();  // a new drawing after a Clear is newer than the teaching
  CHECK(undo_target(1, history) == UndoTarget::stroke);
  CHECK(undo_target(0, history) == UndoTarget::weights);
}

TEST_CASE("the kept weight history comes back whole after a restart") {
  WeightHistory history;
  WeightsBefore pulled = before("loading default v3");
  pulled.test_accuracy = 0.9913;
  pulled.server = {"default", 3, 0xfedcba9876543210ull};
  pulled.weights.meta.test_accuracy = 0.9913;
  history.push(pulled);
  WeightsBefore taught = before("teaching that a drawing read as 8 is a 4", 2);
  taught.teaching = true;
  taught.weights.model.params[5] = 0.25f;
  Image28 image{};
  image[100] = 1.0f;
  taught.personal = std::make_shared<const std::vector<LabelledDrawing>>(std::vector<LabelledDrawing>{{image, 4}});
  history.push(taught);

  const std::vector<std::uint8_t> bytes = encode_weight_history(history);
  const std::vector<WeightsBefore> back = decode_weight_history(bytes.data(), bytes.size());
  REQUIRE(back.size() == 2);
  CHECK(back[0].change == "loading default v3");
  CHECK_FALSE(back[0].teaching);
  CHECK(back[0].test_accuracy == Approx(0.9913));
  CHECK(back[0].server.model == "default");
  CHECK(back[0].server.version == std::optional<std::uint64_t>(3));
  CHECK(back[0].server.fingerprint == 0xfedcba9876543210ull);
  CHECK(back[0].personal == nullptr);
  CHECK(back[1].teaching);
  CHECK(back[1].test_accuracy < 0);
  CHECK(back[1].pad_strokes == 0);  // the pad is not kept
  CHECK(back[1].weights.model.params == taught.weights.model.params);
  REQUIRE(back[1].personal);
  REQUIRE(back[1].personal->size() == 1);
  CHECK((*back[1].personal)[0].label == 4);
  CHECK((*back[1].personal)[0].image[100] == Approx(1.0f));

  // Kept steps go before this run's own; the oldest go first past kKept.
  WeightHistory next;
  for (int i = 0; i < 7; ++i) next.push(before("new " + std::to_string(i)));
  const auto revision = next.revision();
  next.add_older(back);
  CHECK(next.revision() != revision);
  REQUIRE(next.entries().size() == WeightHistory::kKept);
  CHECK(next.entries().front().change == "teaching that a drawing read as 8 is a 4");
  CHECK(next.entries().back().change == "new 6");
}

TEST_CASE("a damaged weight history is refused with a reason") {
  WeightHistory history;
  history.push(before("the reset of the weights"));
  const std::vector<std::uint8_t> good = encode_weight_history(history);
  const auto refused = [](std::vector<std::uint8_t> bytes, const char* reason) {
    try {
      decode_weight_history(bytes.data(), bytes.size());
      FAIL("accepted: " << reason);
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::Contains(reason));
    }
  };
  refused({}, "not a DigitLab weight history");
  refused(std::vector<std::uint8_t>(good.begin(), good.end() - 10), "past the end");
  std::vector<std::uint8_t> longer = good;
  longer.push_back(0);
  refused(longer, "left over");
  std::vector<std::uint8_t> header = good;
  header[8] = '[';  // the JSON header no longer parses
  refused(header, "damaged");
  std::string text(good.begin() + 8, good.end());
  const auto at = text.find("\"test_accuracy\":null");
  REQUIRE(at != std::string::npos);
  std::vector<std::uint8_t> accuracy = good;
  const std::string replaced = "\"test_accuracy\":7e99";  // same length
  std::copy(replaced.begin(), replaced.end(), accuracy.begin() + 8 + at);
  refused(accuracy, "accuracy outside 0-1");
}
