// Live curves of the run: training loss, and training vs test accuracy.
// The trainer keeps its histories bounded (Trainer::kHistoryPoints), so the
// plots cost the same after an hour as after a minute.
#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {

void curves_window(AppState& app) {
  if (begin_panel("Learning curves", app.layout[Panel::curves])) {
    const TrainerProgress& p = *app.progress;
    PlotSeries loss{"training loss", IM_COL32(255, 150, 80, 255), {}, {}};
    PlotSeries train_acc{"train", IM_COL32(90, 160, 240, 255), {}, {}};
    PlotSeries test_acc{"test", IM_COL32(120, 230, 120, 255), {}, {}};
    for (const MetricPoint& m : p.history) {
      loss.x.push_back(m.epoch);
      loss.y.push_back(m.loss);
      train_acc.x.push_back(m.epoch);
      train_acc.y.push_back(m.accuracy * 100.0);
    }
    for (const EvalPoint& e : p.evals) {
      test_acc.x.push_back(e.epoch);
      test_acc.y.push_back(e.accuracy * 100.0);
    }
    if (p.history.empty() && p.evals.empty())
      ImGui::TextDisabled("The curves grow here once training starts.");
    // Side by side when there is room, else one above the other.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const bool stacked = avail.x < ImGui::GetFontSize() * 30 && avail.y > ImGui::GetFontSize() * 22;
    const ImVec2 spacing = ImGui::GetStyle().ItemSpacing;
    const ImVec2 size = stacked ? ImVec2{avail.x, std::max(ImGui::GetFontSize() * 12, (avail.y - spacing.y) / 2)}
                                : ImVec2{(avail.x - spacing.x) / 2, avail.y};
    const double span = std::max(1.0, static_cast<double>(p.total_epochs));
    line_plot({"Training loss", "epoch", "loss", false, 0, 1, span, 0.0}, {loss}, size);
    if (!stacked) ImGui::SameLine();
    // Accuracy on a fixed 0-100 scale would squash the interesting 90-100
    // range; fit the data instead. With no data yet, 0-100 (a fit of
    // nothing gave "%" over ticks 0.0-1.0).
    const bool no_accuracy = train_acc.y.empty() && test_acc.y.empty();
    line_plot({"Accuracy", "epoch", "%", no_accuracy, 0, 100, span, 0.0, 100.0}, {train_acc, test_acc}, size);
  }
  end_panel(app, Panel::curves);
}

}  // namespace digitlab::gui
