// The REST API, one function per group of routes (docs/api.md). Each adds its
// handlers to the server; handlers report failures by throwing ApiError.
#pragma once
#include <chrono>
#include <string>

#include <httplib.h>

namespace digitlab::store {
class ModelStore;
}  // namespace digitlab::store

namespace digitlab::server {

class DataCatalog;
class WeightsCache;
class JobManager;

// Largest block of samples one request may ask for.
constexpr std::size_t kMaxBlockSamples = 1024;

void add_health_routes(httplib::Server& server, const DataCatalog& data, const JobManager& jobs,
                       std::chrono::steady_clock::time_point started);
void add_dataset_routes(httplib::Server& server, const DataCatalog& data);
// Write routes are authorised by the request gate (request_gate.h) from the
// headers; max_body bounds what a weights upload may send.
void add_model_routes(httplib::Server& server, store::ModelStore& store, WeightsCache& cache, std::size_t max_body);
void add_job_routes(httplib::Server& server, JobManager& jobs);

}  // namespace digitlab::server
