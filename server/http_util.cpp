#include "http_util.h"

#include <cstdint>
#include <cstdio>

#include <cctype>


#include "api_error.h"

namespace digitlab::server {

void send_json(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

bool wants_binary(const httplib::Request& req) {
  return req.get_header_value("Accept").find("application/octet-stream") != std::string::npos;
}

std::optional<std::string> query_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

std::uint64_t parse_integer(const std::string& text, std::uint64_t min, std::uint64_t max, const char* what,
                            const char* code) {
  const auto fail = [&] {
    throw ApiError(400, code,
                   std::string(what) + " must be an integer from " + std::to_string(min) + " to " +
                       std::to_string(max) + ", got '" + text.substr(0, 40) + "'");
  };
  if (text.empty() || text.size() > 20) fail();
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') fail();
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) fail();
    value = value * 10 + digit;
  }
  if (value < min || value > max) fail();
  return value;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim_spaces(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace digitlab::server
