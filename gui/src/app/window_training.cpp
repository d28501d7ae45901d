// Run controls, hyperparameters and progress. Optimizer settings, batch size
// and epochs go to the trainer as soon as they change and apply at its next
// batch; the architecture and the seed need fresh weights, so they wait for
// an explicit "Apply and reset".
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <optional>

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

void run_controls(AppState& app) {
  const TrainerProgress& p = *app.progress;
  Trainer& t = *app.trainer;
  const bool running = p.state == RunState::running, paused = p.state == RunState::paused;
  if (running || paused) {
    if (running ? ImGui::Button("Pause") : ImGui::Button("Resume")) running ? t.pause() : t.resume();
    ImGui::SameLine();
    if (ImGui::Button("Stop")) t.stop();
  } else if (clickable(app, "start", "Start training")) {
    t.start();
  }
  ImGui::SameLine();
  if (ImGui::Button("Reset weights")) t.reset();
  ImGui::SameLine();
  if (clickable(app, "evaluate", "Evaluate")) t.evaluate_now();
  ImGui::Text("%s, %s", to_string(p.state), app.threaded ? "on its own thread" : "in main-loop slices");
  if (p.starved) {
    ImGui::SameLine();
    ImGui::TextColored({1, 0.6f, 0.3f, 1}, "waiting for data");
  }
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
  ImGui::Text("%.0f samples/s   ETA %s   lr %.2g", p.samples_per_s, duration_text(p.eta_s).c_str(), p.lr);
  ImGui::Text("loss %.4f   train acc %.2f%%", p.loss, p.accuracy * 100);
  ImGui::SameLine();
  if (p.last_eval) ImGui::Text("  test acc %.2f%%", p.last_eval->accuracy * 100);
  else ImGui::TextDisabled("  test acc -");
}

// Returns true when a live setting changed.
bool hyperparameter_controls(TrainingSettings& s) {
  OptimizerConfig& o = s.hyper.optimizer;
  bool changed = false;
  const float width = ImGui::GetContentRegionAvail().x * 0.55f;
  ImGui::SetNextItemWidth(width);
  changed |= ImGui::SliderFloat("learning rate", &o.lr, 1e-5f, 1.0f, "%.5f", ImGuiSliderFlags_Logarithmic);
  ImGui::SetNextItemWidth(width);
  changed |= ImGui::SliderInt("batch size", &s.hyper.batch_size, 1, 1024, "%d", ImGuiSliderFlags_Logarithmic);
  ImGui::SetNextItemWidth(width);
  changed |= ImGui::SliderInt("epochs", &s.hyper.epochs, 1, 100);
  int kind = static_cast<int>(o.kind);
  ImGui::SetNextItemWidth(width);
  if (ImGui::Combo("optimizer", &kind, "SGD\0Momentum\0Adam\0")) {
    o.kind = static_cast<OptimizerKind>(kind);
    changed = true;
  }
  ImGui::BeginDisabled(o.kind != OptimizerKind::momentum);
  ImGui::SetNextItemWidth(width);
  changed |= ImGui::SliderFloat("momentum", &o.momentum, 0.0f, 0.999f, "%.3f");
  ImGui::EndDisabled();
  ImGui::SetNextItemWidth(width);
  changed |= ImGui::SliderFloat("weight decay", &o.weight_decay, 0.0f, 0.01f, "%.5f", ImGuiSliderFlags_Logarithmic);
  int schedule = static_cast<int>(o.schedule);
  ImGui::SetNextItemWidth(width);
  if (ImGui::Combo("lr schedule", &schedule, "constant\0step\0cosine\0")) {
    o.schedule = static_cast<Schedule>(schedule);
    changed = true;
  }
  return changed;
}

// A preset or any layer list (the spec string of docs/weights-format.md),
// parsed as it is typed so a mistake shows at once, applied with a reset.
void architecture_controls(AppState& app) {
  TrainingSettings& s = app.settings;
  const float width = ImGui::GetContentRegionAvail().x * 0.55f;
  const std::optional<std::string> preset = preset_of(s.arch);
  ImGui::SetNextItemWidth(width);
  if (ImGui::BeginCombo("net", preset ? preset->c_str() : "custom")) {
    for (const std::string& name : preset_names())
      if (ImGui::Selectable(name.c_str(), preset == name)) set_architecture_text(s, preset_architecture(name));
    ImGui::EndCombo();
  }
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
  if (ImGui::InputText("##layers", s.arch_text, sizeof s.arch_text)) {
    try {
      s.arch = parse_architecture(s.arch_text);
      s.arch_error.clear();
    } catch (const Error& e) {
      s.arch_error = e.what();
    }
  }
  if (!s.arch_error.empty()) ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", s.arch_error.c_str());
  else ImGui::TextDisabled("%zu parameters", param_count(s.arch));
  ImGui::SetNextItemWidth(width);
  ImGui::InputScalar("seed", ImGuiDataType_U64, &s.seed);
  const bool pending = s.arch_error.empty() && (s.arch != app.progress->arch || s.seed != app.applied_seed);
  if (!pending) return;
  ImGui::TextColored({1, 0.75f, 0.3f, 1}, "Needs a reset: the weights start over.");
  if (ImGui::Button("Apply and reset")) {
    try {
      app.trainer->set_architecture(s.arch, s.seed);
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

}  // namespace

void training_window(AppState& app) {
  if (begin_panel("Training", app.layout.training)) {
    run_controls(app);
    progress_lines(app);
    section_title("Hyperparameters (apply at the next batch)");
    if (hyperparameter_controls(app.settings)) {
      try {
        check_hyperparameters(app.settings.hyper);
        app.trainer->set_hyperparameters(app.settings.hyper);
      } catch (const std::exception& e) {
        app.log.add(e.what());
      }
    }
    section_title("Architecture (needs a reset)");
    architecture_controls(app);
  }
  ImGui::End();
}

}  // namespace digitlab::gui
