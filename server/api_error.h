// The one way a handler reports a failure: throw ApiError. The server's
// exception handler turns it into the documented JSON error body
// {"error": {"code": "...", "message": "..."}} with the status it carries.
#pragma once
#include <stdexcept>
#include <string>

namespace httplib {
struct Response;
}

namespace digitlab::server {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

// Writes the JSON error body and status into a response.
void set_error(httplib::Response& res, int status, const std::string& code, const std::string& message);

// The error code of a status that the HTTP layer produced by itself (413 for
// a body over --max-body, 400 for a malformed request, ...).
std::string code_for_status(int status);

}  // namespace digitlab::server
