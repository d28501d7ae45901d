// The body of POST /api/models/{name}/train: hyperparameters as JSON, read
// onto core's defaults and validated with core's checks.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <digitlab/train/settings.h>
#include <digitlab/train/trainer.h>

#include <nlohmann/json.hpp>

namespace digitlab::store {
class ModelStore;
}  // namespace digitlab::store

namespace digitlab::server {

struct LoadedDataset;
class DataCatalog;

struct TrainingRequest {
  std::string model;
  const LoadedDataset* dataset = nullptr;
  TrainerConfig config;
  std::optional<ModelFile> start_from;  // "resume": the model's latest weights
  nlohmann::json settings;               // what the job runs with, as JSON
};

// A training request is a few hyperparameters: far below --max-body.
constexpr std::size_t kMaxTrainingRequestBytes = 64u << 10;

// The most one job may cost (--max-job-tflop, --max-job-mb): core's
// training_cost of its net, its arithmetic over every sample of every epoch
// and the memory its trainer holds.
struct JobBudget {
  double max_flops = 300e12;
  std::uint64_t max_bytes = 2048ull << 20;
};

// Fields (all optional): dataset, preset (mlp, cnn-small, cnn; default cnn),
// arch (a layer list, overriding the preset's), seed, resume, and every
// training setting of core's table (digitlab/hyperparameters.h) by its name.
// Unknown fields, wrong types and values core rejects are ApiError 400;
// resuming a model that does not exist is 404; a job over `budget` is 400
// job_too_large, naming the limit.
TrainingRequest parse_training_request(const std::string& model, const std::string& body, const DataCatalog& data,
                                       const store::ModelStore& store, const JobBudget& budget);

}  // namespace digitlab::server
