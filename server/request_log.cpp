#include "request_log.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

namespace digitlab::server {

namespace {

using Clock = std::chrono::steady_clock;

// httplib handles a request from routing to logging on one worker thread.
// Empty for requests that never reached routing (malformed ones).
thread_local std::optional<Clock::time_point> request_started;

// The target is client input: no control characters into the log.
std::string printable(const std::string& text) {
  std::string out = text.substr(0, 300);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

}  // namespace

void note_request_started() { request_started = Clock::now(); }

void install_request_log(httplib::Server& server) {
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const double ms =
        request_started ? std::chrono::duration<double, std::milli>(Clock::now() - *request_started).count() : 0.0;
    request_started.reset();
    // One fprintf per line: stdio locks the stream, so lines never interleave.
    std::fprintf(stderr, "%s %s %d %zu %.2fms\n", printable(req.method).c_str(), printable(req.target).c_str(),
                 res.status, res.body.empty() ? res.content_length_ : res.body.size(), ms);
  });
}

}  // namespace digitlab::server
