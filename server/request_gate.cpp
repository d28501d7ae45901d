#include "request_gate.h"

#include "api_error.h"
#include "auth.h"
#include "http_server.h"
#include "http_util.h"

namespace digitlab::server {

namespace {

bool is_api(const httplib::Request& req) { return req.path == "/api" || req.path.rfind("/api/", 0) == 0; }

bool is_write(const httplib::Request& req) {
  return req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
}

[[noreturn]] void refuse(int status, const char* code, const std::string& message) {
  HttpServer::close_after_response();
  throw ApiError(status, code, message);
}

}  // namespace

void check_request(const httplib::Request& req, httplib::Response& res, const GateRules& rules) {
  const std::string& m = req.method;
  if (m != "GET" && m != "HEAD" && m != "OPTIONS" && m != "PUT" && m != "POST" && m != "DELETE")
    refuse(405, "method_not_allowed", "this server answers GET, HEAD, OPTIONS, PUT, POST and DELETE");
  // Framing: anything two parsers could read differently is refused.
  const std::size_t lengths = req.get_header_value_count("Content-Length");
  const std::size_t encodings = req.get_header_value_count("Transfer-Encoding");
  const bool chunked = encodings == 1 && lower_ascii(req.get_header_value("Transfer-Encoding")) == "chunked";
  if (lengths > 1) refuse(400, "bad_request", "more than one Content-Length header");
  if (encodings > 1 || (encodings == 1 && !chunked))
    refuse(400, "bad_request", "Transfer-Encoding must be chunked (once) if given");
  if (lengths == 1 && chunked) refuse(400, "bad_request", "Content-Length and Transfer-Encoding together");
  std::uint64_t length = 0;
  if (lengths == 1) {
    const std::string value = req.get_header_value("Content-Length");
    if (value.empty() || value.size() > 19 || value.find_first_not_of("0123456789") != std::string::npos)
      refuse(400, "bad_request", "Content-Length must be a decimal number of bytes");
    length = std::stoull(value);
  }
  const bool has_body = chunked || length > 0;

  // Who may write, decided before a byte of the body is read.
  if (is_write(req) && is_api(req)) {
    try {
      check_write_access(req, rules.token);
    } catch (const ApiError& e) {
      if (e.status() == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"digitlab\"");
      HttpServer::close_after_response();
      throw;
    }
  }
  if (length > rules.max_body)
    refuse(413, "payload_too_large",
           "the body is larger than this server's limit of " + std::to_string(rules.max_body) + " bytes");
  if (has_body && m != "PUT" && m != "POST") refuse(400, "bad_request", m + " requests take no body");
}

void limit_ranges(const httplib::Request& req) {
  if (req.ranges.empty() || (!is_api(req) && req.ranges.size() <= kMaxRanges)) return;
  // httplib parsed the Range header into the request before this hook and
  // gives the hook a const view of its own non-const Request object.
  const_cast<httplib::Request&>(req).ranges.clear();
}

std::string read_body(const httplib::Request& req, const httplib::ContentReader& reader, std::size_t max_bytes) {
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
    HttpServer::keep_connection_open();
    return {};
  }
  static Slots readers(kConcurrentBodies);
  const Slots::Lease turn(readers, std::chrono::milliseconds(0), "receiving other request bodies");
  std::string body;
  bool too_large = false, too_slow = false;
  const auto start = std::chrono::steady_clock::now();
  const bool complete = reader([&](const char* data, std::size_t size) {
    if (body.size() + size > max_bytes) return !(too_large = true);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const double owed = (elapsed - kSlowClientGrace).count() * kMinTransferRate;  // bytes due by now
    if (elapsed > kBodyDeadline || static_cast<double>(body.size() + size) < owed) return !(too_slow = true);
    body.append(data, size);
    return true;
  });
  if (too_large)
    refuse(413, "payload_too_large", "the body is larger than this route's limit of " + std::to_string(max_bytes) + " bytes");
  if (too_slow)
    refuse(408, "request_timeout",
           "the body came too slowly: it must arrive within " + std::to_string(kBodyDeadline.count()) +
               " s and, after " + std::to_string(kSlowClientGrace.count()) + " s, at " +
               std::to_string(int(kMinTransferRate / 1024)) + " KiB/s or more");
  if (!complete) refuse(400, "bad_request", "the body ended early or its chunked encoding is malformed");
  HttpServer::keep_connection_open();
  return body;
}

BodyHandler body_route(BodyHandler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    HttpServer::close_after_response();
    handler(req, res, reader);
  };
}

Slots::Lease::Lease(Slots& slots, std::chrono::milliseconds patience, const char* what) : slots_(slots) {
  std::unique_lock<std::mutex> lock(slots.mutex_);
  if (!slots.freed_.wait_for(lock, patience, [&] { return slots.free_ > 0; })) {
    HttpServer::close_after_response();
    throw ApiError(503, "busy", std::string("the server is busy ") + what + "; try again shortly");
  }
  --slots.free_;
}

Slots::Lease::~Lease() {
  {
    std::lock_guard<std::mutex> lock(slots_.mutex_);
    ++slots_.free_;
  }
  slots_.freed_.notify_one();
}

}  // namespace digitlab::server
