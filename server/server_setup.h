// Wires the HTTP server: worker threads, limits, logging, the headers every
// response carries, JSON errors, the API routes and the web app.
#pragma once
#include <memory>

#include <httplib.h>

#include "http_server.h"
#include "options.h"

namespace digitlab::store {
class ModelStore;
}  // namespace digitlab::store

namespace digitlab::server {

class DataCatalog;
class WeightsCache;
class JobManager;
class StaticSite;

struct ServerParts {
  const DataCatalog& data;
  store::ModelStore& store;
  WeightsCache& weights_cache;
  JobManager& jobs;
  const StaticSite& site;
};

void configure_server(HttpServer& server, const ServerParts& parts, const ServerOptions& options);

// The connection limits and error bodies HttpServer is built with.
std::unique_ptr<HttpServer> make_http_server(const ServerOptions& options);

}  // namespace digitlab::server
