// Talking to digitlab-server about models: pull on start, push with
// optimistic concurrency (If-Match; a 412 becomes a visible conflict with the
// choice to pull or push anyway), version history, server-side training jobs,
// and the reachability shown in the interface.
#pragma once
#include <optional>

#include "app/app_state.h"

namespace digitlab::gui {

// At start: data set sizes, the model list, and the latest weights of the
// model named on the command line (default "default"), if the server has it.
void start_server_session(AppState& app);
void sync_tick(AppState& app);  // once per frame: health checks, job polling

void push_model(AppState& app, bool force);
// initial: the pull at start, which must not replace weights the user has
// begun to train meanwhile.
void pull_model(AppState& app, std::optional<std::uint64_t> version = std::nullopt, bool initial = false);
void refresh_models(AppState& app);
void refresh_versions(AppState& app);
void start_server_job(AppState& app);
void cancel_server_job(AppState& app);

// Every failed request goes through here: one message, reachability, backoff.
void note_server_error(AppState& app, const std::string& what, const HttpResponse& response);
void note_server_ok(AppState& app);

// Loads weight-file bytes (pulled, uploaded) into the trainer; false with a
// message when they are not valid weights.
bool load_model_bytes(AppState& app, const std::string& bytes, const std::string& origin);
// A weights file: read from its path on the desktop (Load, --weights), the
// file the user picks in the browser (Upload, path ignored); the result line
// of the files row says how it went.
void load_weights_file(AppState& app, const std::string& path);
// Weights that came from elsewhere: their recorded metrics are shown until
// this app evaluates them, and "changed since vN" counts from them.
void note_loaded_weights(AppState& app, const ModelFile& file, const std::string& origin);
// Once per new snapshot: have the weights moved on from the synced version?
void follow_weight_changes(AppState& app);

}  // namespace digitlab::gui
