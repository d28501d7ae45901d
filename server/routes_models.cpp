// Versioned model weights: list, get (JSON or binary, any version), put (a new
// version, guarded by If-Match), history.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "auth.h"
#include "etag.h"
#include "http_util.h"
#include "model_name.h"
#include "rendered_weights_cache.h"
#include "routes.h"
#include "store.h"
#include "time_util.h"
#include "weights_payload.h"

namespace digitlab::server {

namespace {

using nlohmann::json;

json version_json(const VersionInfo& info) {
  return {{"model", info.model},         {"version", info.version}, {"created", iso_time(info.created_ms)},
          {"size", info.size},           {"format", info.format},
          {"metrics", json::parse(info.metrics_json, nullptr, false)}};
}

WeightsFormat upload_format(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  if (type == "application/json") return WeightsFormat::json;
  if (type == "application/octet-stream") return WeightsFormat::binary;
  throw ApiError(415, "unsupported_media_type",
                 "weights need Content-Type application/json or application/octet-stream, got '" + type + "'");
}

std::int64_t existing_latest(const ModelStore& store, const std::string& name) {
  const auto latest = store.latest_version(name);
  if (!latest) throw ApiError(404, "unknown_model", "no model named '" + name + "'");
  return *latest;
}

}  // namespace

void add_model_routes(httplib::Server& server, ModelStore& store, RenderedWeightsCache& cache,
                      const std::string& token) {
  server.Get("/api/models", [&store](const httplib::Request&, httplib::Response& res) {
    json models = json::array();
    for (const VersionInfo& info : store.models()) {
      json entry = version_json(info);
      entry["name"] = entry["model"];
      entry.erase("model");
      models.push_back(std::move(entry));
    }
    send_json(res, {{"models", models}});
  });

  server.Get(R"(/api/models/([^/]*)/weights)", [&store, &cache](const httplib::Request& req, httplib::Response& res) {
    const std::string name = model_name(req);
    const std::int64_t latest = existing_latest(store, name);
    const auto asked = query_param(req, "version");
    const std::int64_t version =
        asked ? static_cast<std::int64_t>(parse_integer(*asked, 1, INT64_MAX, "version")) : latest;
    if (version > latest) throw ApiError(404, "unknown_version", name + " has versions 1 to " + std::to_string(latest));

    res.set_header("ETag", format_etag(version));
    // A numbered version never changes; "latest" does with every PUT.
    res.set_header("Cache-Control", asked ? "max-age=31536000, immutable" : "no-cache");
    if (if_none_match_hits(req, version)) {
      res.status = 304;
      return;
    }
    const WeightsFormat format = wants_binary(req) ? WeightsFormat::binary : WeightsFormat::json;
    const auto body = cache.get(name, version, format, [&]() -> RenderedWeightsCache::Body {
      const auto canonical = store.body(name, version);
      return canonical ? std::make_shared<const std::string>(render_weights(*canonical, format)) : nullptr;
    });
    if (!body) throw ApiError(404, "unknown_version", name + " has no version " + std::to_string(version));
    res.set_content(*body, format == WeightsFormat::binary ? "application/octet-stream" : "application/json");
  });

  const auto put_weights = [&store](const httplib::Request& req, httplib::Response& res) {
    const std::string name = model_name(req);
    const WriteCondition condition = write_condition(req);
    const WeightsFormat format = upload_format(req);
    const ModelFile model = parse_uploaded_weights(req.body, format);
    const WriteOutcome outcome = store.put(name, condition, make_new_version(model, format_name(format)));
    if (!outcome.stored) {
      if (outcome.current > 0) res.set_header("ETag", format_etag(outcome.current));
      throw ApiError(412, "precondition_failed",
                     outcome.current > 0 ? name + " is at version " + std::to_string(outcome.current) + "; nothing stored"
                                         : "no model named '" + name + "' yet; nothing stored");
    }
    const std::string version = std::to_string(outcome.info.version);
    res.set_header("ETag", format_etag(outcome.info.version));
    res.set_header("Location", "/api/models/" + name + "/weights?version=" + version);
    send_json(res, version_json(outcome.info), 201);
  };
  server.Put(R"(/api/models/([^/]*)/weights)", require_token(token, put_weights));

  server.Get(R"(/api/models/([^/]*)/versions)", [&store](const httplib::Request& req, httplib::Response& res) {
    const std::string name = model_name(req);
    json versions = json::array();
    for (const VersionInfo& info : store.versions(name)) {
      json entry = version_json(info);
      entry.erase("model");
      versions.push_back(std::move(entry));
    }
    if (versions.empty()) throw ApiError(404, "unknown_model", "no model named '" + name + "'");
    send_json(res, {{"model", name}, {"versions", versions}});
  });
}

}  // namespace digitlab::server
