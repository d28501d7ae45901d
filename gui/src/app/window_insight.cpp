// What the net has learned: the confusion matrix of the last evaluation, a
// gallery of test digits with live predictions, and the first layer's
// filters as tiles. Gallery and tiles are redrawn at most once a
// second: the weights change every batch, the eye does not need that.
#include <algorithm>
#include <cmath>

#include "app/data_feed.h"
#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {
namespace {

constexpr std::uint64_t kRedrawTicks = 5;  // live ticks: once a second
constexpr int kTileGap = 1;

void render_gallery(AppState& app, const Dataset& test) {
  InsightView& v = app.insight;
  constexpr int cols = InsightView::kGalleryColumns, rows = InsightView::kGalleryRows;
  const int w = cols * kImageSide, h = rows * kImageSide;
  std::vector<std::uint32_t> rgba(static_cast<std::size_t>(w) * h, IM_COL32(0, 0, 0, 255));
  const int count = std::min(cols * rows, static_cast<int>(test.size()));
  std::vector<float> units(static_cast<std::size_t>(count) * kImagePixels), probs(count * kClasses);
  for (int i = 0; i < count; ++i) image_to_unit(test.image(i), units.data() + i * kImagePixels);
  predict_batch(app.snapshot->file.model, units.data(), count, probs.data());
  for (int i = 0; i < count; ++i) {
    v.gallery_predicted[i] = argmax10(probs.data() + i * kClasses);
    const int ox = (i % cols) * kImageSide, oy = (i / cols) * kImageSide;
    for (int y = 0; y < kImageSide; ++y)
      for (int x = 0; x < kImageSide; ++x) {
        const std::uint32_t g = test.image(i)[y * kImageSide + x];
        rgba[static_cast<std::size_t>(oy + y) * w + ox + x] = IM_COL32(g, g, g, 255);
      }
  }
  v.gallery.set_rgba(rgba, w, h);
}

// The first layer's filters as tiles: a dense layer's unit j reads the 784
// pixels through w[i][j] (a 28x28 tile); a conv filter is K x K over its
// input channels (the image's one channel for a first conv layer). Red for
// positive, blue for negative, each tile scaled by its largest weight.
void render_weight_tiles(AppState& app) {
  InsightView& v = app.insight;
  const Model& model = app.snapshot->file.model;
  const LayerPlan& first = model.layers.front();
  const bool conv = first.spec.kind == LayerKind::conv;
  const int units = first.spec.size;
  const int tile = conv ? first.spec.kernel : kImageSide;
  // weight(j, i): input i (of tile*tile) of unit j.
  const float* w = model.params.data() + first.weights_offset;
  const auto weight = [&](int j, int i) { return conv ? w[j * tile * tile + i] : w[i * units + j]; };
  v.tiles = std::min(units, InsightView::kMaxTiles);
  v.tile_side = tile;
  const int per_row = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(v.tiles))));
  const int cell = tile + kTileGap;
  const int side = std::max(1, per_row * cell);
  std::vector<std::uint32_t> rgba(static_cast<std::size_t>(side) * side, IM_COL32(30, 30, 36, 255));
  for (int j = 0; j < v.tiles; ++j) {
    float scale = 1e-8f;
    for (int i = 0; i < tile * tile; ++i) scale = std::max(scale, std::abs(weight(j, i)));
    const int ox = (j % per_row) * cell, oy = (j / per_row) * cell;
    for (int i = 0; i < tile * tile; ++i) {
      const float value = weight(j, i) / scale;
      const auto level = static_cast<std::uint32_t>(std::min(1.0f, std::abs(value)) * 255);
      const std::uint32_t color = value >= 0 ? IM_COL32(level, level / 4, 0, 255) : IM_COL32(0, level / 2, level, 255);
      rgba[static_cast<std::size_t>(oy + i / tile) * side + ox + i % tile] = color;
    }
  }
  v.weights.set_rgba(rgba, side, side);
}

void refresh_images(AppState& app) {
  InsightView& v = app.insight;
  const bool due = app.live_tick && (app.live_ticks % kRedrawTicks == 0 || v.rendered_model == ~0ull);
  // The gallery's digits arrive after the first weights: draw again then.
  const Dataset* digits = gallery_digits(app);
  const std::size_t gallery_size = digits ? digits->size() : 0;
  if (gallery_size != v.rendered_gallery) v.rendered_model = ~0ull;
  v.rendered_gallery = gallery_size;
  if (!app.snapshot || app.snapshot->version == v.rendered_model || !due) return;
  v.rendered_model = app.snapshot->version;
  if (const Dataset* digits = gallery_digits(app)) render_gallery(app, *digits);
  const LayerKind first = app.snapshot->file.model.layers.front().spec.kind;
  v.tiles = 0;
  if (first == LayerKind::dense || (first == LayerKind::conv && app.snapshot->file.model.layers.front().in.channels == 1))
    render_weight_tiles(app);
}

void confusion_tab(AppState& app) {
  const auto& eval = app.progress->last_eval;
  if (!eval) {
    const RecordedMetrics& r = app.sync.recorded;
    if (r.test_accuracy >= 0)
      ImGui::TextWrapped("Test accuracy %.2f%% (loss %s), as recorded with %s. Press Evaluate to measure it here and "
                         "see which digits it confuses.",
                         100 * r.test_accuracy, number_or_dash(r.test_loss >= 0, "%.4f", r.test_loss).c_str(),
                         r.origin.c_str());
    else
      ImGui::TextWrapped("No evaluation yet: it runs after every epoch, or press Evaluate.");
    return;
  }
  ImGui::Text("Test accuracy %.2f%%, loss %.4f, %zu samples", eval->accuracy * 100, eval->loss, eval->count);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeight();
  // Room for the row labels and class accuracies beside, the column labels
  // and the colour scale below.
  const float cell = std::floor(std::min((avail.x - 7 * line) / kClasses, (avail.y - 3.5f * line) / kClasses));
  confusion_heat_map(eval->confusion, std::max(cell, 14.0f), app.fonts.small);
}

void gallery_tab(AppState& app) {
  InsightView& v = app.insight;
  const Dataset* digits = gallery_digits(app);
  if (v.gallery.empty() || !digits) {
    ImGui::TextDisabled("The gallery appears once the first test digits are here.");
    return;
  }
  constexpr int cols = InsightView::kGalleryColumns, rows = InsightView::kGalleryRows;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeight();
  const float cell = std::floor(std::min(avail.x / cols, (avail.y - line) / rows));
  const float image = cell - line * 0.9f;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const Dataset& test = *digits;
  int wrong = 0;
  for (int i = 0; i < cols * rows && i < static_cast<int>(test.size()); ++i) {
    const ImVec2 a{origin.x + (i % cols) * cell, origin.y + (i / cols) * cell};
    const float u0 = float(i % cols) / cols, v0 = float(i / cols) / rows;
    draw->AddImage(v.gallery.id(), a, {a.x + image, a.y + image}, {u0, v0}, {u0 + 1.0f / cols, v0 + 1.0f / rows});
    const bool ok = v.gallery_predicted[i] == test.labels[i];
    wrong += !ok;
    const ImU32 color = ok ? IM_COL32(120, 220, 120, 255) : IM_COL32(255, 80, 80, 255);
    if (!ok) draw->AddRect({a.x - 1, a.y - 1}, {a.x + image + 1, a.y + image + 1}, color, 0, 0, 2);
    const std::string label = std::to_string(v.gallery_predicted[i]) + (ok ? "" : " (" + std::to_string(test.labels[i]) + ")");
    draw->AddText({a.x, a.y + image}, color, label.c_str());
  }
  ImGui::Dummy({cols * cell, rows * cell});
  ImGui::Text("first %d test digits: %d wrong (red: prediction, true label in brackets)", cols * rows, wrong);
}

void weights_tab(AppState& app) {
  InsightView& v = app.insight;
  if (v.weights.empty() || v.tiles == 0) {
    ImGui::TextDisabled("The first layer is not a dense or conv layer on the image: nothing to show.");
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::floor(std::min(avail.x, avail.y - ImGui::GetTextLineHeightWithSpacing()));
  ImGui::Image(v.weights.id(), {side, side});
  const LayerPlan& first = app.snapshot->file.model.layers.front();
  if (first.spec.kind == LayerKind::conv)
    ImGui::Text("first layer: %d of %d filters, %dx%d (red +, blue -)", v.tiles, first.spec.size, v.tile_side, v.tile_side);
  else
    ImGui::Text("first layer: %d of %d units (red +, blue -)", v.tiles, first.spec.size);
}

}  // namespace

void insight_window(AppState& app) {
  if (begin_panel("Inside the net", app.layout[Panel::insight])) {
    refresh_images(app);
    if (ImGui::BeginTabBar("insight")) {
      const struct {
        const char* label;
        const char* short_label;  // when the panel is narrow (a phone)
        const char* name;         // for automation
        void (*show)(AppState&);
      } tabs[] = {{"Confusion matrix###confusion", "Confusion###confusion", "tab_confusion", confusion_tab},
                  {"Test gallery###gallery", "Gallery###gallery", "tab_gallery", gallery_tab},
                  {"First-layer weights###weights", "Weights###weights", "tab_weights", weights_tab}};
      const bool narrow = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 30;
      for (const auto& tab : tabs) {
        const bool open = ImGui::BeginTabItem(narrow ? tab.short_label : tab.label);
        note_clickable(app, tab.name);
        if (!open) continue;
        tab.show(app);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
  }
  end_panel(app, Panel::insight);
}

}  // namespace digitlab::gui
