#include "app/session.h"

#include <cinttypes>
#include <cmath>
#include <ctime>

#include "app/server_sync.h"
#include "app/widgets.h"
#include "platform/storage.h"

namespace digitlab::gui {
namespace {

constexpr const char* kSessionKey = "session";
constexpr double kSaveEveryS = 5.0;

// Trained weights that are not simply a server version as it was, or a run
// with curves: something a reload would lose.
bool worth_keeping(const AppState& app) {
  if (!app.snapshot || !app.progress) return false;
  const bool own_weights = app.snapshot->trained && (app.sync.changed || !app.sync.known_version);
  return own_weights || !app.progress->history.empty();
}

// The server version the weights came from, when it is the named model's.
std::optional<std::uint64_t> server_version_of(const AppState& app) {
  return app.sync.known_model == app.sync.model_name ? app.sync.known_version : std::nullopt;
}

// A push or pull changes no weights but does change the session: a reload
// must still know which server version a later push is checked against.
bool changed_since_save(const AppState& app) {
  return app.snapshot->version != app.session.saved_snapshot ||
         app.progress->history.size() != app.session.saved_history ||
         server_version_of(app) != app.session.saved_server_version || app.sync.changed != app.session.saved_changed;
}

SavedSession current_session(const AppState& app) {
  const TrainerProgress& p = *app.progress;
  SavedSession s;
  s.saved_at = static_cast<std::int64_t>(std::time(nullptr));
  s.model_name = app.sync.model_name;
  s.server_version = server_version_of(app);
  s.changed_since_server = app.sync.changed;
  s.hyper = app.settings.hyper;
  s.seed = app.applied_seed;
  s.run = {p.state, p.epoch, p.history, p.evals, p.last_eval};
  s.weights = app.snapshot->file;
  return s;
}

void save(AppState& app) {
  app.session.saved_snapshot = app.snapshot->version;
  app.session.saved_history = app.progress->history.size();
  app.session.saved_server_version = server_version_of(app);
  app.session.saved_changed = app.sync.changed;
  storage_write(kSessionKey, encode_session(current_session(app)), [&app](const std::string& error) {
    if (!error.empty()) {
      if (app.session.error != error) app.log.add("cannot keep the session: " + error);
      app.session.error = error;
      return;
    }
    app.session.error.clear();
    app.session.last_saved_at = now_seconds();
  });
}

std::string age_text(std::int64_t saved_at) {
  const double s = std::difftime(std::time(nullptr), static_cast<std::time_t>(saved_at));
  char text[48];
  if (s < 90) std::snprintf(text, sizeof text, "%.0f s ago", std::max(0.0, s));
  else if (s < 5400) std::snprintf(text, sizeof text, "%.0f min ago", s / 60);
  else if (s < 2 * 86400) std::snprintf(text, sizeof text, "%.0f h ago", s / 3600);
  else std::snprintf(text, sizeof text, "%.0f days ago", s / 86400);
  return text;
}

// What the offer says about the kept session, in a sentence or two.
std::string describe(const SavedSession& s) {
  const std::optional<std::string> preset = preset_of(s.weights.model.arch);
  std::string text = "Kept " + age_text(s.saved_at) + ": the " + (preset ? *preset : std::string("custom")) + " net";
  char part[160];
  if (!s.run.history.empty() || s.run.epoch > 0) {
    std::snprintf(part, sizeof part, ", %s at epoch %.1f of %d", s.run.state == RunState::running ? "a run going" : "a run",
                  s.run.epoch, s.hyper.epochs);
    text += part;
  }
  if (s.run.last_eval) {
    std::snprintf(part, sizeof part, ", test accuracy %.2f%%", 100 * s.run.last_eval->accuracy);
    text += part;
  }
  if (s.server_version) {
    std::snprintf(part, sizeof part, " (%s '%s' v%" PRIu64 ")", s.changed_since_server ? "changed since" : "as",
                  s.model_name.c_str(), *s.server_version);
    text += part;
  }
  return text + ".";
}

}  // namespace

void start_session(AppState& app) {
  open_storage(app.options.state_dir);
  storage_read(kSessionKey, [&app](std::optional<std::vector<std::uint8_t>> bytes, std::string error) {
    app.session.read_done = true;
    if (!error.empty()) return app.log.add("cannot read the kept session: " + error);
    if (!bytes) return;
    try {
      app.session.offer = decode_session(bytes->data(), bytes->size());
    } catch (const std::exception& e) {
      app.log.add(std::string("the kept session is unreadable, starting fresh: ") + e.what());
    }
  });
  on_leave([&app] { save_session_now(app); });
}

void session_tick(AppState& app) {
  const bool running = app.progress && app.progress->state == RunState::running;
  set_leave_warning(running);
  if (take_close_request()) app.session.confirm_quit = true;
  // While an offer waits, what is on screen is not worth overwriting it with.
  const double now = now_seconds();
  if (app.session.offer || !app.session.read_done || now < app.session.next_save) return;
  app.session.next_save = now + kSaveEveryS;
  if (worth_keeping(app) && changed_since_save(app)) save(app);
}

void save_session_now(AppState& app) {
  if (app.session.offer || !app.session.read_done || !worth_keeping(app)) return;
  if (changed_since_save(app)) save(app);
}

void continue_session(AppState& app) {
  if (!app.session.offer) return;
  SavedSession s = std::move(*app.session.offer);
  app.session.offer.reset();
  try {
    app.settings.hyper = s.hyper;
    app.settings.seed = s.seed;
    app.applied_seed = s.seed;
    app.trainer->set_hyperparameters(s.hyper);
    app.trainer->continue_run(s.weights, s.run);
    if (s.run.state == RunState::running) app.trainer->resume();
  } catch (const std::exception& e) {
    app.log.add(std::string("cannot continue the kept session: ") + e.what());
    return;
  }
  std::snprintf(app.sync.model_name, sizeof app.sync.model_name, "%s", s.model_name.c_str());
  note_loaded_weights(app, s.weights, s.server_version ? "server v" + std::to_string(*s.server_version) : "the kept session");
  app.sync.known_model = s.server_version ? s.model_name : std::string();
  app.sync.known_version = s.server_version;
  // The kept weights differ from that version when they did before.
  if (s.changed_since_server) app.sync.synced_weights = 0;
  app.data.fed.training_started = s.run.state == RunState::running || s.run.state == RunState::paused;
  app.data.test_wanted = app.data.fed.training_started;
  app.session.restored = true;
  app.log.add("continued the kept session");
}

void discard_session(AppState& app) {
  app.session.offer.reset();
  storage_remove(kSessionKey);
  app.log.add("started fresh: the kept session is gone");
}

namespace {

// A question in a small window over the middle of the screen.
void begin_question(const char* title) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos({display.x / 2, display.y / 3}, ImGuiCond_Always, {0.5f, 0.5f});
  ImGui::SetNextWindowSize({std::min(display.x - 20, ImGui::GetFontSize() * 30), 0});
  ImGui::Begin(title, nullptr,
               ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoResize);
}

}  // namespace

void session_windows(AppState& app) {
  if (app.session.offer) {
    begin_question("Continue where you left off?");
    ImGui::TextWrapped("%s", describe(*app.session.offer).c_str());
    ImGui::Spacing();
    if (clickable(app, "session_continue", "Continue")) continue_session(app);
    ImGui::SameLine();
    if (clickable(app, "session_fresh", "Start fresh")) discard_session(app);
    ImGui::End();
  }
  if (app.session.confirm_quit) {
    begin_question("Quit while training?");
    ImGui::TextWrapped("A run is going. It is kept, and DigitLab offers to continue it at the next start.");
    if (ImGui::Button("Quit")) app.session.quit = true;
    ImGui::SameLine();
    if (ImGui::Button("Keep training")) app.session.confirm_quit = false;
    ImGui::End();
  }
}

}  // namespace digitlab::gui
