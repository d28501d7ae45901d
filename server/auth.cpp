#include "auth.h"

#include "api_error.h"

namespace digitlab::server {

namespace {

// Compares without an early exit, so response time says nothing about how
// much of a guessed token was right (only its length may show).
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

httplib::Server::Handler require_token(const std::string& token, httplib::Server::Handler handler) {
  if (token.empty()) return handler;
  return [token, handler](const httplib::Request& req, httplib::Response& res) {
    const std::string header = req.get_header_value("Authorization");
    const std::string scheme = "Bearer ";
    if (header.compare(0, scheme.size(), scheme) != 0) {
      res.set_header("WWW-Authenticate", "Bearer realm=\"digitlab\"");
      throw ApiError(401, "unauthorized", "this server needs 'Authorization: Bearer <token>' for writes");
    }
    if (!same_secret(header.substr(scheme.size()), token)) throw ApiError(403, "forbidden", "wrong token");
    handler(req, res);
  };
}

}  // namespace digitlab::server
