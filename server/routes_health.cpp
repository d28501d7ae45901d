// GET /api/health: is it up, which build, for how long, with which data, and
// can it reach its store (nginx's health check: a replica whose database is
// gone answers 500 and gets no traffic).
#include <nlohmann/json.hpp>

#include "data_catalog.h"
#include "http_util.h"
#include "job_manager.h"
#include "routes.h"

namespace digitlab::server {

void add_health_routes(httplib::Server& server, const DataCatalog& data, const JobManager& jobs,
                       std::chrono::steady_clock::time_point started) {
  server.Get("/api/health", [&data, &jobs, started](const httplib::Request&, httplib::Response& res) {
    nlohmann::json names = nlohmann::json::array();
    for (const LoadedDataset& set : data.all()) names.push_back(set.name);
    const auto counts = jobs.counts();
    const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    send_json(res, {{"status", "ok"},
                    {"version", DIGITLAB_VERSION},
                    {"uptime_s", uptime},
                    {"replica", jobs.replica()},
                    {"datasets", names},
                    {"jobs", {{"running", counts.running}, {"queued", counts.queued}, {"trainers", jobs.trainers()}}}});
  });
}

}  // namespace digitlab::server
