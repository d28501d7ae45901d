// Training on the server: start a job, watch it, cancel it.
#include "api_error.h"
#include "http_util.h"
#include "job_manager.h"
#include "model_name.h"
#include "request_gate.h"
#include "routes.h"
#include "training_request.h"

namespace digitlab::server {

namespace {

[[noreturn]] void unknown_job(const httplib::Request& req) {
  throw ApiError(404, "unknown_job", "no job '" + req.matches[1].str() + "'");
}

// The id a route's capture holds; an id that is not even a number is unknown too.
std::int64_t job_id(const httplib::Request& req) {
  try {
    return static_cast<std::int64_t>(parse_integer(req.matches[1], 1, INT64_MAX, "job id"));
  } catch (const ApiError&) {
    unknown_job(req);
  }
}

}  // namespace

void add_job_routes(httplib::Server& server, JobManager& jobs) {
  const auto start = [&jobs](const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& reader) {
    const std::string name = model_name(req);
    const std::string body = read_body(req, reader, kMaxTrainingRequestBytes);
    const nlohmann::json status = jobs.submit(name, body);
    res.set_header("Location", "/api/jobs/" + status["id"].dump());
    send_json(res, status, 202);
  };
  server.Post(R"(/api/models/([^/]*)/train)", body_route(start));

  server.Get(R"(/api/jobs/([^/]*))", [&jobs](const httplib::Request& req, httplib::Response& res) {
    const auto status = jobs.status(job_id(req));
    if (!status) unknown_job(req);
    send_json(res, *status);
  });

  const auto cancel = [&jobs](const httplib::Request& req, httplib::Response& res) {
    const auto status = jobs.cancel(job_id(req));
    if (!status) unknown_job(req);
    send_json(res, *status);
  };
  server.Delete(R"(/api/jobs/([^/]*))", cancel);
}

}  // namespace digitlab::server
