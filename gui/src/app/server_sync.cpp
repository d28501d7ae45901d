#include "app/server_sync.h"

#include <algorithm>
#include <cmath>

#include "app/undo.h"
#include "platform/files.h"

namespace digitlab::gui {
namespace {

constexpr double kHealthCheckS = 5.0;
constexpr double kJobPollS = 1.0;

std::string model_name(const AppState& app) { return app.sync.model_name; }

// FNV-1a over the parameters' bytes: cheap enough to run on every new
// snapshot (a 1.7 MB net hashes in about a millisecond).
std::uint64_t weights_fingerprint(const Model& model) {
  std::uint64_t h = 1469598103934665603ull;
  const auto* p = reinterpret_cast<const unsigned char*>(model.params.data());
  const std::size_t n = model.params.size() * sizeof(float);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

void set_result(AppState& app, std::string text, bool ok) {
  app.log.add(text);
  app.sync.result = std::move(text);
  app.sync.result_ok = ok;
  app.sync.result_from_files = false;
}

// Writes need the server's token when it was started with one.
HttpRequest authorized(const AppState& app, HttpRequest request) {
  if (!app.options.token.empty()) request.headers.push_back({"Authorization", "Bearer " + app.options.token});
  return request;
}

bool check_model_name(AppState& app) {
  if (is_valid_model_name(model_name(app))) return true;
  app.log.add(kModelNameRule);
  return false;
}

void load_datasets_info(AppState& app) {
  app.http->send({"GET", "/api/datasets", {}, {}, {}}, [&app](const HttpResponse& response) {
    if (!response.ok()) {
      note_server_error(app, "data sets", response);
      app.sync.next_health_check = 0;  // retried by the health check
      return;
    }
    try {
      // The server's default data set (the first one if none is marked).
      const auto sets = parse_datasets(response.body);
      const auto chosen = std::find_if(sets.begin(), sets.end(), [](const DatasetInfo& d) { return d.is_default; });
      if (!sets.empty()) {
        const DatasetInfo& info = chosen != sets.end() ? *chosen : sets.front();
        app.data.dataset = info.name;
        if (info.train) app.data.train_size = info.train;
        if (info.test) app.data.test_size = info.test;
      }
      app.data.info_loaded = true;
      note_server_ok(app);
    } catch (const std::exception& e) {
      app.log.add(std::string("bad data set list: ") + e.what());
    }
  });
}

void check_health(AppState& app) {
  app.http->send({"GET", "/api/health", {}, {}, {}}, [&app](const HttpResponse& response) {
    if (!response.ok()) return note_server_error(app, "health check", response);
    const bool was_down = !app.sync.reachable;
    note_server_ok(app);
    if (was_down) app.log.add("server reachable");
    if (!app.data.info_loaded) load_datasets_info(app);
  });
}

void poll_job(AppState& app) {
  app.http->send({"GET", job_path(app.sync.job->id), {}, {}, {}}, [&app](const HttpResponse& response) {
    if (!app.sync.job) return;
    if (!response.ok()) return note_server_error(app, "job status", response);
    try {
      JobStatus status = parse_job(response.body);
      status.id = app.sync.job->id;
      const bool newly_finished = status.finished() && !app.sync.job->finished();
      app.sync.job = status;
      if (newly_finished) {
        app.log.add("server job " + status.id + ": " + status.state +
                    (status.version ? ", version " + std::to_string(*status.version) : ""));
        refresh_versions(app);
      }
    } catch (const std::exception& e) {
      app.log.add(std::string("bad job status: ") + e.what());
    }
  });
}

}  // namespace

void note_server_error(AppState& app, const std::string& what, const HttpResponse& response) {
  const std::string message = what + ": " + error_message(response.status, response.body, response.error);
  app.sync.last_error = message;
  app.log.add(message);
  if (response.status == 0) app.sync.reachable = false;
  DataState& d = app.data;
  d.failures = std::min(d.failures + 1, 6);
  d.retry_at = now_seconds() + 0.5 * std::pow(2.0, d.failures);  // 1 s .. 32 s
}

void note_server_ok(AppState& app) {
  app.sync.reachable = true;
  app.data.failures = 0;
  app.data.retry_at = 0;
}

bool load_model_bytes(AppState& app, const std::string& bytes, const std::string& origin) {
  try {
    ModelFile file = weights_from_bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    remember_weights(app, "loading " + origin);
    app.trainer->load_model(file);
    note_loaded_weights(app, file, origin);
    set_result(app, "loaded weights from " + origin, true);
    return true;
  } catch (const std::exception& e) {
    set_result(app, "cannot load weights from " + origin + ": " + e.what(), false);
    return false;
  }
}

void load_weights_file(AppState& app, const std::string& path) {
  open_file(path, [&app, path](std::vector<std::uint8_t> bytes, std::string error) {
    if (error.empty()) load_model_bytes(app, std::string(bytes.begin(), bytes.end()), kFilesByPath ? path : "the uploaded file");
    else set_result(app, error, false);
    app.sync.result_from_files = true;
  });
}

void note_loaded_weights(AppState& app, const ModelFile& file, const std::string& origin) {
  const TrainingMeta& m = file.meta;
  app.sync.recorded = {m.test_accuracy, m.test_loss, m.epochs, origin};
  app.sync.synced_weights = weights_fingerprint(file.model);
  app.sync.checked_snapshot = ~0ull;  // check again when the trainer publishes them
  app.sync.known_model.clear();       // the caller names the server version, if any
  app.sync.known_version.reset();
}

void follow_weight_changes(AppState& app) {
  SyncState& s = app.sync;
  if (!app.snapshot || app.snapshot->version == s.checked_snapshot) return;
  s.checked_snapshot = app.snapshot->version;
  s.changed = s.known_version && weights_fingerprint(app.snapshot->file.model) != s.synced_weights;
}

void start_server_session(AppState& app) {
  check_health(app);
  app.sync.next_health_check = now_seconds() + kHealthCheckS;
  load_datasets_info(app);
  refresh_models(app);
  // Weights named at start (--weights) are the ones to draw with, not the server's latest.
  if (app.options.weights_path.empty()) pull_model(app, std::nullopt, true);
}

void sync_tick(AppState& app) {
  const double now = now_seconds();
  if (now >= app.sync.next_health_check) {
    app.sync.next_health_check = now + kHealthCheckS;
    check_health(app);
  }
  if (app.sync.job && !app.sync.job->finished() && now >= app.sync.next_job_poll) {
    app.sync.next_job_poll = now + kJobPollS;
    poll_job(app);
  }
}

void pull_model(AppState& app, std::optional<std::uint64_t> version, bool initial) {
  if (!check_model_name(app) || app.sync.busy) return;
  const std::string name = model_name(app);
  app.sync.busy = true;
  HttpRequest request{"GET", weights_path(name, version), {{"Accept", "application/octet-stream"}}, {}, {}};
  app.http->send(request, [&app, name, version, initial](const HttpResponse& response) {
    app.sync.busy = false;
    if (initial && app.progress && (app.progress->state != RunState::idle || app.progress->steps > 0)) {
      app.log.add("the server's model '" + name + "' arrived after training began here: not loaded (Pull loads it)");
      return;
    }
    if (response.status == 404 && !version) {
      app.log.add("the server has no model '" + name + "' yet: the weights here are untrained");
      note_server_ok(app);
      return;
    }
    if (!response.ok()) {
      note_server_error(app, "pull " + name, response);
      return set_result(app, app.sync.last_error, false);
    }
    note_server_ok(app);
    const std::optional<std::uint64_t> pulled = version ? version : parse_etag_version(response.etag);
    if (!load_model_bytes(app, response.body, pulled ? name + " v" + std::to_string(*pulled) : "server model " + name)) return;
    app.sync.known_model = name;
    app.sync.known_version = pulled;
    app.sync.conflict = false;
    refresh_versions(app);
  });
}

void push_model(AppState& app, bool force) {
  if (!check_model_name(app) || app.sync.busy || !app.snapshot) return;
  const std::string name = model_name(app);
  // Unchanged weights of the server's newest version: the server would
  // store the same weights again. (Of an older version, a push is a way to
  // make them the newest again: it goes on, to the conflict question.)
  const SyncState& s = app.sync;
  const auto newer = [&](std::optional<std::uint64_t> version) {
    return s.known_version && version && *version > *s.known_version;
  };
  const bool newest_known =
      !(s.job && newer(s.job->version)) &&
      std::none_of(s.versions.begin(), s.versions.end(), [&](const ModelVersion& v) { return newer(v.version); });
  if (s.known_model == name && s.known_version && !s.changed && newest_known)
    return set_result(app, "nothing to push: these are the weights of " + name + " v" +
                               std::to_string(*s.known_version) + ", its newest version", true);
  HttpRequest request{"PUT", weights_path(name), {}, {}, "application/octet-stream"};
  const std::shared_ptr<const ModelSnapshot> pushed = app.snapshot;
  const std::vector<std::uint8_t> bytes = weights_to_binary(pushed->file);
  request.body.assign(bytes.begin(), bytes.end());
  // Without force, the server refuses (412) when someone pushed since our version.
  if (!force && app.sync.known_model == name && app.sync.known_version)
    request.headers.push_back({"If-Match", "\"" + std::to_string(*app.sync.known_version) + "\""});
  app.sync.busy = true;
  app.http->send(authorized(app, request), [&app, name, pushed](const HttpResponse& response) {
    app.sync.busy = false;
    if (response.status == 412) {
      app.sync.conflict = true;
      set_result(app, "push refused: the server has a newer version of '" + name + "'", false);
      note_server_ok(app);
      refresh_versions(app);  // show the newer version
      return;
    }
    if (!response.ok()) {
      note_server_error(app, "push " + name, response);
      return set_result(app, app.sync.last_error, false);
    }
    note_server_ok(app);
    std::optional<std::uint64_t> version;
    try {
      version = parse_pushed_version(response.body);
    } catch (const std::exception&) {
    }
    if (!version) version = parse_etag_version(response.etag);
    app.sync.known_model = name;
    app.sync.known_version = version;
    app.sync.synced_weights = weights_fingerprint(pushed->file.model);
    app.sync.checked_snapshot = ~0ull;
    app.sync.conflict = false;
    set_result(app, "pushed " + name + (version ? " as version " + std::to_string(*version) : ""), true);
    refresh_versions(app);
    refresh_models(app);
  });
}

void refresh_models(AppState& app) {
  app.sync.models_loading = true;
  app.http->send({"GET", "/api/models", {}, {}, {}}, [&app](const HttpResponse& response) {
    app.sync.models_loading = false;
    if (!response.ok()) return note_server_error(app, "model list", response);
    try {
      app.sync.models = parse_model_names(response.body);
    } catch (const std::exception& e) {
      app.log.add(std::string("bad model list: ") + e.what());
    }
  });
}

void refresh_versions(AppState& app) {
  if (!check_model_name(app)) return;
  const std::string name = model_name(app);
  app.sync.versions_loading = true;
  app.http->send({"GET", versions_path(name), {}, {}, {}}, [&app, name](const HttpResponse& response) {
    app.sync.versions_loading = false;
    if (response.status == 404) {
      app.sync.versions.clear();
      return;
    }
    if (!response.ok()) return note_server_error(app, "versions of " + name, response);
    try {
      auto versions = parse_versions(response.body);
      std::sort(versions.begin(), versions.end(), [](auto& a, auto& b) { return a.version > b.version; });
      app.sync.versions = std::move(versions);
    } catch (const std::exception& e) {
      app.log.add(std::string("bad version list: ") + e.what());
    }
  });
}

void start_server_job(AppState& app) {
  if (!check_model_name(app)) return;
  const std::string name = model_name(app);
  const TrainingSettings& s = app.settings;
  HttpRequest request{"POST", train_path(name), {}, train_request_json(s.hyper, s.arch, s.seed), "application/json"};
  app.http->send(authorized(app, request), [&app, name](const HttpResponse& response) {
    if (!response.ok()) return note_server_error(app, "server training", response);
    try {
      JobStatus job;
      job.id = parse_job_id(response.body);
      job.state = "queued";
      app.sync.job = job;
      app.sync.next_job_poll = 0;
      app.log.add("server job " + job.id + " started for " + name);
    } catch (const std::exception& e) {
      app.log.add(std::string("bad job answer: ") + e.what());
    }
  });
}

void cancel_server_job(AppState& app) {
  if (!app.sync.job) return;
  app.http->send(authorized(app, {"DELETE", job_path(app.sync.job->id), {}, {}, {}}), [&app](const HttpResponse& response) {
    if (!response.ok()) return note_server_error(app, "cancel job", response);
    app.sync.next_job_poll = 0;  // the next poll shows the new state
  });
}

}  // namespace digitlab::gui
