#include "etag.h"

#include <optional>
#include <vector>

#include "api_error.h"

namespace digitlab::server {

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The version in one tag ("3", 3 or W/"3"); nullopt if it names none.
std::optional<std::int64_t> tag_version(std::string tag) {
  tag = trim(tag);
  if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
  if (tag.empty() || tag.size() > 18 || tag.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(tag);
}

std::vector<std::string> split_list(const std::string& header) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= header.size()) {
    const auto comma = header.find(',', start);
    const auto end = comma == std::string::npos ? header.size() : comma;
    items.push_back(trim(header.substr(start, end - start)));
    start = end + 1;
  }
  return items;
}

}  // namespace

std::string format_etag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

WriteCondition write_condition(const httplib::Request& req) {
  const bool has_match = req.has_header("If-Match");
  const bool has_none_match = req.has_header("If-None-Match");
  if (has_match && has_none_match)
    throw ApiError(400, "bad_precondition", "send If-Match or If-None-Match, not both");
  if (has_none_match) {
    if (trim(req.get_header_value("If-None-Match")) != "*")
      throw ApiError(400, "bad_precondition", "a PUT accepts only If-None-Match: * (create, never overwrite)");
    return {WriteCondition::Kind::absent, 0};
  }
  if (!has_match) return {WriteCondition::Kind::any, 0};
  const std::string value = trim(req.get_header_value("If-Match"));
  if (value == "*") return {WriteCondition::Kind::exists, 0};
  const auto version = tag_version(value);
  if (!version || *version < 1)
    throw ApiError(400, "bad_precondition", "If-Match must be one version, e.g. \"3\" (got '" + value + "')");
  return {WriteCondition::Kind::at_version, *version};
}

bool if_none_match_hits(const httplib::Request& req, std::int64_t version) {
  if (!req.has_header("If-None-Match")) return false;
  for (const std::string& tag : split_list(req.get_header_value("If-None-Match")))
    if (tag == "*" || tag_version(tag) == version) return true;
  return false;
}

}  // namespace digitlab::server
