#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>

#include "test_support.h"

using namespace digitlab;

namespace {
ModelFile sample_file() {
  ModelFile f;
  f.net = make_mlp({16, 8}, 3, 0.1307f, 0.3081f);
  f.net.params[5] = 1.0e-7f;
  f.net.params[6] = -3.5e12f;
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
  CHECK(a.net.sizes == b.net.sizes);
  CHECK(a.net.params == b.net.params);  // bit-exact: floats print in round-trip form
  CHECK(a.net.input_mean == b.net.input_mean);
  CHECK(a.net.input_std == b.net.input_std);
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
std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}
}  // namespace

TEST_CASE("JSON and binary weights round-trip exactly", "[weights]") {
  const ModelFile f = sample_file();
  check_same(f, weights_from_json(weights_to_json(f)));
  const auto bin = weights_to_binary(f);
  check_same(f, weights_from_binary(bin.data(), bin.size()));
  check_same(f, weights_from_bytes(bin.data(), bin.size()));
  const auto json = test::bytes_of(weights_to_json(f));
  check_same(f, weights_from_bytes(json.data(), json.size()));
  // Binary: header + 4 bytes per parameter, far smaller than JSON.
  CHECK(bin.size() < json.size());
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
  const std::string good = weights_to_json(sample_file());
  CHECK_THROWS_WITH(weights_from_json("not json"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(weights_from_json("[1,2]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"version\":1", "\"version\":2")),
                    Catch::Contains("unsupported format version 2"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"sizes\":[784,16,8,10]", "\"sizes\":[784,16,9,10]")),
                    Catch::Contains("shape"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"sizes\":[784,16,8,10]", "\"sizes\":[100,16,8,10]")),
                    Catch::Contains("784 inputs"));
  CHECK_THROWS_WITH(weights_from_json(replace_once(good, "\"bias\":[", "\"bias\":[null,")),
                    Catch::Contains("must hold"));
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
  f.net.params[10] = std::nanf("");
  CHECK_THROWS_WITH(weights_to_binary(f), Catch::Contains("parameter 10"));
  CHECK_THROWS_AS(weights_to_json(f), Error);
  CHECK_THROWS_AS(check_model(f.net), Error);
}

TEST_CASE("a small body claiming a huge net is refused before anything is allocated", "[weights]") {
  const std::string header = R"({"format":"digitlab-weights","version":1,"architecture":{"sizes":SIZES,)"
                             R"("activation":"relu","output":"log_softmax","weight_layout":"in_out",)"
                             R"("input_mean":0,"input_std":1},"layers":[]})";
  auto with_sizes = [&](const std::string& sizes) { return replace_once(header, "SIZES", sizes); };
  CHECK_THROWS_WITH(weights_from_json(with_sizes("[784,4096,4096,4096,4096,4096,4096,4096,4096,10]")),
                    Catch::Contains("more than the"));
  CHECK_THROWS_WITH(weights_from_json(with_sizes("[784,4096,2048,10]")), Catch::Contains("expected 3 layers"));
  CHECK_THROWS_AS(make_mlp({4096, 4096, 4096}, 1), Error);
}
