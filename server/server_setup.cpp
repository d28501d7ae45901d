#include "server_setup.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>

#include "api_error.h"
#include "http_server.h"
#include "request_gate.h"
#include "request_log.h"
#include "routes.h"
#include "job_manager.h"
#include <digitlab/store/sql.h>
#include "static_site.h"

namespace digitlab::server {

namespace {

std::string message_for_status(int status, const ServerOptions& options) {
  switch (status) {
    case 400: return "the request cannot be parsed (its line, a header, or a body shorter than its length); the "
                     "connection closes";
    case 404: return "not found";
    case 413: return "the body is larger than this server's limit of " + std::to_string(options.max_body) + " bytes";
    case 414: return "the request target is too long";
    default: return "request failed with HTTP status " + std::to_string(status);
  }
}

// httplib caps form-encoded bodies at 8 KiB and answers 413 even when the
// body is within --max-body: the real problem is the content type.
bool is_small_form_body(const httplib::Request& req, const ServerOptions& options) {
  return req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0 &&
         req.get_header_value<std::uint64_t>("Content-Length") <= options.max_body;
}

// Every failure becomes the documented JSON error; ApiError carries its own
// status, anything else is the server's fault.
void answer_exception(httplib::Response& res, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    set_error(res, e.status(), e.code(), e.what());
  } catch (const store::StoreError& e) {
    set_error(res, 500, "storage", e.what());
  } catch (const std::exception& e) {
    set_error(res, 500, "internal", e.what());
  } catch (...) {
    set_error(res, 500, "internal", "unknown error");
  }
}

// How many connections may wait for a request. Each holds a file
// descriptor: keep room under the process's limit for the workers'
// connections and everything else (database, data files, the listening
// socket), so a new connection can always be accepted; the waiter closes
// the one that has waited longest to make room.
std::size_t waiting_room(std::size_t workers) {
  constexpr std::size_t kOtherFiles = 64;
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) return ConnectionLimits{}.max_waiting;
  const std::size_t open_files = files.rlim_cur;
  const std::size_t room = open_files > workers + kOtherFiles + 16 ? open_files - workers - kOtherFiles : 16;
  return std::min(ConnectionLimits{}.max_waiting, room);
}

}  // namespace

std::unique_ptr<HttpServer> make_http_server(const ServerOptions& options) {
  ConnectionLimits limits;
  limits.header_deadline_ms = static_cast<int>(options.header_timeout * 1000);
  limits.workers = options.threads;
  limits.max_waiting = waiting_room(options.threads);
  return std::make_unique<HttpServer>(limits, [](int status, const std::string& code, const std::string& message) {
    httplib::Response res;
    set_error(res, status, code, message);
    return res.body;
  });
}

void configure_server(HttpServer& server, const ServerParts& parts, const ServerOptions& options) {
  // Closing a busy connection every few requests only makes the client
  // reconnect: keep it for as long as it stays busy.
  server.set_keep_alive_max_count(1000000);
  server.set_tcp_nodelay(true);  // small responses leave at once, not after a delayed ACK
  server.set_payload_max_length(options.max_body);

  install_request_log(server);
  // After the headers, before the body: limits, framing and the token.
  const GateRules rules{options.token, options.max_body};
  server.set_pre_routing_handler([rules](const httplib::Request& req, httplib::Response& res) {
    HttpServer::keep_connection_open();  // httplib parsed the head: keep-alive unless refused
    note_request_started();
    limit_ranges(req);
    check_request(req, res, rules);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  const std::string replica = parts.jobs.replica();
  server.set_post_routing_handler([replica](const httplib::Request&, httplib::Response& res) {
    // Which replica answered, for clients and tests behind a load balancer
    // (nginx logs its upstream address too).
    res.set_header("X-DigitLab-Replica", replica);
    // The web app uses pthreads (SharedArrayBuffer): it must be cross-origin isolated.
    res.set_header("Cross-Origin-Opener-Policy", "same-origin");
    res.set_header("Cross-Origin-Embedder-Policy", "require-corp");
    HttpServer::mark_connection_close(res);
  });
  // Errors httplib produces itself (413, malformed requests) get the JSON body too.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [options](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        // httplib's own 400 after the head was read (a body shorter than its
        // Content-Length, a broken chunk): the stream's framing is lost, so
        // the connection closes as for a head that did not parse (found by
        // fuzz_request: it said "the connection closes" and kept it).
        if (res.status == 400) HttpServer::close_after_response();
        if (res.status == 413 && is_small_form_body(req, options)) {
          set_error(res, 415, "unsupported_media_type",
                    "send application/json or application/octet-stream (curl --data-binary defaults to "
                    "application/x-www-form-urlencoded, which this API does not take)");
        } else {
          set_error(res, res.status, code_for_status(res.status), message_for_status(res.status, options));
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    answer_exception(res, error);
  });

  add_health_routes(server, parts.data, parts.jobs, std::chrono::steady_clock::now());
  add_dataset_routes(server, parts.data);
  add_model_routes(server, parts.store, parts.weights_cache, options.max_body);
  add_job_routes(server, parts.jobs);

  // Whatever the API does not claim: files for GET, 404 for other methods.
  const StaticSite& site = parts.site;
  server.Get(".*", [&site](const httplib::Request& req, httplib::Response& res) { site.serve(req, res); });
  const auto no_route = [](const httplib::Request& req, httplib::Response&) {
    throw ApiError(404, "not_found", "no route " + req.method + " " + req.path);
  };
  // PUT and POST always come with a body reader (httplib would otherwise read
  // the body itself, unbounded when chunked); these answer without reading.
  server.Put(".*", body_route([no_route](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader&) { no_route(req, res); }));
  server.Post(".*", body_route([no_route](const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader&) { no_route(req, res); }));
  server.Delete(".*", no_route);
}

}  // namespace digitlab::server
