// Wires the HTTP server: worker threads, limits, logging, the headers every
// response carries, JSON errors, the API routes and the web app.
#pragma once
#include <httplib.h>

#include "options.h"

namespace digitlab::server {

class DataCatalog;
class ModelStore;
class RenderedWeightsCache;
class JobManager;
class StaticSite;

struct ServerParts {
  const DataCatalog& data;
  ModelStore& store;
  RenderedWeightsCache& weights_cache;
  JobManager& jobs;
  const StaticSite& site;
};

void configure_server(httplib::Server& server, const ServerParts& parts, const ServerOptions& options);

}  // namespace digitlab::server
