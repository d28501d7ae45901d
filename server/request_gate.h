// What every request must pass before a handler runs or its body is read:
// unambiguous framing (one decimal Content-Length, or chunked), the body
// limit from the headers, the write token, no body where a route takes none,
// and ranges only where they make sense. Runs as httplib's pre-routing
// handler: after the headers are parsed, before the body is read.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>

#include <httplib.h>

namespace digitlab::server {

struct GateRules {
  std::string token;          // "": no auth
  std::size_t max_body = 0;   // bytes
};

// Throws ApiError (400, 401, 403, 405, 413) for a request to refuse; the
// connection then closes after the answer, its body unread. Only PUT and
// POST take a body, and their routes read it with read_body.
void check_request(const httplib::Request& req, httplib::Response& res, const GateRules& rules);

// Drops Range headers where they should not apply: API answers are never
// partial, and a file takes at most kMaxRanges ranges (more are ignored,
// as HTTP allows, and the whole file is sent).
constexpr std::size_t kMaxRanges = 4;
void limit_ranges(const httplib::Request& req);

// Reads a request's body through httplib's ContentReader in chunks, at most
// max_bytes (413 past that, whatever the transfer encoding), within
// kBodyDeadline and, after its first kSlowClientGrace, at kMinTransferRate
// on average (http_server.h; 408 otherwise: a body trickled in holds a
// worker thread for seconds, not a minute). No Content-Length and no
// chunked encoding means an empty body: nothing is waited for.
// At most kConcurrentBodies bodies are read at once (each holds a worker
// thread and up to max_bytes of memory); one more gets 503 at once, since
// waiting for a turn would hold a worker too, and clients that trickle
// bodies in must not take every worker from the requests without one.
constexpr std::chrono::seconds kBodyDeadline{60};
constexpr std::size_t kConcurrentBodies = 8;
std::string read_body(const httplib::Request& req, const httplib::ContentReader& reader, std::size_t max_bytes);

// A PUT or POST route: until its handler has read the whole body with
// read_body, any answer closes the connection (the unread rest of the body
// must not be taken for the next request).
using BodyHandler = httplib::Server::HandlerWithContentReader;
BodyHandler body_route(BodyHandler handler);

// A counting semaphore for work whose memory or CPU must be bounded (parsing
// uploads, rendering weights). acquire waits up to `patience`, then throws
// ApiError 503 naming `what`.
class Slots {
 public:
  explicit Slots(std::size_t count) : free_(count) {}
  class Lease {
   public:
    explicit Lease(Slots& slots, std::chrono::milliseconds patience, const char* what);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    Slots& slots_;
  };

 private:
  std::mutex mutex_;
  std::condition_variable freed_;
  std::size_t free_;
};

}  // namespace digitlab::server
