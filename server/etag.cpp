#include "etag.h"

#include <optional>
#include <vector>

#include "api_error.h"
#include "http_util.h"
#include "http_server.h"

namespace digitlab::server {

namespace {

constexpr const char* kBinarySuffix = ".bin";

struct Tag {
  std::int64_t version;
  WeightsFormat format;
};

// The version and representation one tag names ("3", 3, W/"3", "3.bin");
// nullopt if it names none.
std::optional<Tag> parse_tag(std::string tag) {
  tag = trim_spaces(tag);
  if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
  WeightsFormat format = WeightsFormat::json;
  const std::size_t suffix = std::char_traits<char>::length(kBinarySuffix);
  if (tag.size() > suffix && tag.compare(tag.size() - suffix, suffix, kBinarySuffix) == 0) {
    tag.resize(tag.size() - suffix);
    format = WeightsFormat::binary;
  }
  if (tag.empty() || tag.size() > 18 || tag.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return Tag{std::stoll(tag), format};
}

std::vector<std::string> split_list(const std::string& header) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= header.size()) {
    const auto comma = header.find(',', start);
    const auto end = comma == std::string::npos ? header.size() : comma;
    items.push_back(trim_spaces(header.substr(start, end - start)));
    start = end + 1;
  }
  return items;
}

}  // namespace

std::string format_etag(std::int64_t version, WeightsFormat format) {
  return "\"" + std::to_string(version) + (format == WeightsFormat::binary ? kBinarySuffix : "") + "\"";
}

store::WriteCondition write_condition(const httplib::Request& req) {
  if (HttpServer::sent_empty_header("If-Match") || HttpServer::sent_empty_header("If-None-Match"))
    throw ApiError(400, "bad_precondition", "an empty If-Match or If-None-Match names no version");
  const bool has_match = req.has_header("If-Match");
  const bool has_none_match = req.has_header("If-None-Match");
  if (has_match && has_none_match)
    throw ApiError(400, "bad_precondition", "send If-Match or If-None-Match, not both");
  if (req.get_header_value_count("If-Match") > 1 || req.get_header_value_count("If-None-Match") > 1)
    throw ApiError(400, "bad_precondition", "send one If-Match or If-None-Match header, not several");
  if (has_none_match) {
    if (trim_spaces(req.get_header_value("If-None-Match")) != "*")
      throw ApiError(400, "bad_precondition", "a PUT accepts only If-None-Match: * (create, never overwrite)");
    return {store::WriteCondition::Kind::absent, 0};
  }
  if (!has_match) return {store::WriteCondition::Kind::any, 0};
  const std::string value = trim_spaces(req.get_header_value("If-Match"));
  if (value == "*") return {store::WriteCondition::Kind::exists, 0};
  const auto tag = parse_tag(value);
  if (!tag || tag->version < 1)
    throw ApiError(400, "bad_precondition",
                   "If-Match must be one version, e.g. \"3\" (got '" + value.substr(0, 40) + "')");
  return {store::WriteCondition::Kind::at_version, tag->version};
}

bool if_none_match_hits(const httplib::Request& req, std::int64_t version, WeightsFormat format) {
  if (!req.has_header("If-None-Match")) return false;
  for (const std::string& item : split_list(req.get_header_value("If-None-Match"))) {
    if (item == "*") return true;
    const auto tag = parse_tag(item);
    if (tag && tag->version == version && tag->format == format) return true;
  }
  return false;
}

}  // namespace digitlab::server
