// The weights JSON format: rendered a piece at a time, read as a stream.
#include <algorithm>
#include <cstdint>
#include <string>

#include "byte_order.h"
#include "digitlab/io/weights.h"
#include "digitlab/util/json_integer.h"
#include "weights_binary.h"
#include "weights_json_reader.h"

namespace digitlab {

using namespace weights_format;

namespace {
// Shortest text that reads back as the same float, as nlohmann's dump
// writes it ("0.05", "1e-08", "-0.0", "100.0": never integer-looking, so -0
// keeps its sign). Its Grisu2 code rather than std::to_chars, which
// Emscripten 3.1.6's libc++ lacks for floats.
void append_float(std::string& out, float x) {
  char buf[64];
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, x);
  out.append(static_cast<const char*>(buf), end);
}
}  // namespace

WeightsJsonRenderer::WeightsJsonRenderer(const ModelFile& f) : WeightsJsonRenderer(f, f.model.params.data(), nullptr) {
  check_model(f.model);
}

WeightsJsonRenderer WeightsJsonRenderer::from_binary(const std::uint8_t* data, std::size_t size) {
  const BinaryWeights b = read_binary(data, size);
  return WeightsJsonRenderer(b.header, nullptr, b.params);
}

// The header object is small: nlohmann renders it (strings escaped); the
// layers follow as segments, each a literal piece and a run of parameters.
WeightsJsonRenderer::WeightsJsonRenderer(const ModelFile& f, const float* floats, const std::uint8_t* little_endian)
    : floats_(floats), little_endian_(little_endian) {
  std::string text = header_to_json(f).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.pop_back();  // the closing brace: the parameters go last
  text += ",\"parameters\":[";
  const Model& model = f.model;
  const std::vector<int> layers = param_layers(model);
  for (std::size_t e = 0; e < layers.size(); ++e) {
    const LayerPlan& p = model.layers[layers[e]];
    std::string shape;
    for (std::size_t d : weights_shape(p)) shape += (shape.empty() ? "" : ",") + std::to_string(d);
    text += (e ? "]},{\"layer\":" : "{\"layer\":") + std::to_string(layers[e]) + ",\"weights_shape\":[" + shape +
            "],\"weights\":[";
    segments_.push_back({std::move(text), p.weights_offset, p.weights_count});
    segments_.push_back({"],\"bias\":[", p.bias_offset, p.bias_count});
    text.clear();
  }
  segments_.push_back({(layers.empty() ? "]}" : "]}]}"), 0, 0});
}

float WeightsJsonRenderer::param(std::size_t i) const { return floats_ ? floats_[i] : le_float(little_endian_, i); }

bool WeightsJsonRenderer::next(std::string& out, std::size_t max_bytes) {
  const std::size_t limit = out.size() + max_bytes;
  while (segment_ < segments_.size()) {
    const Segment& s = segments_[segment_];
    if (!text_written_) {
      out += s.text;
      text_written_ = true;
    }
    for (; done_in_segment_ < s.count; ++done_in_segment_) {
      if (out.size() >= limit) return true;
      if (done_in_segment_) out += ',';
      append_float(out, param(s.first + done_in_segment_));
    }
    ++segment_;
    done_in_segment_ = 0;
    text_written_ = false;
    if (out.size() >= limit) return segment_ < segments_.size();
  }
  return false;
}

std::string weights_to_json(const ModelFile& f) {
  WeightsJsonRenderer renderer(f);
  std::string out;
  out.reserve(f.model.params.size() * 11 + 1024);
  while (renderer.next(out, SIZE_MAX / 2)) {
  }
  return out;
}

ModelFile weights_from_json(const std::string& text_in) {
  // The parameters go straight into the model once its architecture is known.
  // A file that lists its parameters before its architecture (ours never do)
  // is read twice: first counting, then storing.
  ModelFile prepared;
  bool placed = false;
  const auto place_in = [&](const Json& doc_so_far) -> std::function<ParamTarget(int, bool)> {
    if (!doc_so_far.contains("architecture") || !doc_so_far.contains("version")) return nullptr;
    prepared.model = architecture_from_json(doc_so_far.at("architecture"), format_version(doc_so_far.at("version")));
    allocate_params(prepared.model, text_in.size());
    placed = true;
    return [&](int entry, bool bias) { return entry_target(prepared.model, entry, bias); };
  };
  WeightsJsonReader reader(place_in);
  read_json(text_in.data(), text_in.size(), reader);
  ModelFile f = header_from_json(reader.doc);
  const int version = format_version(reader.doc.at("version"));
  const std::vector<int> layers = param_layers(f.model);
  const char* list_name = version == 1 ? "layers" : "parameters";
  const Json& list = field(reader.doc, list_name, "the file");
  if (!list.is_array() || list.size() != layers.size())
    throw Error("weights: '" + std::string(list_name) + "' must hold " + std::to_string(layers.size()) +
                " layers with parameters");
  for (std::size_t e = 0; e < layers.size(); ++e) {
    const LayerPlan& p = f.model.layers[layers[e]];
    const std::string where = "layer " + std::to_string(e);
    if (version == 1) {
      const auto size = [&](const char* key) {
        return json_integer(field(list[e], key, where.c_str()), "weights: " + where + "." + key, 0, INT32_MAX);
      };
      if (size("in") != static_cast<std::int64_t>(p.in.size()) || size("out") != p.spec.size)
        throw Error("weights: " + where + " shape does not match architecture.sizes");
    } else {
      const std::string entry = "weights: parameters[" + std::to_string(e) + "]";
      if (json_integer(field(list[e], "layer", where.c_str()), entry + ".layer", 0, INT32_MAX) != layers[e])
        throw Error(entry + " must belong to layer " + std::to_string(layers[e]));
      const Json& shape = field(list[e], "weights_shape", where.c_str());
      const std::vector<std::size_t> expected = weights_shape(p);
      bool same = shape.is_array() && shape.size() == expected.size();
      for (std::size_t d = 0; same && d < expected.size(); ++d)
        same = json_integer(shape[d], entry + ".weights_shape[" + std::to_string(d) + "]", 0, INT32_MAX) ==
               static_cast<std::int64_t>(expected[d]);
      if (!same) throw Error("weights: parameters[" + std::to_string(e) + "].weights_shape does not match its layer");
    }
    for (const bool bias : {false, true}) {
      const auto a = std::find_if(reader.arrays.begin(), reader.arrays.end(),
                                  [&](const ParamArray& arr) { return arr.layer == static_cast<int>(e) && arr.bias == bias; });
      const std::size_t expected = bias ? p.bias_count : p.weights_count;
      if (a == reader.arrays.end() || a->count != expected)
        throw Error("weights: " + where + (bias ? " bias" : " weights") + " must hold " + std::to_string(expected) +
                    " numbers, has " + (a == reader.arrays.end() ? std::string("no array") : std::to_string(a->count)));
    }
  }
  if (!placed) {  // every count is right: read the numbers again, into the model
    prepared.model = f.model;
    allocate_params(prepared.model, text_in.size());
    WeightsJsonReader second([&](const Json&) -> std::function<ParamTarget(int, bool)> {
      return [&](int entry, bool bias) { return entry_target(prepared.model, entry, bias); };
    });
    read_json(text_in.data(), text_in.size(), second);
  }
  f.model.params = std::move(prepared.model.params);
  check_model(f.model);
  return f;
}

}  // namespace digitlab
