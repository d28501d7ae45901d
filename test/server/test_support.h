// Helpers the server tests share: weights to upload, a small IDX data set,
// and reading JSON answers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <digitlab/io/weights.h>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server_process.h"

namespace test {

// A small valid model (784 -> hidden -> 10) with seeded weights.
digitlab::ModelFile small_model(std::uint64_t seed, const std::vector<int>& hidden = {8});
std::string json_weights(const digitlab::ModelFile& model);
std::string binary_weights(const digitlab::ModelFile& model);
// What the server stores and serves as binary for these weights.
std::string canonical_binary(const std::string& weights);

// Writes the first n_train / n_test MNIST samples as an IDX data set.
void write_small_mnist(const fs::path& dir, std::size_t n_train, std::size_t n_test);

nlohmann::json body_json(const httplib::Result& res);
// The "code" of a JSON error answer ("" if the body is not one).
std::string error_code(const httplib::Result& res);

httplib::Headers header(const std::string& name, const std::string& value);

// Some Vary header names Accept (nginx in front adds its own Vary line for
// Accept-Encoding).
bool varies_by_accept(const httplib::Response& res);

// Accept header that asks for the binary form of an answer.
inline const httplib::Headers kBinary = {{"Accept", "application/octet-stream"}};

// PUT /api/models/{model}/weights, the body sent as JSON or as binary.
httplib::Result put_json(httplib::Client& client, const std::string& model, const std::string& body,
                         const httplib::Headers& headers = {});
httplib::Result put_binary(httplib::Client& client, const std::string& model, const std::string& body,
                           const httplib::Headers& headers = {});

}  // namespace test
