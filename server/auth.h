// Write access: with --token T, every write route (PUT, POST, DELETE) needs
// "Authorization: Bearer T"; reads stay open. No token configured: no checks.
#pragma once
#include <string>

#include <httplib.h>

namespace digitlab::server {

// Wraps a write handler: 401 without a bearer token, 403 with a wrong one
// (both before the handler runs, so a refused request changes nothing).
httplib::Server::Handler require_token(const std::string& token, httplib::Server::Handler handler);

}  // namespace digitlab::server
