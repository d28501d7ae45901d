#include "test_support.h"

#include <digitlab/data/dataset.h>
#include <digitlab/nn/model.h>

#include <algorithm>
#include <fstream>

namespace test {

namespace {

void put_be32(std::ofstream& out, std::uint32_t v) {
  const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                         static_cast<char>(v)};
  out.write(bytes, 4);
}

}  // namespace

digitlab::ModelFile small_model(std::uint64_t seed, const std::vector<int>& hidden) {
  digitlab::ModelFile model;
  model.model = digitlab::make_model(digitlab::dense_architecture(hidden), seed);
  model.meta.dataset = "mnist";
  model.meta.note = "seed " + std::to_string(seed);
  return model;
}

std::string json_weights(const digitlab::ModelFile& model) { return digitlab::weights_to_json(model); }

std::string binary_weights(const digitlab::ModelFile& model) {
  const auto bytes = digitlab::weights_to_binary(model);
  return std::string(bytes.begin(), bytes.end());
}

std::string canonical_binary(const std::string& weights) {
  return binary_weights(
      digitlab::weights_from_bytes(reinterpret_cast<const std::uint8_t*>(weights.data()), weights.size()));
}

void write_small_mnist(const fs::path& dir, std::size_t n_train, std::size_t n_test) {
  fs::create_directories(dir);
  const std::pair<const char*, std::size_t> splits[] = {{"train", n_train}, {"test", n_test}};
  for (const auto& [split, n] : splits) {
    const digitlab::Dataset full = digitlab::load_idx_split(DIGITLAB_TEST_MNIST, split);
    const std::string prefix = std::string(split) == "train" ? "train" : "t10k";
    std::ofstream images(dir / (prefix + "-images-idx3-ubyte"), std::ios::binary);
    put_be32(images, 0x00000803);
    put_be32(images, static_cast<std::uint32_t>(n));
    put_be32(images, 28);
    put_be32(images, 28);
    images.write(reinterpret_cast<const char*>(full.images.data()), static_cast<std::streamsize>(n * 784));
    std::ofstream labels(dir / (prefix + "-labels-idx1-ubyte"), std::ios::binary);
    put_be32(labels, 0x00000801);
    put_be32(labels, static_cast<std::uint32_t>(n));
    labels.write(reinterpret_cast<const char*>(full.labels.data()), static_cast<std::streamsize>(n));
  }
}

nlohmann::json body_json(const httplib::Result& res) {
  if (!res) return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

std::string error_code(const httplib::Result& res) {
  const nlohmann::json j = body_json(res);
  if (!j.is_object() || !j.contains("error") || !j["error"].contains("code")) return "";
  return j["error"]["code"].get<std::string>();
}

httplib::Headers header(const std::string& name, const std::string& value) { return {{name, value}}; }

httplib::Result put_json(httplib::Client& client, const std::string& model, const std::string& body,
                         const httplib::Headers& headers) {
  return client.Put(("/api/models/" + model + "/weights").c_str(), headers, body, "application/json");
}

httplib::Result put_binary(httplib::Client& client, const std::string& model, const std::string& body,
                           const httplib::Headers& headers) {
  return client.Put(("/api/models/" + model + "/weights").c_str(), headers, body, "application/octet-stream");
}

bool varies_by_accept(const httplib::Response& res) {
  for (std::size_t i = 0; i < res.get_header_value_count("Vary"); ++i) {
    std::string value = res.get_header_value("Vary", i);
    for (std::size_t start = 0; start <= value.size();) {
      const std::size_t comma = std::min(value.find(',', start), value.size());
      std::string token = value.substr(start, comma - start);
      token.erase(0, token.find_first_not_of(' '));
      token.erase(token.find_last_not_of(' ') + 1);
      if (token == "Accept") return true;
      start = comma + 1;
    }
  }
  return false;
}

}  // namespace test
