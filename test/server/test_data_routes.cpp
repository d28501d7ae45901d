// Health, data sets, single samples and sample blocks, and their errors.
#include <catch2/catch.hpp>

#include <digitlab/data/dataset.h>

#include "test_support.h"

using namespace test;
using nlohmann::json;

namespace {

const digitlab::Dataset& mnist_test_split() {
  static const digitlab::Dataset data = digitlab::load_idx_split(DIGITLAB_TEST_MNIST, "test");
  return data;
}

std::vector<int> pixels_of(const digitlab::Dataset& data, std::size_t i) {
  return std::vector<int>(data.image(i), data.image(i) + 784);
}

digitlab::SampleBlock decode(const httplib::Result& res) {
  REQUIRE(res);
  REQUIRE(res->get_header_value("Content-Type") == "application/octet-stream");
  return digitlab::decode_sample_block(reinterpret_cast<const std::uint8_t*>(res->body.data()), res->body.size());
}


}  // namespace

TEST_CASE("health and datasets describe what is loaded", "[server]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();

  const auto health = client.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  const json h = body_json(health);
  CHECK(h["status"] == "ok");
  CHECK(h["version"].is_string());
  CHECK(h["uptime_s"].get<double>() >= 0);
  CHECK(h["datasets"] == json::array({"mnist"}));

  const json sets = body_json(client.Get("/api/datasets"))["datasets"];
  REQUIRE(sets.size() == 1);
  CHECK(sets[0]["name"] == "mnist");
  CHECK(sets[0]["default"] == true);
  CHECK(sets[0]["splits"]["train"]["count"] == 60000);
  CHECK(sets[0]["splits"]["test"]["count"] == 10000);
  CHECK(sets[0]["image_shape"] == json::array({28, 28}));
  CHECK(sets[0]["classes"] == json::array({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
}

TEST_CASE("one sample, as JSON and as a one-sample binary block", "[server][api]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();
  const auto& data = mnist_test_split();

  for (std::size_t index : {std::size_t(0), std::size_t(1234), std::size_t(9999)}) {
    const auto res = client.Get("/api/datasets/mnist/test/samples/" + std::to_string(index));
    REQUIRE(res);
    CHECK(res->status == 200);
    const json sample = body_json(res);
    CHECK(sample["index"] == index);
    CHECK(sample["label"] == data.labels[index]);
    CHECK(sample["pixels"].get<std::vector<int>>() == pixels_of(data, index));

    const auto block = decode(client.Get("/api/datasets/mnist/test/samples/" + std::to_string(index), kBinary));
    CHECK(block.first_index == index);
    REQUIRE(block.samples.size() == 1);
    CHECK(block.samples.labels[0] == data.labels[index]);
    CHECK(std::equal(block.samples.images.begin(), block.samples.images.end(), data.image(index)));
  }
  CHECK(body_json(client.Get("/api/datasets/mnist/train/samples/59999"))["index"] == 59999);

  for (const char* bad : {"10000", "-1", "abc", "1e3", "99999999999999999999999"}) {
    const auto res = client.Get(std::string("/api/datasets/mnist/test/samples/") + bad);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(error_code(res) == "bad_index");
  }
  const auto no_set = client.Get("/api/datasets/emnist/test/samples/0");
  CHECK(no_set->status == 404);
  CHECK(error_code(no_set) == "unknown_dataset");
  const auto no_split = client.Get("/api/datasets/mnist/valid/samples/0");
  CHECK(no_split->status == 404);
  CHECK(error_code(no_split) == "unknown_split");
}

TEST_CASE("blocks by offset, cut short at the end of the split", "[server][api]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();
  const auto& data = mnist_test_split();

  const auto block = decode(client.Get("/api/datasets/mnist/test/samples?offset=100&count=64", kBinary));
  CHECK(block.first_index == 100);
  REQUIRE(block.samples.size() == 64);
  for (std::size_t i = 0; i < 64; ++i) {
    CHECK(block.samples.labels[i] == data.labels[100 + i]);
    CHECK(std::equal(block.samples.image(i), block.samples.image(i) + 784, data.image(100 + i)));
  }

  const json j = body_json(client.Get("/api/datasets/mnist/test/samples?offset=100&count=3"));
  CHECK(j["count"] == 3);
  CHECK(j["first_index"] == 100);
  CHECK(j["samples"][2]["index"] == 102);
  CHECK(j["samples"][2]["pixels"].get<std::vector<int>>() == pixels_of(data, 102));

  CHECK(decode(client.Get("/api/datasets/mnist/test/samples?offset=9990&count=64", kBinary)).samples.size() == 10);
  CHECK(decode(client.Get("/api/datasets/mnist/test/samples?count=1024", kBinary)).samples.size() == 1024);

  const std::pair<const char*, const char*> bad[] = {{"count=1025", "bad_count"},
                                                     {"count=0", "bad_count"},
                                                     {"offset=10000&count=1", "bad_index"},
                                                     {"offset=-1&count=1", "bad_index"},
                                                     {"", "bad_count"},
                                                     {"offset=5", "bad_count"},
                                                     {"random=4&offset=0&count=4", "bad_count"},
                                                     {"count=4&seed=1", "bad_request"}};
  for (const auto& [query, code] : bad) {
    const auto res = client.Get(std::string("/api/datasets/mnist/test/samples?") + query, kBinary);
    REQUIRE(res);
    INFO(query);
    CHECK(res->status == 400);
    CHECK(error_code(res) == code);
  }
}

TEST_CASE("random blocks: a seed names the same draw", "[server][api]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();
  const auto& data = mnist_test_split();

  const auto first = client.Get("/api/datasets/mnist/test/samples?random=64&seed=7", kBinary);
  const auto again = client.Get("/api/datasets/mnist/test/samples?random=64&seed=7", kBinary);
  const auto other = client.Get("/api/datasets/mnist/test/samples?random=64&seed=8", kBinary);
  REQUIRE((first && again && other));
  CHECK(first->body == again->body);
  CHECK(first->body != other->body);
  const auto block = decode(first);
  CHECK(block.first_index == digitlab::kRandomBlock);
  CHECK(block.samples.size() == 64);
  CHECK(first->body.size() == 24 + 64 * 785);

  // The JSON form of the same draw names the indices it picked.
  const json j = body_json(client.Get("/api/datasets/mnist/test/samples?random=64&seed=7"));
  CHECK(j["seed"] == 7);
  CHECK(j["first_index"].is_null());
  REQUIRE(j["samples"].size() == 64);
  for (std::size_t i = 0; i < 64; ++i) {
    const std::size_t index = j["samples"][i]["index"];
    CHECK(index == digitlab::draw_sample_indices(7, 64, data.size())[i]);  // core's draw, bit for bit
    CHECK(block.samples.labels[i] == data.labels[index]);
    CHECK(std::equal(block.samples.image(i), block.samples.image(i) + 784, data.image(index)));
  }
  // Without a seed every draw differs.
  CHECK(client.Get("/api/datasets/mnist/train/samples?random=32", kBinary)->body !=
        client.Get("/api/datasets/mnist/train/samples?random=32", kBinary)->body);

  for (const char* bad : {"random=0", "random=1025", "random=x", "random=4&seed=-3"}) {
    const auto res = client.Get(std::string("/api/datasets/mnist/test/samples?") + bad);
    INFO(bad);
    CHECK(res->status == 400);
  }
}

TEST_CASE("Fashion-MNIST served as a second data set", "[server]") {
  Sandbox sandbox;
  auto client = sandbox.start({"--data", DIGITLAB_TEST_FASHION}).client();
  const json sets = body_json(client.Get("/api/datasets"))["datasets"];
  REQUIRE(sets.size() == 2);
  CHECK(sets[0]["name"] == "mnist");
  CHECK(sets[0]["default"] == true);
  CHECK(sets[1]["name"] == "fashion-mnist");
  CHECK(sets[1]["default"] == false);
  CHECK(sets[1]["splits"]["train"]["count"] == 60000);
  CHECK(sets[1]["splits"]["test"]["count"] == 10000);
  CHECK(sets[1]["classes"][9] == "Ankle boot");
  CHECK(body_json(client.Get("/api/health"))["datasets"] == json::array({"mnist", "fashion-mnist"}));

  const digitlab::Dataset fashion = digitlab::load_idx_split(DIGITLAB_TEST_FASHION, "test");
  const json sample = body_json(client.Get("/api/datasets/fashion-mnist/test/samples/0"));
  CHECK(sample["label"] == fashion.labels[0]);
  CHECK(sample["pixels"].get<std::vector<int>>() == pixels_of(fashion, 0));
  CHECK(decode(client.Get("/api/datasets/fashion-mnist/train/samples?random=16&seed=1", kBinary)).samples.size() == 16);
}

TEST_CASE("start-up fails clearly on bad options and bad data", "[server]") {
  TempDir dir;
  const auto fails = [&](const std::vector<std::string>& args) {
    try {
      ServerProcess server(args, dir / "log");
      return std::string();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
  };
  CHECK_THAT(fails({"--db", dir / "db", "--data", dir / "nowhere"}), Catch::Contains("no train-images"));
  CHECK_THAT(fails({"--db", dir / "db", "--bogus"}), Catch::Contains("--bogus"));
  CHECK_THAT(fails({"--db", dir / "db", "--max-body", "lots"}), Catch::Contains("--max-body"));
  CHECK_THAT(fails({"--db", dir / "db", "--port", "70000"}), Catch::Contains("--port"));
}
