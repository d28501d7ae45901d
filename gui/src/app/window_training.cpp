// Run controls, progress, the net and the training settings, laid out for a
// newcomer: the choices that matter first (which net, augmentation, the
// learning rate, epochs, batch size), every other setting under "Advanced"
// with its explanation. Each setting's label, range, unit and help come from
// core's table (digitlab/hyperparameters.h). Live settings apply at the
// next batch; the net and the seed need fresh weights, so they wait for an
// explicit "Apply and reset".
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <optional>

#include "app/data_feed.h"
#include "app/shortcuts.h"
#include "app/undo.h"
#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {
namespace {

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds <= 0) return "-";
  char text[32];
  const int s = static_cast<int>(seconds + 0.5);
  if (s >= 3600) std::snprintf(text, sizeof text, "%dh %02dm", s / 3600, s / 60 % 60);
  else if (s >= 60) std::snprintf(text, sizeof text, "%dm %02ds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%ds", s);
  return text;
}

// What each preset is, for someone choosing one.
const char* preset_blurb(const std::string& preset) {
  if (preset == "mlp") return "one hidden layer of 128 units: trains in seconds, reads neat digits well";
  if (preset == "cnn-small") return "two small convolution layers: quick to train, reads drawn digits well";
  if (preset == "cnn") return "two convolution layers and a dense layer: the best reader of drawings, slower to train";
  return "your own list of layers";
}

// Fresh random weights are coming (a reset, a new net): the weights now are
// kept to undo it, and the accuracy recorded with them stops being shown
// (it said 99.38% beside a random net).
void note_fresh_weights(AppState& app, const char* change) {
  remember_weights(app, change);
  app.sync.recorded = {};
}

void run_controls(AppState& app) {
  const TrainerProgress& p = *app.progress;
  Trainer& t = *app.trainer;
  const bool running = p.state == RunState::running, paused = p.state == RunState::paused;
  if (running || paused) {
    if (clickable(app, running ? "pause" : "resume", running ? "Pause" : "Resume")) toggle_training(app);
    item_tooltip(running ? "Hold the run; the weights stay as they are. (Space)" : "Go on with the run. (Space)");
    ImGui::SameLine();
    if (clickable(app, "stop", "Stop")) t.stop();
    item_tooltip("End the run and keep the weights.");
  } else {
    if (clickable(app, "start", "Start training")) toggle_training(app);
    item_tooltip("Train for the epochs set below, from the current weights. (Space)");
  }
  ImGui::SameLine();
  if (clickable(app, "reset", "Reset weights")) {
    note_fresh_weights(app, "the reset of the weights");
    t.reset();
  }
  item_tooltip("Fresh random weights from the seed: the net forgets everything.");
  ImGui::SameLine();
  if (clickable(app, "evaluate", "Evaluate")) evaluate_when_ready(app);
  item_tooltip("Measure accuracy on the 10,000 test digits now (an evaluation also runs after every epoch).");
  const char* where = app.threaded ? "on its own thread" : "in main-loop slices";
  if (p.evaluating || app.data.evaluate_when_loaded) ImGui::TextDisabled("%s, %s; evaluating...", to_string(p.state), where);
  else ImGui::TextDisabled("%s, %s", to_string(p.state), where);
  if (p.starved) {
    ImGui::SameLine();
    ImGui::TextColored(kWarningText, "waiting for data");
  }
  undo_button(app, "undo_weights");
}

// The trainer pauses a run that went wrong and says why. The first way
// out is always there: the weights this run started from. The run's best
// weights are offered only when they beat those (a net that diverged and
// was then evaluated has a "best" of 10%).
void divergence_box(AppState& app) {
  const TrainerProgress& p = *app.progress;
  const bool diverged = p.state == RunState::paused && p.message.rfind("training diverged", 0) == 0;
  if (!diverged) {
    if (!p.message.empty()) ImGui::TextWrapped("%s", p.message.c_str());
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1.0f, 0.55f, 0.45f, 1.0f});
  ImGui::TextWrapped("Paused: %s", p.message.c_str());
  ImGui::PopStyleColor();
  const double start_accuracy = app.run_start ? app.run_start->test_accuracy : -1;
  if (app.run_start) {
    char label[96];
    if (start_accuracy >= 0)
      std::snprintf(label, sizeof label, "Back to the weights before this run (%.2f%%)", 100 * start_accuracy);
    else
      std::snprintf(label, sizeof label, "Back to the weights before this run");
    if (clickable(app, "back_before_run", label)) back_to_run_start(app);
    item_tooltip("The weights as they were when this run started; then lower the learning rate and start again.");
  }
  if (p.best_accuracy >= 0 && start_accuracy >= 0 && p.best_accuracy <= start_accuracy) {
    ImGui::TextDisabled("This run's best evaluation (%.2f%%) is no better than its start.", 100 * p.best_accuracy);
    return;
  }
  ImGui::BeginDisabled(p.best_accuracy < 0);
  char label[96];
  if (p.best_accuracy >= 0)
    std::snprintf(label, sizeof label, "Restore the best weights of this run (%.2f%%)", 100 * p.best_accuracy);
  else
    std::snprintf(label, sizeof label, "Restore the best weights of this run");
  if (clickable(app, "restore_best", label)) {
    remember_weights(app, "restoring the run's best weights");
    app.trainer->restore_best();
  }
  ImGui::EndDisabled();
  if (p.best_accuracy < 0) item_tooltip("This run has no evaluation yet, so there are no best weights to go back to.");
}

void progress_lines(AppState& app) {
  const TrainerProgress& p = *app.progress;
  const int total = std::max(1, p.total_epochs);
  // A finished run sits exactly on an epoch boundary: show the last epoch full.
  const bool done = p.epoch >= total;
  const double epoch_fraction = done ? 1.0 : p.epoch - std::floor(p.epoch);
  const int epoch_number = done ? total : static_cast<int>(p.epoch) + 1;
  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "epoch %d: %.0f%%", epoch_number, epoch_fraction * 100);
  ImGui::ProgressBar(static_cast<float>(epoch_fraction), {-1, 0}, overlay);
  std::snprintf(overlay, sizeof overlay, "run: %.2f / %d epochs", p.epoch, total);
  ImGui::ProgressBar(static_cast<float>(std::min(1.0, p.epoch / total)), {-1, 0}, overlay);

  // Dashes until there is something to show: an idle trainer has no speed
  // or loss, and weights from elsewhere have no curve here yet.
  const bool live = !p.history.empty();
  const bool running = p.state == RunState::running;
  ImGui::Text("%s samples/s   ETA %s   lr %s", number_or_dash(live && running, "%.0f", p.samples_per_s).c_str(),
              running ? duration_text(p.eta_s).c_str() : "-", number_or_dash(true, "%.3g", p.lr).c_str());
  ImGui::Text("loss %s   train acc %s", number_or_dash(live, "%.4f", p.loss).c_str(),
              number_or_dash(live, "%.2f%%", 100.0 * p.accuracy).c_str());
  ImGui::SameLine();
  const RecordedMetrics& recorded = app.sync.recorded;
  if (p.last_eval) {
    ImGui::Text("  test acc %.2f%%", p.last_eval->accuracy * 100);
  } else if (recorded.test_accuracy >= 0) {
    ImGui::Text("  test acc %.2f%%", recorded.test_accuracy * 100);
    item_tooltip(("As recorded with " + recorded.origin + "; press Evaluate to measure it here.").c_str());
  } else {
    ImGui::TextDisabled("  test acc -");
  }
}

// The net: a preset (with DigitLab's settings for it) or any layer list,
// applied with a reset.
void net_controls(AppState& app, float label_w) {
  TrainingSettings& s = app.settings;
  const std::optional<std::string> preset = preset_of(s.arch);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("net");
  const std::string help = std::string("Which network learns. ") + "mlp: " + preset_blurb("mlp") +
                           ". cnn-small: " + preset_blurb("cnn-small") + ". cnn: " + preset_blurb("cnn") +
                           ". Choosing one also picks DigitLab's settings for it; the new net starts from random "
                           "weights after Apply and reset.";
  item_tooltip(help.c_str());
  if (label_w > 0) ImGui::SameLine(label_w);
  ImGui::SetNextItemWidth(std::max(ImGui::GetFontSize() * 6, ImGui::GetContentRegionAvail().x * 0.5f));
  if (ImGui::BeginCombo("##net", preset ? preset->c_str() : "custom")) {
    for (const std::string& name : preset_names()) {
      const bool chosen = ImGui::Selectable(name.c_str(), preset == name);
      note_clickable(app, ("net_" + name).c_str());
      if (chosen) {
        const TrainerConfig config = training_config(preset_architecture(name), app.data.dataset);
        set_architecture_text(s, config.arch);
        const int epochs = s.hyper.epochs;
        s.hyper = config.hyper;
        s.hyper.epochs = epochs;
        app.trainer->set_hyperparameters(s.hyper);
      }
    }
    ImGui::EndCombo();
  }
  note_clickable(app, "net");
  item_tooltip(help.c_str());
  ImGui::TextWrapped("%s parameters: %s", number_or_dash(s.arch_error.empty(), "%.0f", double(param_count(s.arch))).c_str(),
                     preset_blurb(preset ? *preset : ""));

  const bool pending = s.arch_error.empty() && (s.arch != app.progress->arch || s.seed != app.applied_seed);
  if (!pending) return;
  ImGui::TextColored({1, 0.75f, 0.3f, 1}, "Needs a reset: the weights start over.");
  if (clickable(app, "apply_net", "Apply and reset")) {
    try {
      app.trainer->set_architecture(s.arch, s.seed);  // checks on this thread; applied later
      note_fresh_weights(app, "the change to a new net");
      app.applied_seed = s.seed;
    } catch (const std::exception& e) {
      app.log.add(e.what());
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Revert")) {
    set_architecture_text(s, app.progress->arch);
    s.seed = app.applied_seed;
  }
}

// Which of the finer settings mean something with the current choices.
bool setting_applies(const Hyperparameters& h, const std::string& name) {
  const OptimizerConfig& o = h.optimizer;
  if (name == "momentum") return o.kind == OptimizerKind::momentum;
  if (name == "beta1" || name == "beta2" || name == "eps") return o.kind == OptimizerKind::adam;
  if (name == "step_epochs" || name == "step_gamma") return o.schedule == Schedule::step;
  if (name == "min_lr_fraction") return o.schedule == Schedule::cosine;
  if (name.rfind("augment_", 0) == 0) return h.augment.enabled;
  return true;
}

bool is_basic(const std::string& name) {
  return name == "lr" || name == "epochs" || name == "batch_size" || name == "augment";
}

// A layer list of the spec format (docs/weights-format.md), parsed as it is
// typed so a mistake shows at once, and the seed.
void layers_and_seed(AppState& app) {
  TrainingSettings& s = app.settings;
  ImGui::TextUnformatted("layers");
  item_tooltip("The net as a list of layers, e.g. conv3x3x16,relu,maxpool2,dense64,relu,dense10. Applied with a reset.");
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
  if (ImGui::InputText("##layers", s.arch_text, sizeof s.arch_text)) {
    try {
      const Architecture typed = parse_architecture(s.arch_text);
      // A net of another kind gets the defaults of its kind, as a preset
      // does (a dense net trains without the cnn's non-digits); a net of the
      // same kind keeps what the user set.
      const ArchDefaults defaults = arch_defaults(typed, app.data.dataset);
      if (defaults != arch_defaults(s.arch, app.data.dataset)) {
        apply_arch_defaults(s.hyper, defaults);
        app.trainer->set_hyperparameters(s.hyper);
      }
      s.arch = typed;
      s.arch_error.clear();
    } catch (const Error& e) {
      s.arch_error = e.what();
    }
  }
  if (!s.arch_error.empty()) ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", s.arch_error.c_str());
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("seed");
  item_tooltip("Picks the random initial weights, the order of the data and the augmentation: the same seed gives the same run. Applied with a reset.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::InputScalar("##seed", ImGuiDataType_U64, &s.seed);
}

}  // namespace

void training_window(AppState& app) {
  if (begin_panel("Training", app.layout[Panel::training])) {
    run_controls(app);
    divergence_box(app);
    progress_lines(app);
    // Narrow panels put each control under its label.
    const float avail = ImGui::GetContentRegionAvail().x;
    const float label_w = avail > ImGui::GetFontSize() * 22 ? ImGui::GetFontSize() * 7.5f : 0.0f;
    section_title("The net");
    net_controls(app, label_w);
    section_title("Training settings (apply at the next batch)");
    Hyperparameters& hyper = app.settings.hyper;
    bool changed = false;
    for (const SettingInfo& info : training_settings())
      if (is_basic(info.name)) changed |= setting_control(app, info, hyper, label_w);
    ImGui::Spacing();
    ImGui::SetNextItemOpen(app.settings.advanced);
    app.settings.advanced = ImGui::CollapsingHeader("Advanced");
    note_clickable(app, "advanced");
    if (app.settings.advanced) {
      ImGui::TextWrapped("Finer settings, for when the basics are not enough. Hover a name for what it does; "
                         "greyed ones do not apply with the choices above.");
      for (const SettingInfo& info : training_settings()) {
        if (is_basic(info.name)) continue;
        ImGui::BeginDisabled(!setting_applies(hyper, info.name));
        changed |= setting_control(app, info, hyper, label_w);
        ImGui::EndDisabled();
      }
      layers_and_seed(app);
      ImGui::Checkbox("frame timings in the status line", &app.show_frame_timings);
      note_clickable(app, "frame_timings");
      item_tooltip("How long frames take (p50, p95) and how many are drawn a second: for finding what makes the "
                   "interface slow.");
    }
    if (changed) {
      try {
        app.trainer->set_hyperparameters(hyper);
      } catch (const std::exception& e) {
        app.log.add(e.what());
      }
    }
  }
  end_panel(app, Panel::training);
}

}  // namespace digitlab::gui
