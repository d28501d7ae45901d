// The server's HTTP helpers, one home for them: JSON answers, content
// negotiation, query parameters, integers, and the text of header values
// (field names and tokens compare case-insensitively, values lose the
// spaces and tabs around them, RFC 9110 5.5).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace digitlab::server {

void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);

// Content negotiation as the API documents it: binary when the Accept header
// names application/octet-stream, JSON otherwise.
bool wants_binary(const httplib::Request& req);

// A query parameter, if present.
std::optional<std::string> query_param(const httplib::Request& req, const char* name);

// Parses a decimal integer in [min, max]; anything else is ApiError 400 with
// `code`, naming `what` in the message.
std::uint64_t parse_integer(const std::string& text, std::uint64_t min, std::uint64_t max, const char* what,
                            const char* code = "bad_request");

std::string lower_ascii(std::string s);
std::string trim_spaces(const std::string& s);

}  // namespace digitlab::server
