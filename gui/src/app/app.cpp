#include "app/app.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "app/data_feed.h"
#include "app/prediction.h"
#include "app/server_sync.h"
#include "app/windows.h"
#include "platform/files.h"

namespace digitlab::gui {
namespace {

// Enough samples that random minibatches rarely repeat within an epoch's
// tenth, small enough (12.5 MB) for any browser tab.
constexpr std::size_t kCacheSamples = 16384;

// The trainer draws from a local training set when there is one, else from
// the server-fed cache. Its thread runs at background priority so the
// interface keeps its frame rate when cores are scarce.
void make_trainer(AppState& app, TrainerConfig config, std::shared_ptr<const Dataset> train) {
  config.background_priority = true;
  if (train) app.trainer = std::make_unique<Trainer>(config, train, app.data.test, app.threaded);
  else app.trainer = std::make_unique<Trainer>(config, app.data.cache, app.data.test, app.threaded);
}

void create_local_trainer(AppState& app, const TrainerConfig& config) {
  app.data.source = "local: " + app.options.data_dir;
  try {
    auto train = std::make_shared<const Dataset>(load_idx_split(app.options.data_dir, "train"));
    app.data.test = std::make_shared<const Dataset>(load_idx_split(app.options.data_dir, "test"));
    app.data.test_size = app.data.test->size();
    app.log.add("loaded " + std::to_string(train->size()) + " training and " + std::to_string(app.data.test->size()) +
                " test samples from " + app.options.data_dir);
    return make_trainer(app, config, train);
  } catch (const std::exception& e) {
    app.log.add(std::string("no local data: ") + e.what());
  }
  // No data: the pad still predicts; training waits on an empty cache.
  app.data.cache = std::make_shared<SampleCache>(kCacheSamples);
  app.data.test = std::make_shared<const Dataset>();
  make_trainer(app, config, nullptr);
}

void create_server_trainer(AppState& app, TrainerConfig config) {
  app.http = std::make_unique<HttpClient>(app.options.server_url);
  app.data.source = "server" + (app.options.server_url.empty() ? std::string() : ": " + app.options.server_url);
  app.data.cache = std::make_shared<SampleCache>(kCacheSamples);
  app.data.test = std::make_shared<const Dataset>();  // arrives block by block
  config.epoch_size = app.data.train_size;
  make_trainer(app, config, nullptr);
}

// Keeps the architecture fields in step with the trainer when weights of
// another shape were loaded (pulled, uploaded), so "needs reset" stays honest.
void follow_trainer_architecture(AppState& app) {
  if (app.progress->arch != app.applied_arch) {
    app.applied_arch = app.progress->arch;
    set_architecture_text(app.settings, app.progress->arch);
  }
}

// The shared tick of self-changing content (see AppState::live_tick).
constexpr double kLiveTickS = 0.2;

void advance_live_tick(AppState& app, double now) {
  app.live_tick = now >= app.next_live_tick;
  if (!app.live_tick) return;
  app.next_live_tick = now + kLiveTickS;
  ++app.live_ticks;
}

void refresh_from_trainer(AppState& app) {
  if (app.progress && !app.live_tick) return;
  app.progress = app.trainer->progress();
  app.snapshot = app.trainer->snapshot();
  follow_trainer_architecture(app);
}

// Main-loop training: as much as fits in the frame. The budget shrinks when
// a frame ran late and creeps back up otherwise.
void run_training_slice(AppState& app, double last_interval_ms) {
  if (last_interval_ms > 18.0) app.slice_budget_ms *= 0.7;
  else app.slice_budget_ms += 0.25;
  app.slice_budget_ms = std::clamp(app.slice_budget_ms, 1.0, 10.0);
  app.trainer->run_slice(app.slice_budget_ms);
}

// --autotest: draw a digit, train, and after the given time write the state and quit.
bool autotest_tick(AppState& app) {
  const double t = now_seconds() - app.started_at;
  if (!app.autotest_started && t > 1.0) {
    app.autotest_started = true;
    draw_demo_digit(app.pad);
    // Long enough to train through the whole test, so the frame times are
    // measured while training at full speed, and only from then on.
    app.settings.hyper.epochs = 1000;
    app.trainer->set_hyperparameters(app.settings.hyper);
    app.trainer->start();
    app.frame_interval = FrameStats();
    app.frame_work = FrameStats();
    app.frame_training = FrameStats();
    app.log.add("autotest: drew a digit and started training");
  }
  if (t < app.options.autotest_s) return true;
  const std::string json = status_json(make_report(app));
  if (app.options.state_out.empty()) {
    std::printf("%s\n", json.c_str());
  } else {
    std::ofstream(app.options.state_out) << json << "\n";
  }
  return false;
}

}  // namespace

void app_init(AppState& app, AppOptions options) {
  app.options = std::move(options);
  app.started_at = now_seconds();
  app.isolated = cross_origin_isolated();
  app.threaded = threads_available();
  std::snprintf(app.sync.model_name, sizeof app.sync.model_name, "%s", app.options.model_name.c_str());

  TrainerConfig config = default_trainer_config();
  for (const auto& [name, value] : app.options.settings) {
    try {
      set_setting(config.hyper, name, value);
    } catch (const Error& e) {
      app.log.add(std::string("ignored a setting from the address: ") + e.what());
    }
  }
  app.settings.hyper = config.hyper;
  app.settings.seed = config.seed;
  set_architecture_text(app.settings, config.arch);
  app.applied_seed = config.seed;
  if (app.options.use_server) create_server_trainer(app, config);
  else create_local_trainer(app, config);
  if (!app.threaded)
    app.log.add("this page is not cross-origin isolated: training runs on the main loop in small slices");
  if (app.http) start_server_session(app);
}

bool app_frame(AppState& app) {
  const double start = now_seconds();
  const double interval_ms = app.last_frame_start > 0 ? (start - app.last_frame_start) * 1000.0 : 0.0;
  if (interval_ms > 0) {
    app.frame_interval.add(interval_ms);
    if (app.progress && app.progress->state == RunState::running) app.frame_training.add(interval_ms);
  }
  app.last_frame_start = start;

  if (app.http) app.http->poll();
  poll_files();
  if (app.http) {
    feed_data(app);
    sync_tick(app);
  }
  if (!app.threaded) run_training_slice(app, interval_ms);
  advance_live_tick(app, start);
  refresh_from_trainer(app);
  update_pad_prediction(app);
  update_sample_prediction(app);

  const ImGuiIO& io = ImGui::GetIO();
  app.layout = compute_layout(io.DisplaySize.x, io.DisplaySize.y, ImGui::GetTextLineHeightWithSpacing());
  app.clickables.clear();
  draw_window(app);
  samples_window(app);
  training_window(app);
  sync_window(app);
  curves_window(app);
  insight_window(app);
  status_bar(app);

  app.frame_work.add((now_seconds() - start) * 1000.0);
  return app.options.autotest_s > 0 ? autotest_tick(app) : true;
}

StatusReport make_report(const AppState& app) {
  StatusReport r;
  r.pad_message = input_status_message(app.pad.input.status);
  if (app.pad.input.ready()) {
    r.prediction = argmax10(app.pad.probs.data());
    r.probabilities = app.pad.probs;
  }
  r.pad_rect = app.pad.rect;
  r.buttons = app.clickables;
  r.model_name = app.sync.model_name;
  if (app.sync.known_model == app.sync.model_name) r.server_version = app.sync.known_version;
  if (app.snapshot) {
    r.local_version = app.snapshot->version;
    r.trained = app.snapshot->trained;
  }
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
  }
  r.threaded = app.threaded;
  r.cross_origin_isolated = app.isolated;
  r.data_source = app.data.source;
  if (app.data.cache) {
    r.cache_size = app.data.cache->size();
    r.cache_capacity = app.data.cache->capacity();
  }
  r.test_samples = app.data.test ? app.data.test->size() : 0;
  r.server_enabled = app.http != nullptr;
  r.server_reachable = app.sync.reachable;
  r.server_error = app.sync.last_error;
  r.version_conflict = app.sync.conflict;
  if (app.sync.job) r.job_state = app.sync.job->state;
  r.frame = app.frame_interval.summary();
  r.frame_training = app.frame_training.summary();
  r.frame_work = app.frame_work.summary();
  r.frames_drawn = frames_rendered();
  r.messages = app.log.latest(5);
  return r;
}

}  // namespace digitlab::gui
