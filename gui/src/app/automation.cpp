#include "app/automation.h"

#include <cstdio>

#include "app/data_feed.h"
#include "app/prediction.h"
#include "app/session.h"

namespace digitlab::gui {

StatusReport make_report(const AppState& app) {
  StatusReport r;
  r.pad_message = input_status_message(app.pad.input.status);
  const Reading& reading = app.pad.reading;
  if (reading.guess >= 0) {
    r.prediction = reading.guess;
    r.probabilities = reading.probs;
    r.confidence = reading.confidence;
  }
  r.unsure = reading.unsure;
  r.teach_label = app.pad.teach_label;
  r.teach_waiting = teach_waiting(app);
  r.pad_rect = app.pad.rect;
  for (const Stroke& s : app.pad.pad.strokes()) r.pad_points += static_cast<int>(s.points.size());
  r.buttons = app.clickables;
  const Layout& l = app.layout;
  for (int i = 0; i < kPanels; ++i) r.panels[panel_name(static_cast<Panel>(i))] = {l.panels[i], l.tabbed[i], app.panel_scroll[i]};
  r.panels["title"] = {l.title, false};
  r.panels["status"] = {l.status, false};
  if (!l.tabs.empty()) r.panels["tabs"] = {l.tabs, false};
  r.layout_mode = to_string(l.mode);
  const ImGuiIO& io = ImGui::GetIO();
  r.viewport_w = io.DisplaySize.x;
  r.viewport_h = io.DisplaySize.y;
  r.touch = app.touch;
  r.model_name = app.sync.model_name;
  if (app.sync.known_model == app.sync.model_name) r.server_version = app.sync.known_version;
  r.changed_since_server = app.sync.changed;
  if (app.sync.recorded.test_accuracy >= 0) r.recorded_test_accuracy = app.sync.recorded.test_accuracy;
  if (app.snapshot) {
    r.local_version = app.snapshot->version;
    r.trained = app.snapshot->trained;
  }
  for (const SettingInfo& s : training_settings()) r.settings[s.name] = setting_text(app.settings.hyper, s.name);
  if (const auto& p = app.progress) {
    r.train_state = to_string(p->state);
    r.epoch = p->epoch;
    r.total_epochs = p->total_epochs;
    r.steps = p->steps;
    r.samples_seen = p->samples_seen;
    r.loss = p->loss;
    r.accuracy = p->accuracy;
    if (p->last_eval) r.test_accuracy = p->last_eval->accuracy;
    r.samples_per_s = p->samples_per_s;
    r.eta_s = p->eta_s;
    r.starved = p->starved;
    r.diverged = p->diverged;
    if (p->best_accuracy >= 0) r.best_accuracy = p->best_accuracy;
    r.history_points = p->history.size();
    r.evaluations = p->evals.size();
    r.evaluating = p->evaluating;
    r.trainer_message = p->message;
    if (p->last_teach) r.teach = *p->last_teach;
    r.teachings = p->teachings;
    r.teach_pending = app.pad.teach_asked > p->teachings;
    r.personal_set = p->personal ? p->personal->size() : 0;
  }
  r.threaded = app.threaded;
  r.cross_origin_isolated = app.isolated;
  r.data_source = app.data.source;
  if (app.data.cache) {
    r.cache_size = app.data.cache->size();
    r.cache_capacity = app.data.cache->capacity();
  }
  r.test_samples = app.data.test ? app.data.test->size() : 0;
  r.bytes_downloaded = bytes_downloaded();
  r.server_enabled = app.http != nullptr;
  r.server_reachable = app.sync.reachable;
  r.server_error = app.sync.last_error;
  r.version_conflict = app.sync.conflict;
  if (app.sync.job) r.job_state = app.sync.job->state;
  r.session_offered = app.session.offer.has_value();
  r.session_restored = app.session.restored;
  if (app.session.last_saved_at >= 0) r.session_saved_age_s = now_seconds() - app.session.last_saved_at;
  r.frame = app.frame_interval.summary();
  r.frame_training = app.frame_training.summary();
  r.frame_work = app.frame_work.summary();
  r.frames_drawn = frames_rendered();
  r.messages = app.log.latest(5);
  r.status_message = app.status_shown;
  r.status_timings = app.show_frame_timings;
  for (const WeightsBefore& w : app.undo.entries()) r.undo_steps.push_back(w.change);
  r.run_start = app.run_start.has_value();
  r.undo_kept = app.undo_kept_revision == app.undo.revision();
  if (app.run_start && app.run_start->test_accuracy >= 0) r.run_start_accuracy = app.run_start->test_accuracy;
  return r;
}

namespace {
// Whole or not at all: a test polls for the file.
void write_state(const AppState& app) {
  const std::string json = status_json(make_report(app)) + "\n";
  if (app.options.state_out.empty()) std::printf("%s", json.c_str());
  else write_file_atomically(app.options.state_out, std::vector<std::uint8_t>(json.begin(), json.end()));
}
}  // namespace

namespace {
bool autotest_tick(AppState& app) {
  using Stage = AppState::AutotestRun::Stage;
  AppState::AutotestRun& run = app.autotest;
  const double now = now_seconds();
  const TrainerProgress& p = *app.progress;
  if (app.session.offer) {
    // A saved session from the previous --autotest run: carry it on.
    continue_session(app);
    app.log.add("autotest: continued the saved session");
  }
  if (run.stage == Stage::starting && now - app.started_at > 1.0 && app.session.read_done) {
    run.stage = Stage::training;
    run.samples_from = p.samples_seen;
    draw_demo_digit(app.pad);
    if (!app.session.restored) {
      // Epochs enough to go on training to the end, so frame times are
      // measured while training at full speed.
      app.settings.hyper.epochs = 1000;
      app.trainer->set_hyperparameters(app.settings.hyper);
      app.trainer->start();
    }
    app.frame_interval = FrameStats();
    app.frame_work = FrameStats();
    app.frame_training = FrameStats();
    app.log.add("autotest: drew a digit and started training");
  }
  if (run.stage == Stage::training && p.samples_seen >= run.samples_from + kAutotestSamples &&
      app.frame_training.summary().count >= kAutotestFrames) {
    run.stage = Stage::evaluating;
    run.evals_before = p.evals.size();
    app.trainer->evaluate_now();  // the state then says how good the net that reads the drawn 7 is
  }
  if (run.stage == Stage::evaluating && p.evals.size() > run.evals_before && !p.evaluating) {
    run.stage = Stage::showing;
    run.shown_since = now;
    save_session_now(app);
    write_state(app);
  }
  if (run.stage == Stage::showing) return now - run.shown_since < kAutotestShowS;
  if (now - app.started_at < app.options.autotest_s) return true;
  app.log.add("autotest: out of time before " + std::string(run.stage == Stage::evaluating ? "the evaluation came in"
                                                            : "training got far enough"));
  save_session_now(app);
  write_state(app);
  return false;
}
}  // namespace

bool automation_tick(AppState& app) {
  if (app.options.autotest_s > 0) return autotest_tick(app);
  if (!app.options.state_out.empty()) write_state(app);
  return true;
}

}  // namespace digitlab::gui
