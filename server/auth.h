// Write access: with --token T, every write request (PUT, POST, DELETE) to
// the API needs "Authorization: Bearer T"; reads stay open. No token
// configured: no checks. The request gate (request_gate.h) calls this from
// the headers alone, before the body is read.
#pragma once
#include <string>

#include <httplib.h>

namespace digitlab::server {

// Throws ApiError 401 without a bearer token, 403 with a wrong one.
void check_write_access(const httplib::Request& req, const std::string& token);

}  // namespace digitlab::server
