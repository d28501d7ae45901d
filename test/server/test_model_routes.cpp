// Model weights: put and get in both formats, versions, ETag / If-Match,
// validation, the body limit and token auth.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstring>
#include <limits>

#include "test_support.h"

using namespace test;
using nlohmann::json;

namespace {

// Binary weights with one parameter overwritten and the checksum redone, so
// only core's value check can catch it.
std::string binary_with_param(const std::string& binary, std::size_t param, float value) {
  std::string out = binary;
  std::uint32_t header_len = 0;
  std::memcpy(&header_len, out.data() + 8, 4);
  std::memcpy(out.data() + 12 + header_len + 4 + 4 * param, &value, 4);
  const std::uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size() - 4));
  std::memcpy(out.data() + out.size() - 4, &crc, 4);
  return out;
}

}  // namespace

TEST_CASE("weights go in as JSON or binary and come out in either format", "[server][api]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();
  const std::string v1 = json_weights(small_model(1));
  const std::string v2 = binary_weights(small_model(2, {16, 8}));

  const auto put1 = put_json(client, "alice", v1);
  REQUIRE(put1);
  CHECK(put1->status == 201);
  CHECK(put1->get_header_value("ETag") == "\"1\"");
  CHECK(put1->get_header_value("Location") == "/api/models/alice/weights?version=1");
  const json created = body_json(put1);
  CHECK(created["model"] == "alice");
  CHECK(created["version"] == 1);
  CHECK(created["format"] == "json");
  CHECK(created["size"] == canonical_binary(v1).size());
  CHECK(created["metrics"]["arch"] == "dense8,relu,dense10");
  CHECK(created["metrics"]["test_accuracy"].is_null());

  const auto put2 = put_binary(client, "alice", v2, header("If-Match", "\"1\""));
  REQUIRE(put2);
  CHECK(put2->status == 201);
  CHECK(put2->get_header_value("ETag") == "\"2\"");
  CHECK(body_json(put2)["format"] == "binary");

  // Latest, in both formats; binary is byte-for-byte what core writes.
  const auto latest_bin = client.Get("/api/models/alice/weights", kBinary);
  CHECK(latest_bin->status == 200);
  // Each representation its own tag, and caches told to keep them apart.
  CHECK(latest_bin->get_header_value("ETag") == "\"2.bin\"");
  CHECK(varies_by_accept(*latest_bin));
  CHECK(latest_bin->body == canonical_binary(v2));
  const auto latest_json = client.Get("/api/models/alice/weights");
  CHECK(latest_json->get_header_value("ETag") == "\"2\"");
  CHECK(varies_by_accept(*latest_json));
  CHECK(client.Get("/api/models/alice/weights", {{"Accept", "application/octet-stream"}, {"If-None-Match", "\"2\""}})
            ->status == 200);
  CHECK(client.Get("/api/models/alice/weights", {{"Accept", "application/octet-stream"}, {"If-None-Match", "\"2.bin\""}})
            ->status == 304);
  CHECK(latest_json->get_header_value("Content-Type") == "application/json");
  CHECK(latest_json->get_header_value("ETag") == "\"2\"");
  CHECK(canonical_binary(latest_json->body) == canonical_binary(v2));

  // An older version by number.
  const auto old = client.Get("/api/models/alice/weights?version=1");
  CHECK(old->status == 200);
  CHECK(old->get_header_value("ETag") == "\"1\"");
  CHECK(old->body == v1);
  CHECK(client.Get("/api/models/alice/weights?version=1", kBinary)->body == canonical_binary(v1));

  // If-None-Match with the current tag, quoted or not: 304, no body.
  const auto same = client.Get("/api/models/alice/weights", header("If-None-Match", "\"2\""));
  CHECK(same->status == 304);
  CHECK(same->body.empty());
  CHECK(client.Get("/api/models/alice/weights", header("If-None-Match", "\"1\""))->status == 200);

  const json versions = body_json(client.Get("/api/models/alice/versions"));
  CHECK(versions["model"] == "alice");
  REQUIRE(versions["versions"].size() == 2);
  CHECK(versions["versions"][0]["version"] == 1);
  CHECK(versions["versions"][1]["version"] == 2);
  CHECK(versions["versions"][1]["metrics"]["arch"] == "dense16,relu,dense8,relu,dense10");
  CHECK(versions["versions"][1]["created"].get<std::string>().back() == 'Z');

  put_json(client, "bob", v1);
  const json models = body_json(client.Get("/api/models"))["models"];
  REQUIRE(models.size() == 2);
  CHECK(models[0]["name"] == "alice");
  CHECK(models[0]["version"] == 2);
  CHECK(models[1]["name"] == "bob");
  CHECK(models[1]["version"] == 1);
  CHECK(models[1]["metrics"]["note"] == "seed 1");
}

TEST_CASE("If-Match guards against lost updates, and a refused PUT stores nothing", "[server][api]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();
  const std::string weights = json_weights(small_model(3));

  // Creating: If-None-Match: * only when absent; If-Match never matches a missing model.
  CHECK(put_json(client, "m", weights, header("If-Match", "\"1\""))->status == 412);
  CHECK(put_json(client, "m", weights, header("If-Match", "*"))->status == 412);
  CHECK(client.Get("/api/models/m/weights")->status == 404);
  CHECK(put_json(client, "m", weights, header("If-None-Match", "*"))->status == 201);
  const auto exists = put_json(client, "m", weights, header("If-None-Match", "*"));
  CHECK(exists->status == 412);
  CHECK(error_code(exists) == "precondition_failed");
  CHECK(exists->get_header_value("ETag") == "\"1\"");

  // Quoted, bare and weak tags all name version 1.
  CHECK(put_json(client, "m", weights, header("If-Match", "\"1\""))->status == 201);
  CHECK(put_json(client, "m", weights, header("If-Match", "2"))->status == 201);
  CHECK(put_json(client, "m", weights, header("If-Match", "W/\"3\""))->status == 201);
  CHECK(put_json(client, "m", weights, header("If-Match", "*"))->status == 201);

  const auto stale = put_json(client, "m", weights, header("If-Match", "\"2\""));
  CHECK(stale->status == 412);
  CHECK(stale->get_header_value("ETag") == "\"5\"");
  CHECK(client.Get("/api/models/m/weights")->get_header_value("ETag") == "\"5\"");
  CHECK(body_json(client.Get("/api/models/m/versions"))["versions"].size() == 5);

  for (const char* bad : {"abc", "\"x\"", "0", "\"1\", \"2\""}) {
    const auto res = put_json(client, "m", weights, header("If-Match", bad));
    INFO(bad);
    CHECK(res->status == 400);
    CHECK(error_code(res) == "bad_precondition");
  }
  CHECK(put_json(client, "m", weights, {{"If-Match", "1"}, {"If-None-Match", "*"}})->status == 400);
  CHECK(put_json(client, "m", weights, header("If-None-Match", "\"5\""))->status == 400);
  CHECK(body_json(client.Get("/api/models/m/versions"))["versions"].size() == 5);
}

TEST_CASE("invalid weights are rejected with 400 and change nothing", "[server][api]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();
  const std::string good_binary = binary_weights(small_model(4));
  REQUIRE(put_binary(client, "m", good_binary)->status == 201);

  json wrong_shape = json::parse(json_weights(small_model(4)));
  wrong_shape["parameters"][0]["bias"].erase(0);
  json future = json::parse(json_weights(small_model(4)));
  future["version"] = 99;
  json bad_arch = json::parse(json_weights(small_model(4)));
  bad_arch["architecture"]["spec"] = "dense8,relu,dense11";
  std::string nan_json = json_weights(small_model(4));
  const std::string one = "\"input_std\":1.0";
  REQUIRE(nan_json.find(one) != std::string::npos);
  nan_json.replace(nan_json.find(one), one.size(), "\"input_std\":NaN");

  const std::pair<std::string, std::string> bad_json[] = {
      {"not json", "garbage"},           {"wrong shape", wrong_shape.dump()}, {"format version", future.dump()},
      {"architecture", bad_arch.dump()}, {"NaN literal", nan_json},           {"empty", ""}};
  for (const auto& [what, body] : bad_json) {
    INFO(what);
    const auto res = put_json(client, "m", body);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(error_code(res) == "invalid_weights");
  }

  const std::pair<std::string, std::string> bad_binary[] = {
      {"NaN parameter", binary_with_param(good_binary, 5, std::numeric_limits<float>::quiet_NaN())},
      {"Inf parameter", binary_with_param(good_binary, 0, std::numeric_limits<float>::infinity())},
      {"truncated", good_binary.substr(0, good_binary.size() / 2)},
      {"bad checksum", good_binary.substr(0, good_binary.size() - 1) + "x"},
      {"JSON sent as binary", json_weights(small_model(4))}};
  for (const auto& [what, body] : bad_binary) {
    INFO(what);
    const auto res = put_binary(client, "m", body);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(error_code(res) == "invalid_weights");
  }

  const auto text = client.Put("/api/models/m/weights", good_binary, "text/plain");
  CHECK(text->status == 415);
  CHECK(error_code(text) == "unsupported_media_type");
  const auto form =
      client.Put("/api/models/m/weights", json_weights(small_model(4)), "application/x-www-form-urlencoded");
  CHECK(form->status == 415);

  CHECK(body_json(client.Get("/api/models/m/versions"))["versions"].size() == 1);
  CHECK(client.Get("/api/models/m/weights", kBinary)->body == good_binary);
}

TEST_CASE("unknown models, versions and routes are 404, bad names 400", "[server][api]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();
  put_json(client, "m", json_weights(small_model(5)));

  const std::pair<const char*, const char*> missing[] = {{"/api/models/nobody/weights", "unknown_model"},
                                                         {"/api/models/nobody/versions", "unknown_model"},
                                                         {"/api/models/m/weights?version=2", "unknown_version"},
                                                         {"/api/jobs/12345", "unknown_job"},
                                                         {"/api/jobs/abc", "unknown_job"},
                                                         {"/api/nothing", "not_found"}};
  for (const auto& [path, code] : missing) {
    INFO(path);
    const auto res = client.Get(path);
    CHECK(res->status == 404);
    CHECK(error_code(res) == code);
  }
  CHECK(client.Get("/api/models/m/weights?version=0")->status == 400);
  CHECK(client.Get("/api/models/m/weights?version=x")->status == 400);
  for (const std::string& name : {std::string(".hidden"), std::string("a%20b"), std::string(65, 'a')}) {
    INFO(name);
    const auto res = put_json(client, name, json_weights(small_model(5)));
    CHECK(res->status == 400);
    CHECK(error_code(res) == "bad_model_name");
  }
  const auto post = client.Post("/api/health", "", "application/json");
  CHECK(post->status == 404);
  CHECK(error_code(post) == "not_found");
}

TEST_CASE("a body over --max-body is refused with 413", "[server]") {
  Sandbox sandbox;
  auto client = sandbox.start({"--max-body", "4096"}).client();
  const std::string big = binary_weights(small_model(6));  // ~25 KB
  REQUIRE(big.size() > 4096);
  const auto res = put_binary(client, "m", big);
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(error_code(res) == "payload_too_large");
  CHECK(client.Get("/api/models/m/weights")->status == 404);
  // The connection and the server carry on.
  CHECK(client.Get("/api/health")->status == 200);
}

TEST_CASE("with --token, writes need the bearer token but reads do not", "[server]") {
  Sandbox sandbox;
  auto client = sandbox.start({"--token", "s3cret"}).client();
  const std::string weights = json_weights(small_model(7));

  const auto none = put_json(client, "m", weights);
  CHECK(none->status == 401);
  CHECK(error_code(none) == "unauthorized");
  CHECK(none->get_header_value("WWW-Authenticate").find("Bearer") == 0);
  const auto wrong = put_json(client, "m", weights, header("Authorization", "Bearer guess"));
  CHECK(wrong->status == 403);
  CHECK(error_code(wrong) == "forbidden");
  CHECK(put_json(client, "m", weights, header("Authorization", "Basic czNjcmV0"))->status == 401);
  CHECK(client.Post("/api/models/m/train", "{}", "application/json")->status == 401);
  CHECK(client.Delete("/api/jobs/1")->status == 401);
  CHECK(client.Get("/api/models/m/weights")->status == 404);  // nothing was stored

  CHECK(put_json(client, "m", weights, header("Authorization", "Bearer s3cret"))->status == 201);
  CHECK(client.Get("/api/models/m/weights")->status == 200);
  CHECK(client.Get("/api/models")->status == 200);
}
