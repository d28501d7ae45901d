#include "logic/weight_history.h"

#include <nlohmann/json.hpp>

#include <cstring>

#include "digitlab/util/json_integer.h"

namespace digitlab::gui {

void WeightHistory::push(WeightsBefore before) {
  entries_.push_back(std::move(before));
  trim();
}

std::optional<WeightsBefore> WeightHistory::pop() {
  if (entries_.empty()) return std::nullopt;
  WeightsBefore newest = std::move(entries_.back());
  entries_.pop_back();
  ++revision_;
  return newest;
}

void WeightHistory::add_older(std::vector<WeightsBefore> older) {
  for (auto it = older.rbegin(); it != older.rend(); ++it) entries_.push_front(std::move(*it));
  trim();
}

void WeightHistory::trim() {
  while (entries_.size() > kKept) entries_.pop_front();
  ++revision_;
}

void WeightHistory::pad_cleared() {
  for (WeightsBefore& e : entries_) e.pad_strokes = 0;
}

UndoTarget undo_target(std::size_t pad_strokes, const WeightHistory& history) {
  const WeightsBefore* newest = history.newest();
  if (newest && pad_strokes <= newest->pad_strokes) return UndoTarget::weights;
  return pad_strokes > 0 ? UndoTarget::stroke : UndoTarget::nothing;
}

namespace {

using nlohmann::json;
constexpr char kMagic[4] = {'D', 'L', 'U', '1'};
constexpr std::size_t kMaxHeader = 1u << 20;
constexpr std::size_t kMaxChange = 200;

void append(std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>& part) {
  out.insert(out.end(), part.begin(), part.end());
}

}  // namespace

std::vector<std::uint8_t> encode_weight_history(const WeightHistory& history) {
  json steps = json::array();
  std::vector<std::uint8_t> parts;
  for (const WeightsBefore& w : history.entries()) {
    const std::vector<std::uint8_t> weights = weights_to_binary(w.weights);
    const std::vector<std::uint8_t> personal = w.personal ? encode_personal_set(*w.personal) : std::vector<std::uint8_t>();
    steps.push_back({{"change", w.change.substr(0, kMaxChange)},
                     {"teaching", w.teaching},
                     {"test_accuracy", w.test_accuracy >= 0 ? json(w.test_accuracy) : json(nullptr)},
                     {"server", {{"model", w.server.model},
                                 {"version", w.server.version ? json(*w.server.version) : json(nullptr)},
                                 {"fingerprint", w.server.fingerprint}}},
                     {"weights_bytes", weights.size()},
                     {"personal_bytes", w.personal ? json(personal.size()) : json(nullptr)}});
    append(parts, weights);
    append(parts, personal);
  }
  const std::string text = json{{"format", "digitlab-weight-history"}, {"steps", steps}}.dump();
  std::vector<std::uint8_t> out(kMagic, kMagic + 4);
  const auto length = static_cast<std::uint32_t>(text.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  append(out, parts);
  return out;
}

std::vector<WeightsBefore> decode_weight_history(const std::uint8_t* data, std::size_t size) {
  if (size < 8 || std::memcmp(data, kMagic, 4) != 0) throw Error("weight history: not a DigitLab weight history");
  std::uint32_t length = 0;
  for (int i = 0; i < 4; ++i) length |= std::uint32_t(data[4 + i]) << (8 * i);
  if (length > kMaxHeader || length > size - 8) throw Error("weight history: truncated header");
  std::vector<WeightsBefore> out;
  std::size_t at = 8 + length;
  // A part of `bytes` bytes from where the last one ended, inside the data.
  const auto part = [&](std::uint64_t bytes) {
    if (bytes > size - at) throw Error("weight history: a step's parts run past the end");
    const std::uint8_t* p = data + at;
    at += bytes;
    return p;
  };
  try {
    const json h = json::parse(data + 8, data + 8 + length);
    if (h.at("format") != "digitlab-weight-history") throw Error("weight history: unknown format");
    const json& steps = h.at("steps");
    if (!steps.is_array() || steps.size() > WeightHistory::kKept) throw Error("weight history: more steps than are kept");
    for (const json& s : steps) {
      WeightsBefore w;
      w.change = s.at("change").get<std::string>();
      if (w.change.empty() || w.change.size() > kMaxChange) throw Error("weight history: a step without a fitting name");
      w.teaching = s.at("teaching").get<bool>();
      if (!s.at("test_accuracy").is_null()) {
        w.test_accuracy = s.at("test_accuracy").get<double>();
        if (!(w.test_accuracy >= 0 && w.test_accuracy <= 1)) throw Error("weight history: an accuracy outside 0-1");
      }
      const json& server = s.at("server");
      w.server.model = server.at("model").get<std::string>();
      if (!server.at("version").is_null()) w.server.version = json_unsigned(server.at("version"), "weight history: version");
      w.server.fingerprint = json_unsigned(server.at("fingerprint"), "weight history: fingerprint");
      const std::uint64_t weights_bytes = json_unsigned(s.at("weights_bytes"), "weight history: weights_bytes");
      const std::uint8_t* weights = part(weights_bytes);
      w.weights = weights_from_binary(weights, weights_bytes);
      if (!s.at("personal_bytes").is_null()) {
        const std::uint64_t personal_bytes = json_unsigned(s.at("personal_bytes"), "weight history: personal_bytes");
        const std::uint8_t* personal = part(personal_bytes);
        w.personal = std::make_shared<const std::vector<LabelledDrawing>>(
            decode_personal_set(std::vector<std::uint8_t>(personal, personal + personal_bytes)));
      }
      out.push_back(std::move(w));
    }
  } catch (const json::exception& e) {
    const std::string what = e.what();
    const auto end = what.find("] ");
    throw Error("weight history: the kept file is damaged (" + (end == std::string::npos ? what : what.substr(end + 2)) +
                ")");
  }
  if (at != size) throw Error("weight history: bytes left over after the last step");
  return out;
}

}  // namespace digitlab::gui
