// GET /api/datasets, one sample, and blocks of samples (by offset or a seeded
// random draw) as JSON or core's binary sample block.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "content_encoding.h"
#include "data_catalog.h"
#include "http_util.h"
#include "routes.h"

namespace digitlab::server {

namespace {

using nlohmann::json;

// The data split a route's first two captures name, or 404.
const Dataset& find_split(const DataCatalog& data, const httplib::Request& req) {
  const std::string name = req.matches[1];
  const std::string split = req.matches[2];
  const LoadedDataset* set = data.find(name);
  if (!set) throw ApiError(404, "unknown_dataset", "no data set named '" + name + "'");
  const auto samples = set->split(split);
  if (!samples) throw ApiError(404, "unknown_split", "no split '" + split + "' (splits are train and test)");
  return *samples;
}

// A fingerprint of a split's content (CRC-32 of labels and images, with the
// count), computed once per loaded split: responses drawn from it keep their
// entity tag for as long as the server serves the same data.
std::string split_fingerprint(const Dataset& data) {
  static std::mutex mutex;
  static std::map<const Dataset*, std::string> known;
  std::lock_guard<std::mutex> lock(mutex);
  std::string& tag = known[&data];
  if (tag.empty()) {
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32_z(crc, data.labels.data(), data.labels.size());
    crc = crc32_z(crc, data.images.data(), data.images.size());
    char text[48];
    std::snprintf(text, sizeof text, "%zx-%08lx", data.size(), static_cast<unsigned long>(crc));
    tag = text;
  }
  return tag;
}

// Sample responses are the same for the same URL while the data is: a
// seeded or offset block gets an ETag per representation and the client's
// copy is revalidated (304) instead of sent again. A draw without a seed is
// new every time. Returns true when the answer is 304.
bool answer_if_cached(const httplib::Request& req, httplib::Response& res, const Dataset& data) {
  if (req.has_param("random") && !req.has_param("seed")) {
    res.set_header("Cache-Control", "no-store");
    return false;
  }
  res.set_header("Vary", "Accept");
  const std::string tag = split_fingerprint(data) + (wants_binary(req) ? ".bin" : ".json");
  return answer_if_unchanged(req, res, weak_etag(tag), "no-cache");
}

json sample_json(const Dataset& data, std::size_t index) {
  const std::uint8_t* pixels = data.image(index);
  return {{"index", index},
          {"label", data.labels[index]},
          {"pixels", std::vector<std::uint8_t>(pixels, pixels + kImagePixels)}};
}

struct BlockRequest {
  std::vector<std::size_t> indices;
  std::uint32_t first_index = kRandomBlock;  // or the offset of a contiguous block
  std::optional<std::uint64_t> seed;         // for a random draw
};

BlockRequest parse_block_request(const httplib::Request& req, std::size_t split_size) {
  const auto offset = query_param(req, "offset");
  const auto count = query_param(req, "count");
  const auto random = query_param(req, "random");
  const auto seed = query_param(req, "seed");
  BlockRequest block;
  if (random) {
    if (offset || count) throw ApiError(400, "bad_count", "use either random=N[&seed=S] or offset=O&count=N");
    const std::size_t n = parse_integer(*random, 1, kMaxBlockSamples, "random", "bad_count");
    block.seed = seed ? parse_integer(*seed, 0, UINT64_MAX, "seed") : std::random_device{}();
    block.indices = draw_sample_indices(*block.seed, n, split_size);
    return block;
  }
  if (!count) throw ApiError(400, "bad_count", "a block needs count=N (with offset=O) or random=N");
  if (seed) throw ApiError(400, "bad_request", "seed only goes with random=N");
  const std::size_t first = offset ? parse_integer(*offset, 0, split_size - 1, "offset", "bad_index") : 0;
  const std::size_t n = parse_integer(*count, 1, kMaxBlockSamples, "count", "bad_count");
  // A block reaching past the end is cut short, so clients can walk a split
  // in fixed steps without knowing its size.
  for (std::size_t i = first; i < std::min(split_size, first + n); ++i) block.indices.push_back(i);
  block.first_index = static_cast<std::uint32_t>(first);
  return block;
}

void send_block(httplib::Response& res, const httplib::Request& req, const Dataset& data, const BlockRequest& block) {
  if (wants_binary(req)) {
    SampleBlock out;
    out.first_index = block.first_index;
    out.samples.labels.reserve(block.indices.size());
    out.samples.images.reserve(block.indices.size() * kImagePixels);
    for (std::size_t i : block.indices) {
      out.samples.labels.push_back(data.labels[i]);
      out.samples.images.insert(out.samples.images.end(), data.image(i), data.image(i) + kImagePixels);
    }
    const std::vector<std::uint8_t> bytes = encode_sample_block(out);
    // httplib compresses JSON by itself but not binary: MNIST blocks shrink to ~21%.
    set_encoded_content(req, res, std::string(bytes.begin(), bytes.end()), "application/octet-stream");
    return;
  }
  json samples = json::array();
  for (std::size_t i : block.indices) samples.push_back(sample_json(data, i));
  json body = {{"dataset", req.matches[1].str()}, {"split", req.matches[2].str()},
               {"count", block.indices.size()}, {"samples", std::move(samples)}};
  body["first_index"] = block.seed ? json() : json(block.first_index);
  if (block.seed) body["seed"] = *block.seed;
  send_json(res, body);
}

json dataset_json(const LoadedDataset& set, bool is_default) {
  return {{"name", set.name},
          {"default", is_default},
          {"splits", {{"train", {{"count", set.train->size()}}}, {"test", {{"count", set.test->size()}}}}},
          {"image_shape", {kImageSide, kImageSide}},
          {"classes", set.classes}};
}

}  // namespace

void add_dataset_routes(httplib::Server& server, const DataCatalog& data) {
  server.Get("/api/datasets", [&data](const httplib::Request&, httplib::Response& res) {
    json sets = json::array();
    for (const LoadedDataset& set : data.all()) sets.push_back(dataset_json(set, &set == &data.default_set()));
    send_json(res, {{"datasets", sets}});
  });

  server.Get(R"(/api/datasets/([^/]+)/([^/]+)/samples/([^/]*))", [&data](const httplib::Request& req,
                                                                        httplib::Response& res) {
    const Dataset& split = find_split(data, req);
    const std::size_t index = parse_integer(req.matches[3], 0, split.size() - 1, "sample index", "bad_index");
    if (answer_if_cached(req, res, split)) return;
    if (wants_binary(req)) {
      send_block(res, req, split, BlockRequest{{index}, static_cast<std::uint32_t>(index), std::nullopt});
      return;
    }
    json body = sample_json(split, index);
    body["dataset"] = req.matches[1].str();
    body["split"] = req.matches[2].str();
    send_json(res, body);
  });

  server.Get(R"(/api/datasets/([^/]+)/([^/]+)/samples)", [&data](const httplib::Request& req, httplib::Response& res) {
    const Dataset& split = find_split(data, req);
    const BlockRequest block = parse_block_request(req, split.size());  // 400 before 304
    if (answer_if_cached(req, res, split)) return;
    send_block(res, req, split, block);
  });
}

}  // namespace digitlab::server
