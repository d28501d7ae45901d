#include "api_error.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace digitlab::server {

void set_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  const nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  // Messages may quote client input: never let invalid UTF-8 abort the dump.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

std::string code_for_status(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 412: return "precondition_failed";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 416: return "range_not_satisfiable";
    case 429: return "too_many_requests";
    case 500: return "internal";
    case 503: return "unavailable";
    default: return "http_" + std::to_string(status);
  }
}

}  // namespace digitlab::server
