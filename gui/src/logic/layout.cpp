#include "logic/layout.h"

#include <algorithm>
#include <cmath>

namespace digitlab::gui {

Layout compute_layout(float width, float height, float line_height) {
  width = std::max(width, 900.0f);
  height = std::max(height, 600.0f);
  Layout l;
  const float status_h = line_height + 10;
  const float body_h = height - status_h;
  // Column widths: the draw column needs room for the pad and the bars beside
  // it; the plot column takes what is left.
  const float col_a = std::floor(width * 0.33f);
  const float col_b = std::floor(width * 0.32f);
  const float col_c = width - col_a - col_b;
  const float draw_h = std::floor(body_h * 0.62f);
  l.draw = {0, 0, col_a, draw_h};
  l.samples = {0, draw_h, col_a, body_h - draw_h};
  const float training_h = std::floor(body_h * 0.62f);
  l.training = {col_a, 0, col_b, training_h};
  l.sync = {col_a, training_h, col_b, body_h - training_h};
  const float curves_h = std::floor(body_h * 0.42f);
  l.curves = {col_a + col_b, 0, col_c, curves_h};
  l.insight = {col_a + col_b, curves_h, col_c, body_h - curves_h};
  l.status = {0, body_h, width, status_h};
  return l;
}

bool overlaps(const Rect& a, const Rect& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

}  // namespace digitlab::gui
