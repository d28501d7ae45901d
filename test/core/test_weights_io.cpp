#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>

#include "test_support.h"

using namespace digitlab;

namespace {
ModelFile sample_file() {
  ModelFile f;
  f.model = make_model(dense_architecture({16, 8}), 3, 0.1307f, 0.3081f);
  f.model.params[5] = 1.0e-7f;
  f.model.params[6] = -3.5e12f;
  f.meta.dataset = "mnist";
  f.meta.epochs = 2.5;
  f.meta.test_accuracy = 0.9731;
  f.meta.test_loss = 0.09;
  f.meta.samples_seen = 150000;
  f.meta.optimizer.kind = OptimizerKind::adam;
  f.meta.optimizer.lr = 0.002f;
  f.meta.batch_size = 32;
  f.meta.seed = 77;
  f.meta.note = "unit test";
  return f;
}
void check_same(const ModelFile& a, const ModelFile& b) {
  CHECK(a.model.arch == b.model.arch);
  CHECK(a.model.params == b.model.params);  // bit-exact: floats print in round-trip form
  CHECK(a.model.input_mean == b.model.input_mean);
  CHECK(a.model.input_std == b.model.input_std);
  CHECK(a.meta.dataset == b.meta.dataset);
  CHECK(a.meta.epochs == Approx(b.meta.epochs));
  CHECK(a.meta.test_accuracy == Approx(b.meta.test_accuracy));
  CHECK(a.meta.samples_seen == b.meta.samples_seen);
  CHECK(a.meta.optimizer.kind == b.meta.optimizer.kind);
  CHECK(a.meta.optimizer.lr == b.meta.optimizer.lr);
  CHECK(a.meta.batch_size == b.meta.batch_size);
  CHECK(a.meta.seed == b.meta.seed);
  CHECK(a.meta.note == b.meta.note);
}
ModelFile cnn_file() {
  ModelFile f = sample_file();
  f.model = make_model(parse_architecture("conv3x3x4,relu,maxpool2,conv5x5x6:valid,relu,flatten,dense12,relu,dense10"), 5,
                       0.1307f, 0.3081f);
  return f;
}

// The same weights in format version 1 (dense layers only), as DigitLab
// wrote them before version 2: files like this must still load.
std::string v1_json(const ModelFile& f) {
  std::string sizes = "784";
  std::vector<std::pair<std::size_t, std::size_t>> shapes;
  for (const LayerPlan& p : f.model.layers)
    if (p.spec.kind == LayerKind::dense) {
      sizes += "," + std::to_string(p.spec.size);
      shapes.push_back({p.in.size(), std::size_t(p.spec.size)});
    }
  std::string text = R"({"format":"digitlab-weights","version":1,"architecture":{"sizes":[)" + sizes +
                     R"(],"activation":"relu","output":"log_softmax","weight_layout":"in_out","input_mean":0.1307,)"
                     R"("input_std":0.3081},"training":{"dataset":"mnist","epochs":2.5,"test_accuracy":0.9731,)"
                     R"("test_loss":0.09,"samples_seen":150000,"optimizer":{"kind":"adam","lr":0.002,"momentum":0.9,)"
                     R"("beta1":0.9,"beta2":0.999,"eps":1e-08,"weight_decay":0.0,"schedule":"constant",)"
                     R"("step_epochs":3.0,"step_gamma":0.1,"min_lr_fraction":0.0},"batch_size":32,"seed":77,)"
                     R"("note":"unit test"},"layers":[)";
  std::size_t at = 0;
  char number[32];
  for (std::size_t l = 0; l < shapes.size(); ++l) {
    text += (l ? "]},{" : "{") + std::string("\"in\":") + std::to_string(shapes[l].first) + ",\"out\":" +
            std::to_string(shapes[l].second) + ",\"weights\":[";
    for (std::size_t i = 0; i < shapes[l].first * shapes[l].second; ++i, ++at) {
      std::snprintf(number, sizeof number, "%s%.9g", i ? "," : "", f.model.params[at]);
      text += number;
    }
    text += "],\"bias\":[";
    for (std::size_t i = 0; i < shapes[l].second; ++i, ++at) {
      std::snprintf(number, sizeof number, "%s%.9g", i ? "," : "", f.model.params[at]);
      text += number;
    }
  }
  return text + "]}]}";
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}
}  // namespace

TEST_CASE("JSON and binary weights round-trip exactly", "[weights]") {
  for (const ModelFile& f : {sample_file(), cnn_file()}) {
  INFO(to_string(f.model.arch));
  check_same(f, weights_from_json(weights_to_json(f)));
  const auto bin = weights_to_binary(f);
  check_same(f, weights_from_binary(bin.data(), bin.size()));
  check_same(f, weights_from_bytes(bin.data(), bin.size()));
  const auto json = test::bytes_of(weights_to_json(f));
  check_same(f, weights_from_bytes(json.data(), json.size()));
  // Binary: header + 4 bytes per parameter, far smaller than JSON.
  CHECK(bin.size() < json.size());
  }
}

TEST_CASE("version 2 describes the layer list; version 1 files still load", "[weights]") {
  const ModelFile cnn = cnn_file();
  const std::string json = weights_to_json(cnn);
  CHECK(json.find("\"version\":2") != std::string::npos);
  CHECK(json.find("\"spec\":\"conv3x3x4,relu,maxpool2,conv5x5x6:valid,relu,flatten,dense12,relu,dense10\"") !=
        std::string::npos);
  CHECK(json.find("{\"filters\":4,\"kernel\":3,\"output\":[28,28,4],\"padding\":\"same\",\"type\":\"conv\"}") !=
        std::string::npos);
  CHECK(json.find("\"weights_shape\":[6,4,5,5]") != std::string::npos);
  const ModelFile mlp = sample_file();
  const ModelFile old = weights_from_json(v1_json(mlp));
  CHECK(old.model.arch == dense_architecture({16, 8}));
  CHECK(old.model.params == mlp.model.params);
  CHECK(old.meta.note == "unit test");
}

TEST_CASE("malformed version 2 files are refused with nothing built", "[weights]") {
  const std::string good = weights_to_json(cnn_file());
  const auto refused = [&](const std::string& from, const std::string& to, const char* message) {
    INFO(to);
    CHECK_THROWS_WITH(weights_from_json(replace_once(good, from, to)), Catch::Contains(message));
  };
  const std::string spec = "conv3x3x4,relu,maxpool2,conv5x5x6:valid,relu,flatten,dense12,relu,dense10";
  refused(spec, "conv3x3x4,relu,maxpool2,swish,relu,flatten,dense12,relu,dense10", "unknown layer");
  refused(spec, "conv3x3x4,relu,maxpool2,conv5x5x6:valid,relu,flatten,dense12,relu,conv3x3x2,dense10",
          "cannot follow a dense");
  refused(spec, "conv3x3x4,relu,maxpool2,conv5x5x6:valid,relu,flatten,dense12,relu,dense11", "last layer must be dense10");
  refused(spec, "conv3x3x4,relu,maxpool2,conv5x5x7:valid,relu,flatten,dense12,relu,dense10",
          "architecture.layers[3] does not match");
  refused(spec, "conv3x3x256,relu,conv3x3x256,relu,conv3x3x256,relu,flatten,dense4096,relu,dense10",
          "more than 16777216 parameters");
  refused(spec, "conv3x3x4,relu,maxpool2,conv5x5x6:valid,relu,flatten,dense4294967312,relu,dense10", "expected denseN");
  refused("\"weights_shape\":[6,4,5,5]", "\"weights_shape\":[6,5,4,5]", "weights_shape does not match");
  refused("\"layer\":3,", "\"layer\":4,", "must belong to layer 3");
  refused("\"bias\":[", "\"bias\":[0.5,", "bias must hold 4 numbers, has more");
  refused("\"version\":2", "\"version\":3", "unsupported format version 3");
  // Binary: a parameter count that does not match the header.
  auto bin = weights_to_binary(cnn_file());
  const auto header_len = bin[8] | bin[9] << 8;
  bin[12 + header_len] ^= 1;  // the stored parameter count
  const std::uint32_t crc = [&] {
    // re-seal the file so only the count is wrong
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i + 4 < bin.size(); ++i) {
      c ^= bin[i];
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
  }();
  for (int i = 0; i < 4; ++i) bin[bin.size() - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  CHECK_THROWS_WITH(weights_from_binary(bin.data(), bin.size()), Catch::Contains("parameters stored, architecture needs"));
}

TEST_CASE("weight files save atomically and load by content", "[weights]") {
  const ModelFile f = sample_file();
  for (const char* ext : {".json", ".bin"}) {
    const std::string path = test::temp_path(std::string("w") + ext);
    save_weights(path, f);
    check_same(f, load_weights(path));
    std::remove(path.c_str());
  }
  CHECK_THROWS_WITH(load_weights("/nonexistent/w.json"), Catch::Contains("cannot open"));
}

TEST_CASE("invalid JSON weights are rejected with a clear message", "[weights]") {
  const std::string good = v1_json(sample_file());
  CHECK_THROWS_WITH(weights_from_json("not json"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(weights_from_json("[1,2]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"version\":1", "\"version\":7")),
                    Catch::Contains("unsupported format version 7"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"sizes\":[784,16,8,10]", "\"sizes\":[784,16,9,10]")),
                    Catch::Contains("layer 1 weights must hold 144 numbers, has 128"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"in\":16,\"out\":8", "\"in\":8,\"out\":16")),
                    Catch::Contains("shape"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"sizes\":[784,16,8,10]", "\"sizes\":[100,16,8,10]")),
                    Catch::Contains("784 inputs"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"bias\":[", "\"bias\":[null,")),
                    Catch::Contains("bias[0] is not a number"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"bias\":[", "\"bias\":[0.5,")),
                    Catch::Contains("bias must hold 16 numbers, has more"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"bias\":[", "\"bias\":[[1],")),
                    Catch::Contains("not a number"));
  const auto first_bias = good.find("\"bias\":[") + 8;
  std::string nan_value = good;
  nan_value.replace(first_bias, good.find_first_of(",]", first_bias) - first_bias, "null");
  CHECK_THROWS_WITH(weights_from_json(nan_value), Catch::Contains("not a number"));
  std::string inf_value = good;
  inf_value.replace(first_bias, good.find_first_of(",]", first_bias) - first_bias, "1e999");
  CHECK_THROWS_AS(weights_from_json(inf_value), Error);
  CHECK_THROWS_WITH(weights_from_json(good.substr(0, good.size() / 2)), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"format\":\"digitlab-weights\"", "\"format\":\"other\"")),
                    Catch::Contains("format"));
}

TEST_CASE("invalid binary weights are rejected: checksum, truncation, counts", "[weights]") {
  const auto good = weights_to_binary(sample_file());
  auto flipped = good;
  flipped[good.size() / 2] ^= 0x40;
  CHECK_THROWS_WITH(weights_from_binary(flipped.data(), flipped.size()), Catch::Contains("checksum"));
  CHECK_THROWS_WITH(weights_from_binary(good.data(), good.size() - 9), Catch::Contains("checksum"));
  CHECK_THROWS_WITH(weights_from_binary(good.data(), 10), Catch::Contains("not a DigitLab"));
  auto version = good;
  version[4] = 9;
  CHECK_THROWS_WITH(weights_from_binary(version.data(), version.size()), Catch::Contains("version 9"));
}

TEST_CASE("NaN weights never serialise", "[weights]") {
  ModelFile f = sample_file();
  f.model.params[10] = std::nanf("");
  CHECK_THROWS_WITH(weights_to_binary(f), Catch::Contains("parameter 10"));
  CHECK_THROWS_AS(weights_to_json(f), Error);
  CHECK_THROWS_AS(check_model(f.model), Error);
}

TEST_CASE("a small body claiming a huge net is refused before anything is allocated", "[weights]") {
  const std::string header = R"({"format":"digitlab-weights","version":1,"architecture":{"sizes":SIZES,)"
                             R"("activation":"relu","output":"log_softmax","weight_layout":"in_out",)"
                             R"("input_mean":0,"input_std":1},"layers":[]})";
  auto with_sizes = [&](const std::string& sizes) { return replace_once(header, "SIZES", sizes); };
  CHECK_THROWS_WITH(weights_from_json(with_sizes("[784,4096,4096,4096,4096,4096,4096,4096,4096,10]")),
                    Catch::Contains("more than 16777216 parameters"));
  CHECK_THROWS_WITH(weights_from_json(with_sizes("[784,4096,2048,10]")), Catch::Contains("cannot hold the 11626506"));
  CHECK_THROWS_AS(make_model(dense_architecture({4096, 4096, 4096}), 1), Error);
}

TEST_CASE("the JSON renderer hands out pieces that join to the whole text", "[weights]") {
  ModelFile f = sample_file();
  f.model.params[7] = -0.0f;
  f.model.params[8] = 100.0f;
  const std::string whole = weights_to_json(f);
  WeightsJsonRenderer renderer(f);
  std::string joined, piece;
  std::size_t pieces = 0;
  while (true) {
    piece.clear();
    const bool more = renderer.next(piece, 1000);
    CHECK(piece.size() < 1000 + 4096);  // a piece ends within one literal or number past the limit
    joined += piece;
    ++pieces;
    if (!more) break;
  }
  CHECK(pieces > 10);
  CHECK(joined == whole);
  // Rendered straight from the binary bytes, without a model in between.
  const auto bin = weights_to_binary(f);
  WeightsJsonRenderer from_binary = WeightsJsonRenderer::from_binary(bin.data(), bin.size());
  std::string direct;
  while (from_binary.next(direct)) {
  }
  CHECK(direct == whole);
  const ModelFile back = weights_from_json(whole);
  CHECK(std::signbit(back.model.params[7]));  // "-0.0", not the integer 0
  CHECK(back.model.params == f.model.params);
  auto flipped = bin;
  flipped[bin.size() / 2] ^= 1;
  CHECK_THROWS_WITH(WeightsJsonRenderer::from_binary(flipped.data(), flipped.size()), Catch::Contains("checksum"));
}

TEST_CASE("parameters listed before the architecture still read back", "[weights]") {
  const ModelFile f = cnn_file();
  const std::string json = weights_to_json(f);
  const auto layers = json.find(",\"parameters\":");
  REQUIRE(layers != std::string::npos);
  // {"parameters":[...],<header fields>}
  const std::string reordered =
      "{" + json.substr(layers + 1, json.size() - 1 - (layers + 1)) + "," + json.substr(1, layers - 1) + "}";
  REQUIRE(reordered.find("\"parameters\"") < reordered.find("\"architecture\""));
  check_same(f, weights_from_json(reordered));
}

TEST_CASE("hostile JSON weights are refused early with a clear message", "[weights]") {
  const std::string good = v1_json(sample_file());
  // 60,000 levels used to overflow the stack when the message dumped the value.
  const std::string deep = std::string(60000, '[') + std::string(60000, ']');
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"version\":1", "\"version\":" + deep)),
                    Catch::Contains("nested deeper than 32 levels"));
  CHECK_THROWS_WITH(weights_from_json(std::string(30u << 20, '[')), Catch::Contains("nested deeper than 32 levels"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"version\":1", "\"version\":{\"a\":[1]}")),
                    Catch::Contains("unsupported format version of type object"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"note\":\"unit test\"",
                                                   "\"note\":\"" + std::string(1 << 20, 'x') + "\"")),
                    Catch::Contains("longer than 4096 bytes"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"note\":\"unit test\"",
                                                   "\"note\":\"" + std::string(2000, 'x') + "\"")),
                    Catch::Contains("'note' in training is longer than 1024 bytes"));
  std::string many = "[";
  for (int i = 0; i < 5000; ++i) many += "1,";
  many += "1]";
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"note\":\"unit test\"", "\"extra\":" + many)),
                    Catch::Contains("more than 1024 items"));
}

TEST_CASE("out-of-range metadata is refused, never narrowed", "[weights]") {
  const std::string good = v1_json(sample_file());
  const auto refused = [&](const std::string& from, const std::string& to, const char* message) {
    INFO(to);
    CHECK_THROWS_WITH(weights_from_json(replace_once(good, from, to)), Catch::Contains(message));
  };
  refused("\"sizes\":[784,16,8,10]", "\"sizes\":[784,4294967312,8,10]", "architecture.sizes must be an integer");
  refused("\"batch_size\":32", "\"batch_size\":1e30", "batch_size must be an integer");
  refused("\"batch_size\":32", "\"batch_size\":-3", "batch_size must be an integer");
  refused("\"test_accuracy\":0.9731", "\"test_accuracy\":5", "'test_accuracy' in training must be from -1 to 1");
  refused("\"test_accuracy\":0.9731", "\"test_accuracy\":-0.5", "never evaluated");
  refused("\"lr\":0.002", "\"lr\":-1", "lr must be a number from");
  refused("\"input_std\":0.3081", "\"input_std\":1e-45", "input_std must be in");
  refused("\"samples_seen\":150000", "\"samples_seen\":-1", "samples_seen must be an integer");
  const auto bin = weights_to_binary(sample_file());
  CHECK_NOTHROW(weights_from_binary(bin.data(), bin.size()));
}

// Sizes, shapes and counts are integers: a near-integer is an error, never
// rounded, and a layer's output shape, when a file gives it, is the one its
// layers make, never "corrected" on the way in.
TEST_CASE("near-integer sizes and wrong output shapes are refused, not corrected", "[weights]") {
  const auto refused = [](const std::string& text, const char* message) {
    CHECK_THROWS_WITH(weights_from_json(text), Catch::Contains(message));
  };
  const std::string v1 = v1_json(sample_file());
  refused(replace_once(v1, "\"in\":784", "\"in\":784.00001"), "layer 0.in must be an integer from");
  refused(replace_once(v1, "\"out\":16", "\"out\":16.0"), "layer 0.out must be an integer from");
  const std::string v2 = weights_to_json(sample_file());
  refused(replace_once(v2, "\"outputs\":16", "\"outputs\":16.0000001"),
          "architecture.layers[0].outputs must be an integer from");
  refused(replace_once(v2, "\"weights_shape\":[784,16]", "\"weights_shape\":[784.0,16]"),
          "weights_shape[0] must be an integer from");
  const std::string cnn = weights_to_json(cnn_file());
  refused(replace_once(cnn, "\"output\":[28,28,4]", "\"output\":[28,28,5]"), "architecture.layers[0] does not match");
  refused(replace_once(cnn, "\"output\":[28,28,4]", "\"output\":[28,28,4.5]"),
          "architecture.layers[0].output[2] must be an integer from");
  // Left out, the shapes are derived: still a valid file.
  CHECK_NOTHROW(weights_from_json(replace_once(cnn, ",\"output\":[28,28,4]", "")));
}
