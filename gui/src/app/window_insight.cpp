// What the net has learned: the confusion matrix of the last evaluation, a
// gallery of test digits with live predictions, and the first layer's
// weights as 28x28 tiles. Gallery and tiles are redrawn at most once a
// second: the weights change every batch, the eye does not need that.
#include <algorithm>
#include <cmath>

#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {
namespace {

constexpr std::uint64_t kRedrawTicks = 5;  // live ticks: once a second
constexpr int kTileGap = 1;

void render_gallery(AppState& app) {
  InsightView& v = app.insight;
  const Dataset& test = *app.data.test;
  constexpr int cols = InsightView::kGalleryColumns, rows = InsightView::kGalleryRows;
  const int w = cols * kImageSide, h = rows * kImageSide;
  std::vector<std::uint32_t> rgba(static_cast<std::size_t>(w) * h, IM_COL32(0, 0, 0, 255));
  Image28 unit;
  std::array<float, kClasses> probs;
  for (int i = 0; i < cols * rows && i < static_cast<int>(test.size()); ++i) {
    image_to_unit(test.image(i), unit.data());
    predict(app.snapshot->model.net, unit.data(), probs.data());
    v.gallery_predicted[i] = argmax10(probs.data());
    const int ox = (i % cols) * kImageSide, oy = (i / cols) * kImageSide;
    for (int y = 0; y < kImageSide; ++y)
      for (int x = 0; x < kImageSide; ++x) {
        const std::uint32_t g = test.image(i)[y * kImageSide + x];
        rgba[static_cast<std::size_t>(oy + y) * w + ox + x] = IM_COL32(g, g, g, 255);
      }
  }
  v.gallery.set_rgba(rgba, w, h);
}

// Unit j's incoming weights w[i][j], i over the 784 pixels, as a tile:
// red for positive, blue for negative, scaled by the tile's largest weight.
void render_weight_tiles(AppState& app) {
  InsightView& v = app.insight;
  const Mlp& net = app.snapshot->model.net;
  const ConstLinearView first = net.layer(0);
  v.tiles = std::min(first.out, InsightView::kMaxTiles);
  const int per_row = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(v.tiles))));
  const int cell = kImageSide + kTileGap;
  const int side = std::max(1, per_row * cell);
  std::vector<std::uint32_t> rgba(static_cast<std::size_t>(side) * side, IM_COL32(30, 30, 36, 255));
  for (int j = 0; j < v.tiles; ++j) {
    float scale = 1e-8f;
    for (int i = 0; i < kImagePixels; ++i) scale = std::max(scale, std::abs(first.w[i * first.out + j]));
    const int ox = (j % per_row) * cell, oy = (j / per_row) * cell;
    for (int i = 0; i < kImagePixels; ++i) {
      const float value = first.w[i * first.out + j] / scale;
      const auto level = static_cast<std::uint32_t>(std::min(1.0f, std::abs(value)) * 255);
      const std::uint32_t color = value >= 0 ? IM_COL32(level, level / 4, 0, 255) : IM_COL32(0, level / 2, level, 255);
      rgba[static_cast<std::size_t>(oy + i / kImageSide) * side + ox + i % kImageSide] = color;
    }
  }
  v.weights.set_rgba(rgba, side, side);
}

void refresh_images(AppState& app) {
  InsightView& v = app.insight;
  const bool due = app.live_tick && (app.live_ticks % kRedrawTicks == 0 || v.rendered_model == ~0ull);
  if (!app.snapshot || app.snapshot->version == v.rendered_model || !due) return;
  v.rendered_model = app.snapshot->version;
  if (app.data.test && app.data.test->size() > 0) render_gallery(app);
  if (app.snapshot->model.net.num_layers() > 0) render_weight_tiles(app);
}

void confusion_tab(AppState& app) {
  const auto& eval = app.progress->last_eval;
  if (!eval) {
    ImGui::TextDisabled("No evaluation yet: it runs after every epoch, or press Evaluate.");
    return;
  }
  ImGui::Text("Test accuracy %.2f%%, loss %.4f, %zu samples", eval->accuracy * 100, eval->loss, eval->count);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeight();
  const float cell = std::floor(std::min((avail.x - 7 * line) / kClasses, (avail.y - 2 * line) / kClasses));
  confusion_heat_map(eval->confusion, std::max(cell, 8.0f));
}

void gallery_tab(AppState& app) {
  InsightView& v = app.insight;
  if (v.gallery.empty() || !app.data.test || app.data.test->size() == 0) {
    ImGui::TextDisabled("The gallery appears once the test set is loaded.");
    return;
  }
  constexpr int cols = InsightView::kGalleryColumns, rows = InsightView::kGalleryRows;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeight();
  const float cell = std::floor(std::min(avail.x / cols, (avail.y - line) / rows));
  const float image = cell - line * 0.9f;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const Dataset& test = *app.data.test;
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
    ImGui::TextDisabled("No hidden layer: nothing to show.");
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::floor(std::min(avail.x, avail.y - ImGui::GetTextLineHeightWithSpacing()));
  ImGui::Image(v.weights.id(), {side, side});
  ImGui::Text("first layer: %d of %d units (red +, blue -)", v.tiles, app.snapshot->model.net.layer(0).out);
}

}  // namespace

void insight_window(AppState& app) {
  if (begin_panel("Inside the net", app.layout.insight)) {
    refresh_images(app);
    if (ImGui::BeginTabBar("insight")) {
      const struct {
        const char* label;
        const char* name;  // for automation
        void (*show)(AppState&);
      } tabs[] = {{"Confusion matrix", "tab_confusion", confusion_tab},
                  {"Test gallery", "tab_gallery", gallery_tab},
                  {"First-layer weights", "tab_weights", weights_tab}};
      for (const auto& tab : tabs) {
        const bool open = ImGui::BeginTabItem(tab.label);
        note_clickable(app, tab.name);
        if (!open) continue;
        tab.show(app);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
  }
  ImGui::End();
}

}  // namespace digitlab::gui
