#include "app/undo.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/data_feed.h"
#include "app/widgets.h"
#include "platform/storage.h"

namespace digitlab::gui {
namespace {

constexpr const char* kStorageKey = "weight-history";

// Only trained, finite weights are worth going back to: undoing a pull onto
// fresh random weights, or going back to them from a run, would only lose
// work, and a diverged net's NaN weights are nothing to return to (nor can
// a weights file hold them).
bool worth_keeping(const AppState& app) {
  if (!app.snapshot || !app.snapshot->trained) return false;
  for (float v : app.snapshot->file.model.params)
    if (!std::isfinite(v)) return false;
  return true;
}

// The weights as they are now, named by the change about to replace them.
WeightsBefore weights_now(const AppState& app, std::string change) {
  WeightsBefore w;
  w.change = std::move(change);
  w.weights = app.snapshot->file;
  w.test_accuracy = shown_test_accuracy(app);
  w.server = {app.sync.known_model, app.sync.known_version, app.sync.synced_weights};
  w.pad_strokes = app.pad.pad.strokes().size();
  return w;
}

// The weights, their figures and their server version back as they were;
// the run (if any) ends, as it does for any weights that come from elsewhere.
void bring_back(AppState& app, const WeightsBefore& w) {
  app.trainer->load_model(w.weights);
  if (w.personal) {
    app.trainer->clear_personal();
    for (const LabelledDrawing& d : *w.personal) app.trainer->add_personal(d.image, d.label);
  }
  app.sync.recorded = {w.test_accuracy, -1, w.weights.meta.epochs, "these weights before " + w.change};
  app.sync.known_model = w.server.model;
  app.sync.known_version = w.server.version;
  app.sync.synced_weights = w.server.fingerprint;
  app.sync.checked_snapshot = ~0ull;  // "changed since vN" is worked out again
}

}  // namespace

double shown_test_accuracy(const AppState& app) {
  if (app.progress && app.progress->last_eval) return app.progress->last_eval->accuracy;
  return app.sync.recorded.test_accuracy;
}

void remember_weights(AppState& app, std::string change) {
  if (worth_keeping(app)) app.undo.push(weights_now(app, std::move(change)));
}

void start_run(AppState& app) {
  app.run_start.reset();
  if (worth_keeping(app)) {
    char change[64];
    std::snprintf(change, sizeof change, "the training run of %d epochs", app.settings.hyper.epochs);
    app.run_start = weights_now(app, change);
    app.undo.push(*app.run_start);
  }
  // The weights move from the first batch: a figure recorded with the loaded
  // ones (99.13%) stood beside a net evaluating at 97% (issue 24, item 7).
  // The run's own evaluations are the figure from here on.
  app.sync.recorded = {};
  app.trainer->start();
  app.data.fed.training_started = app.data.test_wanted = true;  // fetch from now on
}

void expect_teaching(AppState& app) {
  if (!worth_keeping(app) || !app.progress) return;
  WeightsBefore w = weights_now(app, "teaching");
  w.teaching = true;
  w.personal = app.progress->personal ? app.progress->personal
                                      : std::make_shared<const std::vector<LabelledDrawing>>();
  app.teaching_before = AppState::PendingTeaching{std::move(w), app.progress->teachings};
}

void undo_weights(AppState& app) {
  std::optional<WeightsBefore> newest = app.undo.pop();
  if (!newest) return;
  bring_back(app, *newest);
  app.log.add("undone: " + newest->change);
}

void back_to_run_start(AppState& app) {
  if (!app.run_start) return;
  const WeightsBefore start = *app.run_start;
  remember_weights(app, "going back to the weights before the run");
  bring_back(app, start);
  app.log.add("back to the weights before the run");
}

void undo_last(AppState& app) {
  switch (undo_target(app.pad.pad.strokes().size(), app.undo)) {
    case UndoTarget::stroke: return app.pad.pad.undo();
    case UndoTarget::weights: return undo_weights(app);
    case UndoTarget::nothing: return;
  }
}

void undo_button(AppState& app, const char* name, const char* short_label) {
  const WeightsBefore* newest = app.undo.newest();
  if (!newest) return;
  // The change named on the button, or beside it in wrapped words where a
  // button that long would not fit the panel (a phone).
  const std::string label = "Undo " + newest->change;
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool fits = !short_label &&
                    ImGui::CalcTextSize(label.c_str()).x + 2 * style.FramePadding.x <= ImGui::GetContentRegionAvail().x;
  ImGui::BeginDisabled(app.teaching_before.has_value());  // until the teaching under way reports
  if (clickable(app, name, fits ? label.c_str() : short_label ? short_label : "Undo")) undo_weights(app);
  ImGui::EndDisabled();
  const std::string accuracy = newest->test_accuracy >= 0
                                   ? number_or_dash(true, " (test accuracy %.2f%%)", 100 * newest->test_accuracy)
                                   : std::string();
  const std::size_t steps = app.undo.entries().size();
  item_tooltip(("Back to the weights before " + newest->change + accuracy + ". (Ctrl+Z) " + std::to_string(steps) +
                (steps == 1 ? " step" : " steps") + " kept.")
                   .c_str());
  if (!fits && !short_label) {
    ImGui::SameLine();
    ImGui::TextWrapped("%s", newest->change.c_str());
  }
}

void start_weight_history(AppState& app) {
  storage_read(kStorageKey, [&app](std::optional<std::vector<std::uint8_t>> bytes, std::string error) {
    app.undo_read_done = true;
    if (!error.empty()) return app.log.add("cannot read the kept undo steps: " + error);
    if (!bytes) return;
    try {
      app.undo.add_older(decode_weight_history(bytes->data(), bytes->size()));
    } catch (const std::exception& e) {
      app.log.add(std::string("the kept undo steps are unreadable, starting with none: ") + e.what());
    }
  });
}

void undo_tick(AppState& app) {
  if (app.pad.pad.empty()) app.undo.pad_cleared();
  if (app.undo_read_done && app.undo.revision() != app.undo_saved_revision) {
    const std::uint64_t revision = app.undo_saved_revision = app.undo.revision();
    try {
      storage_write(kStorageKey, encode_weight_history(app.undo), [&app, revision](const std::string& error) {
        if (!error.empty()) return app.log.add("cannot keep the undo steps: " + error);
        app.undo_kept_revision = std::max(app.undo_kept_revision, revision);
      });
    } catch (const std::exception& e) {
      app.log.add(std::string("cannot keep the undo steps: ") + e.what());
    }
  }
  if (!app.teaching_before || !app.progress) return;
  const TrainerProgress& p = *app.progress;
  if (p.teachings <= app.teaching_before->teachings) {
    if (!teach_waiting(app) && app.pad.teach_asked <= p.teachings) app.teaching_before.reset();  // cancelled
    return;
  }
  // Kept weights are a change to undo; a refused or restored teaching left them as they were.
  if (p.last_teach && p.last_teach->taught && !p.last_teach->restored) {
    WeightsBefore w = std::move(app.teaching_before->before);
    char change[96];
    if (p.last_teach->guess_before >= 0 && p.last_teach->guess_before != p.last_teach->label)
      std::snprintf(change, sizeof change, "teaching that a drawing read as %d is a %d", p.last_teach->guess_before,
                    p.last_teach->label);
    else
      std::snprintf(change, sizeof change, "teaching that a drawing is a %d", p.last_teach->label);
    w.change = change;
    app.undo.push(std::move(w));
  }
  app.teaching_before.reset();
}

}  // namespace digitlab::gui
