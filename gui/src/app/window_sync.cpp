// Weights and the server: push, pull, version history, server-side
// training; and weight files (a path on the desktop, download/upload in the
// browser).
#include <cinttypes>

#include "app/server_sync.h"
#include "app/widgets.h"
#include "app/windows.h"
#include "platform/files.h"

namespace digitlab::gui {
namespace {

void connection_line(AppState& app) {
  const SyncState& s = app.sync;
  const std::string& url = app.http->base_url();
  ImGui::Text("Server: %s", url.empty() ? "this page's origin" : url.c_str());
  ImGui::SameLine();
  if (s.reachable) ImGui::TextColored({0.4f, 0.9f, 0.4f, 1}, "connected");
  else ImGui::TextColored({1, 0.4f, 0.4f, 1}, "unreachable");
  if (!s.reachable && !s.last_error.empty()) ImGui::TextWrapped("%s (training goes on from the cache)", s.last_error.c_str());
}

// What the last push, pull, save or load did, under the buttons that did it.
void result_line(const AppState& app, bool files) {
  const SyncState& s = app.sync;
  if (s.result.empty() || s.result_from_files != files) return;
  ImGui::PushStyleColor(ImGuiCol_Text, s.result_ok ? ImVec4{0.55f, 0.85f, 0.55f, 1} : ImVec4{1, 0.5f, 0.45f, 1});
  ImGui::TextWrapped("%s", s.result.c_str());
  ImGui::PopStyleColor();
}

void model_controls(AppState& app) {
  SyncState& s = app.sync;
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.45f);
  if (ImGui::InputText("##model", s.model_name, sizeof s.model_name)) s.versions.clear();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 2);
  if (ImGui::BeginCombo("##models", nullptr, ImGuiComboFlags_NoPreview)) {
    for (const std::string& name : s.models)
      if (ImGui::Selectable(name.c_str(), name == s.model_name)) {
        std::snprintf(s.model_name, sizeof s.model_name, "%s", name.c_str());
        refresh_versions(app);
      }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (s.known_version && s.known_model == s.model_name) {
    if (s.changed) ImGui::TextColored({1, 0.75f, 0.3f, 1}, "changed since v%" PRIu64, *s.known_version);
    else ImGui::Text("have v%" PRIu64, *s.known_version);
  } else {
    ImGui::TextDisabled("not synced");
  }

  ImGui::BeginDisabled(s.busy);
  if (clickable(app, "push", "Push")) push_model(app, false);
  item_tooltip(("Store these weights on the server as the next version of '" + std::string(s.model_name) +
                "'. Whoever pulls '" + s.model_name + "' gets them" +
                (std::string(s.model_name) == "default" ? ", and so does everyone who opens DigitLab: name a model "
                                                          "of your own above to keep yours apart."
                                                        : ".") +
                " Unchanged weights are not pushed again.")
                   .c_str());
  ImGui::SameLine();
  if (clickable(app, "pull", "Pull latest")) pull_model(app);
  ImGui::SameLine();
  if (ImGui::Button("Refresh")) {
    refresh_models(app);
    refresh_versions(app);
  }
  ImGui::EndDisabled();
  if (s.busy) {
    ImGui::SameLine();
    ImGui::TextDisabled("working...");
  }
  if (s.conflict) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1, 0.6f, 0.35f, 1});
    ImGui::TextWrapped("Version conflict: someone pushed '%s' after the version your weights came from. Pull theirs "
                       "(yours are replaced), or push anyway (yours become the newest version).",
                       s.model_name);
    ImGui::PopStyleColor();
    if (clickable(app, "pull_theirs", "Pull theirs")) pull_model(app);
    ImGui::SameLine();
    if (clickable(app, "push_anyway", "Push anyway")) push_model(app, true);
  } else {
    result_line(app, false);
  }
}

// "2026-11-25T18:58:37.732Z" -> "11-25 18:58": the table column is narrow.
std::string short_time(const std::string& iso) {
  if (iso.size() < 16 || iso[10] != 'T') return iso;
  return iso.substr(5, 5) + " " + iso.substr(11, 5);
}

void version_table(AppState& app) {
  SyncState& s = app.sync;
  if (s.versions.empty()) {
    ImGui::TextDisabled(s.versions_loading ? "loading the versions..." : "no versions of '%s' on the server yet",
                        s.model_name);
    return;
  }
  const float rows_h = ImGui::GetTextLineHeightWithSpacing() * 4.5f;
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV;
  if (ImGui::BeginTable("versions", 4, kFlags, {0, rows_h})) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("version");
    ImGui::TableSetupColumn("created");
    ImGui::TableSetupColumn("test acc.");
    ImGui::TableSetupColumn("size");
    ImGui::TableHeadersRow();
    for (const ModelVersion& v : s.versions) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      char label[32];
      std::snprintf(label, sizeof label, "v%" PRIu64, v.version);
      if (ImGui::Selectable(label, s.chosen_version == static_cast<int>(v.version), ImGuiSelectableFlags_SpanAllColumns))
        s.chosen_version = static_cast<int>(v.version);
      if (!v.description.empty()) item_tooltip(v.description.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(short_time(v.created).c_str());
      ImGui::TableNextColumn();
      if (v.test_accuracy >= 0) ImGui::Text("%.2f%%", v.test_accuracy * (v.test_accuracy <= 1 ? 100 : 1));
      else ImGui::TextDisabled("-");
      ImGui::TableNextColumn();
      ImGui::Text("%.0f KB", v.size / 1024.0);
    }
    ImGui::EndTable();
  }
  ImGui::BeginDisabled(s.chosen_version <= 0 || s.busy);
  if (ImGui::Button("Pull selected version")) pull_model(app, static_cast<std::uint64_t>(s.chosen_version));
  ImGui::EndDisabled();
}

void server_job(AppState& app) {
  SyncState& s = app.sync;
  const bool active = s.job && !s.job->finished();
  ImGui::BeginDisabled(active);
  if (clickable(app, "server_train", "Train on the server")) start_server_job(app);
  ImGui::EndDisabled();
  help_marker("Runs the hyperparameters above at native speed on the server; the result becomes a new version of this model.");
  if (!s.job) return;
  const JobStatus& j = *s.job;
  ImGui::TextWrapped("Job %s %s: epoch %.2f of %d, loss %.4f, %.0f samples/s, test accuracy %s", j.id.c_str(),
                     j.state.c_str(), j.epoch, j.total_epochs, j.loss, j.samples_per_s,
                     number_or_dash(j.test_accuracy >= 0, "%.2f%%", 100 * j.test_accuracy).c_str());
  if (!j.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1, 0.4f, 0.4f, 1});
    ImGui::TextWrapped("%s", j.error.c_str());
    ImGui::PopStyleColor();
  }
  if (active && ImGui::Button("Cancel job")) cancel_server_job(app);
  if (j.finished() && j.version && ImGui::Button("Pull the job's result")) pull_model(app, j.version);
}

void weight_files(AppState& app) {
  SyncState& s = app.sync;
  const auto save = [&app](const std::string& path) {
    const std::string error = save_file(path, weights_file_bytes(path, app.snapshot->file));
    app.sync.result = error.empty() ? "saved weights to " + path : error;
    app.sync.result_ok = error.empty();
    app.sync.result_from_files = true;
    app.log.add(app.sync.result);
  };
  if (kFilesByPath) {
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
    ImGui::InputText("##path", s.file_path, sizeof s.file_path);
    ImGui::SameLine();
    if (ImGui::Button("Save")) save(s.file_path);
    ImGui::SameLine();
    if (ImGui::Button("Load")) load_weights_file(app, s.file_path);
    help_marker("A .bin path saves the compact binary format, anything else JSON.");
  } else {
    if (ImGui::Button("Download weights (JSON)")) save(std::string(s.model_name) + ".json");
    ImGui::SameLine();
    if (ImGui::Button("Upload weights")) load_weights_file(app, {});
  }
  result_line(app, true);
}

}  // namespace

void sync_window(AppState& app) {
  if (begin_panel("Weights and server", app.layout[Panel::sync])) {
    if (app.http) {
      connection_line(app);
      model_controls(app);
      version_table(app);
      server_job(app);
    } else {
      ImGui::TextWrapped("No server: start with --server URL to push, pull and train on a server.");
    }
    section_title("Weight files");
    weight_files(app);
  }
  end_panel(app, Panel::sync);
}

}  // namespace digitlab::gui
