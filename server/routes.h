// The REST API, one function per group of routes (docs/api.md). Each adds its
// handlers to the server; handlers report failures by throwing ApiError.
#pragma once
#include <chrono>
#include <string>

#include <httplib.h>

namespace digitlab::server {

class DataCatalog;
class ModelStore;
class RenderedWeightsCache;
class JobManager;

// Largest block of samples one request may ask for.
constexpr std::size_t kMaxBlockSamples = 1024;

void add_health_routes(httplib::Server& server, const DataCatalog& data, const JobManager& jobs,
                       std::chrono::steady_clock::time_point started);
void add_dataset_routes(httplib::Server& server, const DataCatalog& data);
void add_model_routes(httplib::Server& server, ModelStore& store, RenderedWeightsCache& cache,
                      const std::string& token);
void add_job_routes(httplib::Server& server, JobManager& jobs, const DataCatalog& data, const ModelStore& store,
                    const std::string& token);

}  // namespace digitlab::server
