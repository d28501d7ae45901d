#include "digitlab/store/version_check.h"

#include <digitlab/io/model_name.h>
#include <digitlab/io/weights.h>

#include "digitlab/store/metrics.h"
#include "digitlab/store/time.h"

namespace digitlab::store {

namespace {

constexpr std::int64_t kEarliestCreatedMs = 946684800000;  // 2000-01-01
constexpr std::int64_t kClockSkewMs = 24 * 3600 * 1000;   // replicas' clocks differ a little

}  // namespace

std::string body_problem(const std::string& body) {
  if (static_cast<std::int64_t>(body.size()) > kMaxBodyBytes)
    return "body is longer than " + std::to_string(kMaxBodyBytes) + " bytes";
  try {
    // The renderer checks as weights_from_binary does, without copying the parameters.
    WeightsJsonRenderer::from_binary(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
  } catch (const Error& e) {
    return std::string("body is not valid binary weights: ") + e.what();
  }
  return "";
}

std::string version_problem(const VersionInfo& info, const std::string& body) {
  if (!is_valid_model_name(info.model)) return std::string("bad model name: ") + kModelNameRule;
  if (info.version < 1) return "version " + std::to_string(info.version) + " is not 1 or more";
  if (info.format != "json" && info.format != "binary" && info.format != "trained")
    return "format is not json, binary or trained";
  if (info.created_ms < kEarliestCreatedMs || info.created_ms > unix_time_ms() + kClockSkewMs)
    return "created time " + std::to_string(info.created_ms) + " ms is not from 2000 to now";
  if (info.size != static_cast<std::int64_t>(body.size()))
    return "size " + std::to_string(info.size) + " is not the body's length " + std::to_string(body.size());
  std::string problem = metrics_problem(info.metrics_json);
  return problem.empty() ? body_problem(body) : problem;
}

RefusedVersion::RefusedVersion(const std::string& model, std::int64_t version, const std::string& reason)
    : StoreError("model '" + model.substr(0, 80) + "' version " + std::to_string(version) + " refused: " + reason),
      reason_(reason) {}

void check_version(const VersionInfo& info, const std::string& body) {
  const std::string problem = version_problem(info, body);
  if (!problem.empty()) throw RefusedVersion(info.model, info.version, problem);
}

}  // namespace digitlab::store
