#include "app/app.h"

#include <algorithm>

#include "app/automation.h"
#include "app/data_feed.h"
#include "app/prediction.h"
#include "app/server_sync.h"
#include "app/personal_set.h"
#include "app/session.h"
#include "app/shortcuts.h"
#include "app/undo.h"
#include "app/widgets.h"
#include "app/windows.h"
#include "platform/automation.h"
#include "platform/files.h"
#include "platform/storage.h"

namespace digitlab::gui {
namespace {

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
  app.data.cache = std::make_shared<SampleCache>(app.data.plan.cache_samples);
  app.data.test = std::make_shared<const Dataset>();
  make_trainer(app, config, nullptr);
}

void create_server_trainer(AppState& app, TrainerConfig config) {
  app.http = std::make_unique<HttpClient>(app.options.server_url);
  app.data.source = "server" + (app.options.server_url.empty() ? std::string() : ": " + app.options.server_url);
  app.data.cache = std::make_shared<SampleCache>(app.data.plan.cache_samples);
  app.data.test = std::make_shared<const Dataset>();  // arrives block by block when an evaluation needs it
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
  follow_weight_changes(app);
  if (app.progress->last_eval) app.sync.recorded = {};  // our own numbers from now on
}

// Main-loop training: as much as fits in the frame. The budget shrinks when
// a frame ran late and creeps back up otherwise.
void run_training_slice(AppState& app, double last_interval_ms) {
  if (last_interval_ms > 18.0) app.slice_budget_ms *= 0.7;
  else app.slice_budget_ms += 0.25;
  app.slice_budget_ms = std::clamp(app.slice_budget_ms, 1.0, 10.0);
  app.trainer->run_slice(app.slice_budget_ms);
}

LayoutMetrics layout_metrics(const AppState& app, float width) {
  LayoutMetrics m;
  m.line_height = ImGui::GetTextLineHeightWithSpacing();
  m.target = ImGui::GetFrameHeight();
  m.title_height = title_height(width);
  m.status_height = status_height(app, width);
  return m;
}

}  // namespace

void app_init(AppState& app, LaunchOptions options) {
  app.options = std::move(options);
  app.started_at = now_seconds();
  app.isolated = cross_origin_isolated();
  app.threaded = threads_available();
  app.touch = touch_screen();
  app.show_frame_timings = !app.touch;
  apply_style(app.touch);
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
  start_session(app);
  start_personal_set(app);
  start_weight_history(app);
  if (!app.options.weights_path.empty()) load_weights_file(app, app.options.weights_path);
  expose_state_json([&app] { return status_json(make_report(app)); });
}

bool app_frame(AppState& app) {
  const double start = now_seconds();
  const double interval_ms = app.last_frame_start > 0 ? (start - app.last_frame_start) * 1000.0 : 0.0;
  if (interval_ms > 0) {
    app.frame_interval.add(interval_ms);
    if (app.progress && app.progress->state == RunState::running) app.frame_training.add(interval_ms);
  }
  app.last_frame_start = start;
  app.pointer = take_pointer_samples();  // every frame, whichever panels show

  if (app.http) app.http->poll();
  poll_files();
  poll_storage();
  if (app.http) {
    feed_data(app);
    sync_tick(app);
  }
  if (!app.threaded) run_training_slice(app, interval_ms);
  advance_live_tick(app, start);
  refresh_from_trainer(app);
  undo_tick(app);
  session_tick(app);
  personal_set_tick(app);
  keyboard_shortcuts(app);
  update_pad_prediction(app);
  update_sample_prediction(app);

  const ImGuiIO& io = ImGui::GetIO();
  app.layout = compute_layout(io.DisplaySize.x, io.DisplaySize.y, layout_metrics(app, io.DisplaySize.x), app.page);
  app.clickables.clear();
  show_panel_titles(app.layout.mode != LayoutMode::single);
  title_bar(app);
  draw_window(app);
  samples_window(app);
  training_window(app);
  sync_window(app);
  curves_window(app);
  insight_window(app);
  status_bar(app);
  session_windows(app);

  app.frame_work.add((now_seconds() - start) * 1000.0);
  if (app.session.quit) return false;
  return automation_tick(app);
}

}  // namespace digitlab::gui
