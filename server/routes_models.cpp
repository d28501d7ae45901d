// Versioned model weights: list, get (JSON or binary, any version), put (a new
// version, guarded by If-Match), history.
#include <algorithm>
#include <chrono>
#include <cctype>
#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include <digitlab/io/model_name.h>

#include "api_error.h"
#include "etag.h"
#include "http_util.h"
#include "model_name.h"
#include "request_gate.h"
#include "routes.h"
#include <digitlab/store/metrics.h>
#include <digitlab/store/model_store.h>
#include <digitlab/store/time.h>
#include <digitlab/store/version_check.h>
#include "weights_cache.h"
#include "weights_payload.h"

namespace digitlab::server {

namespace {

using nlohmann::json;

// Rows are checked on their way into the store (version_check.h); a database
// may still hold rows from before that. Their metrics show as null unless
// they pass the same check: unchecked, deep nesting crashed the dump and
// non-JSON made the listing invalid JSON.
json version_json(const store::VersionInfo& info) {
  const bool metrics_ok = store::metrics_problem(info.metrics_json).empty();
  return {{"model", info.model},         {"version", info.version}, {"created", store::iso_time(info.created_ms)},
          {"size", info.size},           {"format", info.format},
          {"metrics", metrics_ok ? json::parse(info.metrics_json) : json()}};
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

// Weights uploads parsed at once (each may hold ~3x its body more), and
// JSON renders running at once (CPU); how long a request waits for a slot.
constexpr std::size_t kConcurrentUploads = 2;
constexpr std::size_t kConcurrentRenders = 2;
constexpr std::chrono::milliseconds kUploadPatience{10000};
constexpr std::chrono::milliseconds kRenderPatience{30000};
// Versions whose binary body is at most this are rendered to JSON whole and
// kept in the cache (~3x as JSON); larger ones are streamed.
constexpr std::size_t kMaxWholeJsonCanonicalBytes = 4u << 20;

std::int64_t existing_latest(const store::ModelStore& store, const std::string& name) {
  const auto latest = store.latest_version(name);
  if (!latest) throw ApiError(404, "unknown_model", "no model named '" + name + "'");
  return *latest;
}


// Serves bytes shared with other requests (the cache's copy) without
// copying them into the response.
void send_shared(httplib::Response& res, const WeightsCache::Body& body, const char* content_type) {
  res.set_content_provider(body->size(), content_type,
                           [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             return sink.write(body->data() + offset, std::min<std::size_t>(length, 1u << 16));
                           });
}

// JSON rendered piece by piece from the shared binary body, for versions too
// large to keep rendered: each response holds one piece, and a render slot
// only while it renders that piece (a slow reader holds none).
void stream_json(httplib::Response& res, const WeightsCache::Body& canonical, Slots& renders) {
  std::shared_ptr<WeightsJsonRenderer> renderer;
  {
    Slots::Lease lease(renders, kRenderPatience, "rendering other weights");
    renderer = std::make_shared<WeightsJsonRenderer>(WeightsJsonRenderer::from_binary(
        reinterpret_cast<const std::uint8_t*>(canonical->data()), canonical->size()));
  }
  res.set_chunked_content_provider("application/json", [renderer, canonical, &renders](std::size_t,
                                                                                        httplib::DataSink& sink) {
    std::string piece;
    bool more = false;
    try {  // the response is under way: a failure can only end the connection
      Slots::Lease lease(renders, kRenderPatience, "rendering other weights");
      more = renderer->next(piece);
    } catch (const std::exception&) {
      return false;
    }
    if (!sink.write(piece.data(), piece.size())) return false;
    if (!more) sink.done();
    return true;
  });
}

}  // namespace

void add_model_routes(httplib::Server& server, store::ModelStore& store, WeightsCache& cache, std::size_t max_body) {
  static Slots uploads(kConcurrentUploads);
  static Slots renders(kConcurrentRenders);
  server.Get("/api/models", [&store](const httplib::Request&, httplib::Response& res) {
    json models = json::array();
    for (const store::VersionInfo& info : store.models()) {
      if (!is_valid_model_name(info.model)) continue;  // stored before names were checked: no route reaches it
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

    // Two representations of one version: each its own tag, and caches keep
    // them apart by the Accept header.
    const WeightsFormat format = wants_binary(req) ? WeightsFormat::binary : WeightsFormat::json;
    res.set_header("ETag", format_etag(version, format));
    res.set_header("Vary", "Accept");
    // A numbered version never changes; "latest" does with every PUT.
    res.set_header("Cache-Control", asked ? "max-age=31536000, immutable" : "no-cache");
    if (if_none_match_hits(req, version, format)) {
      res.status = 304;
      return;
    }
    const auto canonical = cache.get(name, version, WeightsFormat::binary, [&]() -> WeightsCache::Body {
      auto body = store.body(name, version);
      if (!body) return nullptr;
      // A body stored before the store checked them is checked once here,
      // as it is loaded: a corrupt one is never served.
      const std::string problem = store::body_problem(*body);
      if (!problem.empty())
        throw ApiError(500, "corrupt_version", name + " version " + std::to_string(version) + " is corrupt: " + problem);
      return std::make_shared<const std::string>(std::move(*body));
    });
    if (!canonical) throw ApiError(404, "unknown_version", name + " has no version " + std::to_string(version));
    if (format == WeightsFormat::binary) return send_shared(res, canonical, "application/octet-stream");
    if (canonical->size() > kMaxWholeJsonCanonicalBytes) return stream_json(res, canonical, renders);
    const auto rendered = cache.get(name, version, WeightsFormat::json, [&] {
      Slots::Lease lease(renders, kRenderPatience, "rendering other weights");
      return std::make_shared<const std::string>(render_json(*canonical));
    });
    send_shared(res, rendered, "application/json");
  });

  const auto put_weights = [&store, max_body](const httplib::Request& req, httplib::Response& res,
                                              const httplib::ContentReader& reader) {
    const std::string name = model_name(req);
    const store::WriteCondition condition = write_condition(req);
    const WeightsFormat format = upload_format(req);
    store::NewVersion new_version;
    // Read before the parsing slot is taken: a client that sends its body
    // slowly must not keep other uploads waiting for one.
    std::string body = read_body(req, reader, max_body);
    {
      // Parsing holds up to ~3x the body more: bounded in number.
      Slots::Lease lease(uploads, kUploadPatience, "parsing other uploads");
      ModelFile model = parse_uploaded_weights(body, format);
      std::string().swap(body);  // the text goes before the binary form is built
      new_version = make_new_version(model, format_name(format));
    }
    const store::WriteOutcome outcome = store.put(name, condition, new_version);
    if (!outcome.stored) {
      if (outcome.current > 0) res.set_header("ETag", format_etag(outcome.current, WeightsFormat::json));
      throw ApiError(412, "precondition_failed",
                     outcome.current > 0 ? name + " is at version " + std::to_string(outcome.current) + "; nothing stored"
                                         : "no model named '" + name + "' yet; nothing stored");
    }
    const std::string version = std::to_string(outcome.info.version);
    res.set_header("ETag", format_etag(outcome.info.version, WeightsFormat::json));
    res.set_header("Location", "/api/models/" + name + "/weights?version=" + version);
    send_json(res, version_json(outcome.info), 201);
  };
  server.Put(R"(/api/models/([^/]*)/weights)", body_route(put_weights));

  server.Get(R"(/api/models/([^/]*)/versions)", [&store](const httplib::Request& req, httplib::Response& res) {
    const std::string name = model_name(req);
    json versions = json::array();
    for (const store::VersionInfo& info : store.versions(name)) {
      json entry = version_json(info);
      entry.erase("model");
      versions.push_back(std::move(entry));
    }
    if (versions.empty()) throw ApiError(404, "unknown_model", "no model named '" + name + "'");
    send_json(res, {{"model", name}, {"versions", versions}});
  });
}

}  // namespace digitlab::server
