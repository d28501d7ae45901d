// Teaching that cannot break the model (issue 8): a person's drawing is
// learned, a wrong label or a speck cannot wreck test accuracy, and a drop
// past the bar puts the previous weights back.
#include <catch2/catch.hpp>

#include "train/batch_source.h"
#include "test_support.h"

using namespace digitlab;

namespace {

// Replayed samples as a trainer's batches have them (augmented, with
// non-digits), from a source of its own.
struct Replay {
  BatchSource source{test::mnist("train"), nullptr};
  Hyperparameters hyper = default_trainer_config().hyper;
  explicit Replay(std::uint64_t seed) { source.restart(seed); }
  ReplaySamples samples() {
    return [this](int n, float* pixels, std::uint8_t* labels) { return source.fill(n, hyper, pixels, labels); };
  }
};

// The test set beyond the validation slice: what teaching never looks at.
const Dataset& held_out() {
  static const Dataset d = [] {
    const Dataset& all = *test::mnist("test");
    const std::size_t skip = validation_slice(all).size();
    Dataset rest;
    rest.images.assign(all.images.begin() + skip * kImagePixels, all.images.end());
    rest.labels.assign(all.labels.begin() + skip, all.labels.end());
    return rest;
  }();
  return d;
}

const Dataset& validation() {
  static const Dataset d = validation_slice(*test::mnist("test"));
  return d;
}

// A drawing shrunk to a speck at the pad's centre.
std::vector<Stroke> speck(const std::vector<Stroke>& strokes) {
  std::vector<Stroke> out = strokes;
  for (Stroke& s : out)
    for (Point& p : s.points) p = {0.5f + (p.x - 0.5f) * 0.05f, 0.5f + (p.y - 0.5f) * 0.05f};
  return out;
}
}  // namespace

TEST_CASE("teaching refuses what it cannot learn from and changes nothing", "[teach]") {
  Model model = make_model(parse_architecture("conv3x3x4,relu,maxpool2,dense10"), 2);
  const Model before = model;
  Replay replay(5);
  Image28 image{};
  image_to_unit(test::mnist("test")->image(0), image.data());
  const NetInput input = test::ready_input(image);
  const Dataset few = test::head(*test::mnist("test"), 100);
  const auto teach = [&](const NetInput& in, int label, const Dataset& val) {
    return teach_drawing(model, in, label, {}, replay.samples(), val, -1, TeachSettings{}, 1);
  };
  TeachReport r = teach(input, 10, few);
  CHECK_FALSE(r.taught);
  CHECK_THAT(r.message, Catch::Contains("0-9"));
  NetInput tiny;
  tiny.status = InputStatus::too_small;
  r = teach(tiny, 3, few);
  CHECK_FALSE(r.taught);
  CHECK_THAT(r.message, Catch::Contains("draw it bigger"));
  r = teach(input, 7, Dataset{});
  CHECK_FALSE(r.taught);
  CHECK_THAT(r.message, Catch::Contains("validation"));
  const auto no_samples = [](int, float*, std::uint8_t*) { return false; };
  r = teach_drawing(model, input, 7, {}, no_samples, few, -1, TeachSettings{}, 1);
  CHECK_FALSE(r.taught);
  CHECK(model.params == before.params);
}

TEST_CASE("a personal set survives being kept as bytes; broken bytes are a clear error", "[teach]") {
  std::vector<LabelledDrawing> set(3);
  for (int i = 0; i < 3; ++i) {
    image_to_unit(test::mnist("test")->image(i), set[i].image.data());
    set[i].label = test::mnist("test")->labels[i];
  }
  const std::vector<std::uint8_t> bytes = encode_personal_set(set);
  const std::vector<LabelledDrawing> back = decode_personal_set(bytes);
  REQUIRE(back.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(back[i].label == set[i].label);
    for (int p = 0; p < kImagePixels; ++p) REQUIRE(back[i].image[p] == Approx(set[i].image[p]).margin(0.5 / 255));
  }
  CHECK(decode_personal_set(encode_personal_set({})).empty());
  std::vector<std::uint8_t> cut(bytes.begin(), bytes.end() - 1);
  CHECK_THROWS_AS(decode_personal_set(cut), Error);
  CHECK_THROWS_AS(decode_personal_set({}), Error);
}

TEST_CASE("a drop past the bar puts the previous weights back and says so", "[teach]") {
  Model model = make_model(parse_architecture("conv3x3x4,relu,maxpool2,dense10"), 2);
  const Model before = model;
  Replay replay(6);
  Image28 image{};
  image_to_unit(test::mnist("test")->image(0), image.data());
  const NetInput input = test::ready_input(image);
  TeachSettings impossible;
  impossible.max_drop = -1;  // even no change at all counts as a drop
  impossible.max_steps = 3;
  const TeachReport r = teach_drawing(model, input, 7, {}, replay.samples(), test::head(*test::mnist("test"), 200), -1,
                                      impossible, 1);
  CHECK(r.taught);
  CHECK(r.restored);
  CHECK(r.steps == 3);
  CHECK(model.params == before.params);
  CHECK_THAT(r.message, Catch::Contains("previous weights were kept"));
  // Its figures name what they were measured on, and the bar as the tooltip prints it (number_text).
  CHECK_THAT(r.message, Catch::Contains("accuracy on 200 test digits") && Catch::Contains("down more than -100 points"));
  // The same teaching with the ordinary bar changes the weights.
  TeachSettings three;
  three.max_steps = 3;
  const TeachReport kept = teach_drawing(model, input, 7, {}, replay.samples(), test::head(*test::mnist("test"), 200),
                                         -1, three, 1);
  CHECK(kept.taught);
  CHECK(model.params != before.params);
}

TEST_CASE("a validation accuracy the caller knows is not measured again", "[teach]") {
  Model model = make_model(parse_architecture("conv3x3x4,relu,maxpool2,dense10"), 2);
  Replay replay(9);
  Image28 image{};
  image_to_unit(test::mnist("test")->image(0), image.data());
  const NetInput input = test::ready_input(image);
  const Dataset few = test::head(*test::mnist("test"), 200);
  TeachSettings three;
  three.max_steps = 3;
  const TeachReport r = teach_drawing(model, input, 7, {}, replay.samples(), few, -1, three, 1, 0.5);
  CHECK(r.taught);
  CHECK(r.accuracy_before == 0.5);  // an untrained net measured would be near 0.1
  CHECK(r.baseline == 0.5);
}

TEST_CASE("ten teachings in a row, wrong labels and specks among them, cost at most 0.5 pp", "[teach][reading-model]") {
  Model model = test::reading_model();
  const double start = evaluate(model, held_out()).accuracy;
  const auto drawings = load_drawing_set(test::kDrawings + "/drawn_digits.json");
  Replay replay(7);
  std::vector<LabelledDrawing> personal;
  double baseline = -1;
  int taught = 0, refused = 0, restored = 0;
  double worst = start;
  for (int k = 0; k < 10; ++k) {
    const DrawnSample& d = drawings[(k * 53 + 11) % drawings.size()];
    const bool wrong = k % 4 == 1, tiny = k % 4 == 3;  // 3 wrong labels, 2 specks
    const int label = wrong ? (d.label + 3) % kClasses : d.label;
    const NetInput input = preprocess_strokes(tiny ? speck(d.strokes) : d.strokes);
    const Model before = model;
    const TeachReport r = teach_drawing(model, input, label, personal, replay.samples(), validation(), baseline,
                                        TeachSettings{}, 100 + k);
    INFO("teaching " << k << " (" << d.style << " as " << label << "): " << r.message);
    if (tiny) {
      CHECK_FALSE(r.taught);
      CHECK(model.params == before.params);
      ++refused;
      continue;
    }
    REQUIRE(r.taught);
    ++taught;
    if (baseline < 0) baseline = r.baseline;
    if (!r.restored) personal.push_back({input.image, label});
    restored += r.restored;
    const double now = evaluate(model, held_out()).accuracy;
    worst = std::min(worst, now);
    INFO("held-out accuracy " << start << " -> " << now);
    CHECK(now >= start - 0.005);
  }
  CHECK(taught == 8);
  CHECK(refused == 2);
  WARN("ten teachings: held-out accuracy " << start << " -> " << evaluate(model, held_out()).accuracy << ", worst "
       << worst << ", weights kept back " << restored << " times");
}

TEST_CASE("a misread drawing taught with its true label is read right afterwards", "[teach][reading-model]") {
  const Model& net = test::reading_model();
  // Misread drawings, 20 in all: the drawing benchmark's, then MNIST test
  // digits beyond the validation slice, then those digits warped further than
  // training warps them. A better net misreads fewer of the first two (the
  // reading models of seeds 1-3 on the avx512 and avx2 kernel paths misread
  // 18 to more than 20, one on a CI machine 18), so the warped ones make up
  // the count; a person still reads each as its label.
  std::vector<LabelledDrawing> misread;
  const auto keep_if_misread = [&](const Image28& image, int label) {
    if (misread.size() < 20 && read_input(net, test::ready_input(image)).guess != label)
      misread.push_back({image, label});
  };
  for (const DrawnSample& d : load_drawing_set(test::kDrawings + "/drawn_digits.json")) {
    const NetInput input = preprocess_strokes(d.strokes);
    if (input.ready()) keep_if_misread(input.image, d.label);
  }
  const std::size_t drawn = misread.size();
  const Dataset& rest = held_out();
  Image28 image;
  for (std::size_t i = 0; i < rest.size() && misread.size() < 20; ++i) {
    image_to_unit(rest.image(i), image.data());
    keep_if_misread(image, rest.labels[i]);
  }
  const std::size_t unwarped = misread.size();
  const AugmentConfig warp{true, 3.0f, 20.0f, 0.2f, 0.3f};
  std::uint64_t rng = 17;
  for (std::size_t i = 0; i < rest.size() && misread.size() < 20; ++i) {
    augment_image(rest.image(i), image.data(), warp, rng);
    keep_if_misread(image, rest.labels[i]);
  }
  REQUIRE(misread.size() >= 20);
  misread.resize(20);
  Replay replay(8);
  int right = 0;
  for (std::size_t k = 0; k < misread.size(); ++k) {
    Model model = net;
    const NetInput input = test::ready_input(misread[k].image);
    const TeachReport r = teach_drawing(model, input, misread[k].label, {}, replay.samples(), validation(), -1,
                                        TeachSettings{}, 200 + k);
    INFO(r.message);
    CHECK(r.guess_before != misread[k].label);
    right += r.taught && r.read_right_after() && read_input(model, input).guess == misread[k].label;
  }
  WARN("misread drawings read right after teaching: " << right << " of " << misread.size() << " (" << drawn
       << " drawn, " << unwarped - drawn << " MNIST, " << misread.size() - unwarped << " warped MNIST)");
  // 18-20 of 20 with the reading models of seeds 1-3 on the avx512 and avx2
  // kernel paths (0-3 of them warped).
  CHECK(right >= 16);
}
