// The digitlab-server API as the GUI uses it: paths, request bodies and
// tolerant parsing of responses. No networking here (platform/http.h does
// that), so it is unit-tested on literal JSON.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "digitlab/train/trainer.h"

namespace digitlab::gui {

struct ModelVersion {
  std::uint64_t version = 0;
  std::string created;
  std::uint64_t size = 0;
  double test_accuracy = -1;  // from metrics; < 0 when unknown
  std::string description;    // the metrics in words, a line each, for a tooltip
};

struct JobStatus {
  std::string id;
  std::string state;  // e.g. queued, running, done, failed, cancelled
  double epoch = 0;
  int total_epochs = 0;
  float loss = 0;
  float accuracy = 0;
  float samples_per_s = 0;
  double test_accuracy = -1;  // < 0 until the job evaluated
  std::optional<std::uint64_t> version;  // the model version the job produced
  std::string error;
  bool finished() const;  // no more progress to expect
};

struct DatasetInfo {
  std::string name;
  bool is_default = false;
  std::size_t train = 0;
  std::size_t test = 0;
};

std::string samples_path(const std::string& dataset, const std::string& split, std::size_t offset, std::size_t count);
std::string random_samples_path(const std::string& dataset, const std::string& split, std::size_t count,
                                std::uint64_t seed);
std::string sample_path(const std::string& dataset, const std::string& split, std::size_t index);
std::string weights_path(const std::string& model, std::optional<std::uint64_t> version = std::nullopt);
std::string versions_path(const std::string& model);
std::string train_path(const std::string& model);
std::string job_path(const std::string& id);

// "\"3\"" (or W/"3", or 3) -> 3.
std::optional<std::uint64_t> parse_etag_version(const std::string& etag);
// The message of {"error":{"code","message"}}, else a generic one for the status.
std::string error_message(int status, const std::string& body, const std::string& transport_error);

// These throw std::exception on malformed JSON; callers turn that into a message.
std::vector<DatasetInfo> parse_datasets(const std::string& body);
std::vector<std::string> parse_model_names(const std::string& body);
std::vector<ModelVersion> parse_versions(const std::string& body);
JobStatus parse_job(const std::string& body);
std::string parse_job_id(const std::string& body);
std::optional<std::uint64_t> parse_pushed_version(const std::string& body);
struct LabelledSample {
  int index = 0;
  int label = -1;
  std::vector<std::uint8_t> pixels;  // [784]
};
LabelledSample parse_sample(const std::string& body);

// The POST /api/models/{name}/train body for these settings.
std::string train_request_json(const Hyperparameters& hyper, const Architecture& arch, std::uint64_t seed);

}  // namespace digitlab::gui
