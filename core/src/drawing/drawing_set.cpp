#include "digitlab/drawing/drawing_set.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "digitlab/util/files.h"
#include "digitlab/util/json_integer.h"

namespace digitlab {

namespace {

constexpr std::size_t kMaxStyleLength = 64;

Stroke parse_stroke(const nlohmann::json& points) {
  if (!points.is_array() || points.empty()) throw Error("a stroke must be a non-empty list of points");
  if (points.size() > kMaxPointsPerStroke) throw Error("a stroke has more than " + std::to_string(kMaxPointsPerStroke) + " points");
  Stroke stroke;
  stroke.points.reserve(points.size());
  for (const auto& p : points) {
    // [x, y] or [x, y, t_ms]
    if (!p.is_array() || p.size() < 2 || p.size() > 3 || !p[0].is_number() || !p[1].is_number())
      throw Error("a point must be [x, y] or [x, y, t]");
    const float x = p[0].get<float>(), y = p[1].get<float>();
    if (!std::isfinite(x) || !std::isfinite(y)) throw Error("a point is not finite");
    stroke.points.push_back({x, y});
  }
  return stroke;
}

DrawnSample parse_drawing(const nlohmann::json& d) {
  if (!d.is_object()) throw Error("a drawing must be an object");
  DrawnSample sample;
  const auto& label = d.at("label");
  if (label.is_null()) sample.label = kNotADigit;
  else sample.label = static_cast<int>(json_integer(label, "label (or null)", 0, kClasses - 1));
  sample.style = d.at("style").get<std::string>();
  if (sample.style.empty() || sample.style.size() > kMaxStyleLength) throw Error("style must be 1-64 characters");
  const auto& strokes = d.at("strokes");
  if (!strokes.is_array()) throw Error("strokes must be a list");
  if (strokes.size() > kMaxStrokes) throw Error("more than " + std::to_string(kMaxStrokes) + " strokes");
  for (const auto& s : strokes) sample.strokes.push_back(parse_stroke(s));
  return sample;
}

}  // namespace

std::vector<DrawnSample> parse_drawing_set(const std::string& json_text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("drawing set: not JSON: ") + e.what());
  }
  if (!doc.is_object() || doc.value("format", "") != "digitlab-drawings" || !doc.contains("version") ||
      !doc.at("version").is_number_integer() || doc.at("version") != 1)
    throw Error("drawing set: not a digitlab-drawings file of version 1");
  const auto drawings = doc.find("drawings");
  if (drawings == doc.end() || !drawings->is_array()) throw Error("drawing set: no list of drawings");
  std::vector<DrawnSample> set;
  set.reserve(drawings->size());
  for (std::size_t i = 0; i < drawings->size(); ++i) {
    try {
      set.push_back(parse_drawing((*drawings)[i]));
    } catch (const Error& e) {
      throw Error("drawing set: drawing " + std::to_string(i) + ": " + e.what());
    } catch (const nlohmann::json::exception& e) {
      throw Error("drawing set: drawing " + std::to_string(i) + ": " + e.what());
    }
  }
  return set;
}

std::vector<DrawnSample> load_drawing_set(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  const std::string text(bytes.begin(), bytes.end());
  try {
    return parse_drawing_set(text);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

DrawingSetScore score_drawings(const Model& model, const std::vector<DrawnSample>& set,
                               const std::function<NetInput(const DrawnSample&)>& input_of) {
  DrawingSetScore score;
  std::map<std::string, StyleScore> styles;
  for (const DrawnSample& sample : set) {
    const bool digit = sample.label != kNotADigit;
    StyleScore& style = styles[sample.style];
    style.style = sample.style;
    style.digits = digit;
    ++style.drawings;
    const Reading reading = read_input(model, input_of(sample));
    style.unreadable += reading.input != InputStatus::ready;
    style.answered += reading.answered();
    if (!digit) {
      ++score.non_digits;
      score.non_digits_answered += reading.answered();
      continue;
    }
    ++score.drawings;
    score.unreadable += reading.input != InputStatus::ready;
    score.answered += reading.answered();
    if (reading.guess == sample.label) ++style.read_right, ++score.read_right;
  }
  for (auto& [name, style] : styles) score.styles.push_back(style);
  return score;
}

}  // namespace digitlab
