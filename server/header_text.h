// Text helpers for HTTP header values, one home for the server's files:
// field names and tokens compare case-insensitively, values lose the
// spaces and tabs around them (RFC 9110 5.5).
#pragma once
#include <cctype>
#include <string>

namespace digitlab::server {

inline std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline std::string trim_spaces(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace digitlab::server
