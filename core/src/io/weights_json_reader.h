// The weights JSON format read as a stream of SAX events (nlohmann's SAX
// interface), within limits a hostile file cannot get past: outside the
// parameter arrays it builds a small document of bounded size and depth;
// the numbers of the parameter arrays never become JSON values and go
// straight into the net's float buffer.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "weights_header.h"

namespace digitlab::weights_format {

// Limits of the streaming JSON reader outside the parameter arrays: they bound
// what a hostile file can make the parser hold (kMaxJsonDepth is public).
constexpr std::size_t kMaxListItems = 1024;     // items of one array
constexpr std::size_t kMaxHeaderValues = 4096;  // values in all

// Where the numbers of one parameter array go: `capacity` floats at `data`,
// or nowhere (data null) while the architecture is not known yet.
struct ParamTarget {
  float* data = nullptr;
  std::size_t capacity = 0;
};

// One layers[l].weights or layers[l].bias array as it was read.
struct ParamArray {
  int layer;
  bool bias;
  std::size_t count;
};

// Reads a weights JSON text as a stream of SAX events (nlohmann's SAX
// interface). Everything outside the parameter arrays builds a small document
// (`doc`), held within the limits above; the numbers of layers[l].weights and
// layers[l].bias never become JSON values: they go straight to the float
// buffer `target(layer, bias)` names, or are only counted and checked.
class WeightsJsonReader final : public nlohmann::json_sax<Json> {
 public:
  // Called when the top-level parameter array starts, with the document read
  // so far; answers where each parameter array goes.
  using Targets = std::function<std::function<ParamTarget(int layer, bool bias)>(const Json& doc_so_far)>;

  explicit WeightsJsonReader(Targets targets) : targets_(std::move(targets)) {}

  Json doc;
  std::vector<ParamArray> arrays;

  bool null() override { return scalar(Json(nullptr)); }
  bool boolean(bool v) override { return scalar(Json(v)); }
  bool number_integer(number_integer_t v) override { return param_mode_ ? param(static_cast<float>(v)) : scalar(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override {
    return param_mode_ ? param(static_cast<float>(v)) : scalar(Json(v));
  }
  bool number_float(number_float_t v, const string_t&) override { return param_mode_ ? param(v) : scalar(Json(v)); }
  bool string(string_t& v) override {
    check_string(v);
    return scalar(Json(std::move(v)));
  }
  bool binary(binary_t&) override { throw Error("weights: not valid JSON (binary value)"); }
  bool key(string_t& v) override {
    check_string(v);
    key_ = std::move(v);
    return true;
  }
  bool start_object(std::size_t) override { return open(Json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override {
    if (param_mode_) not_a_number();
    if (in_layers() && depth_ == layers_depth_ + 1 && stack_.back()->is_object() &&
        (key_ == "weights" || key_ == "bias")) {
      param_mode_ = true;
      const bool bias = key_ == "bias";
      for (const ParamArray& a : arrays)
        if (a.layer == layer_ && a.bias == bias) throw Error("weights: layer " + std::to_string(layer_) + " has two '" + key_ + "' arrays");
      arrays.push_back({layer_, bias, 0});
      target_ = place_ ? place_(layer_, bias) : ParamTarget{};
      return true;
    }
    // The parameters: "parameters" in version 2, "layers" in version 1.
    const bool starts_layers =
        depth_ == 1 && stack_.back()->is_object() && (key_ == "parameters" || key_ == "layers") && targets_;
    if (!open(Json::array())) return false;
    if (starts_layers) {
      layers_depth_ = depth_;
      place_ = targets_(doc);
    }
    return true;
  }
  bool end_array() override {
    if (!param_mode_) return close();
    param_mode_ = false;
    const ParamArray& a = arrays.back();
    if (target_.data && a.count != target_.capacity) wrong_count(a.count);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    // The message quotes the offending token: keep it short.
    std::string what = e.what();
    if (what.size() > 200) what = what.substr(0, 200) + "...";
    throw Error("weights: not valid JSON (" + what + ")");
  }

 private:
  bool in_layers() const { return layers_depth_ > 0 && depth_ >= layers_depth_; }

  bool param(float v) {
    ParamArray& a = arrays.back();
    if (target_.data) {
      if (a.count == target_.capacity) wrong_count(a.count + 1);
      target_.data[a.count] = v;
    }
    ++a.count;
    return true;
  }
  [[noreturn]] void not_a_number() const {
    const ParamArray& a = arrays.back();
    throw Error("weights: layer " + std::to_string(a.layer) + (a.bias ? " bias[" : " weights[") +
                std::to_string(a.count) + "] is not a number (NaN or Inf?)");
  }
  [[noreturn]] void wrong_count(std::size_t count) const {
    const ParamArray& a = arrays.back();
    throw Error("weights: layer " + std::to_string(a.layer) + (a.bias ? " bias" : " weights") + " must hold " +
                std::to_string(target_.capacity) + " numbers, has " + (count > target_.capacity ? "more" : std::to_string(count)));
  }
  void check_string(const string_t& v) const {
    if (v.size() > kMaxStringBytes)
      throw Error("weights: a JSON string longer than " + std::to_string(kMaxStringBytes) + " bytes");
  }
  void count_value() {
    if (++values_ > kMaxHeaderValues)
      throw Error("weights: more than " + std::to_string(kMaxHeaderValues) + " JSON values outside the parameters");
    if (!stack_.empty() && stack_.back()->is_array() && stack_.back()->size() >= kMaxListItems)
      throw Error("weights: a JSON array outside the parameters holds more than " + std::to_string(kMaxListItems) +
                  " items");
  }
  // Adds a value to the open container (or makes it the document); returns it.
  Json* add(Json&& v) {
    count_value();
    if (stack_.empty()) {
      doc = std::move(v);
      return &doc;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    Json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }
  bool scalar(Json&& v) {
    if (param_mode_) not_a_number();
    add(std::move(v));
    return true;
  }
  bool open(Json&& container) {
    if (param_mode_) not_a_number();
    if (++depth_ > kMaxJsonDepth)
      throw Error("weights: JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    if (in_layers() && depth_ == layers_depth_ + 1) ++layer_;  // a layer object (or whatever stands there)
    stack_.push_back(add(std::move(container)));
    return true;
  }
  bool close() {
    if (depth_ == layers_depth_) layers_depth_ = -1;  // the layers array ends
    stack_.pop_back();
    --depth_;
    return true;
  }

  Targets targets_;
  std::function<ParamTarget(int, bool)> place_;
  std::vector<Json*> stack_;  // open containers of doc
  std::string key_;           // the last key read
  int depth_ = 0;
  int layers_depth_ = -1;  // depth of the top-level layers array while it is open
  int layer_ = -1;         // index of the layer object being read
  std::size_t values_ = 0;
  bool param_mode_ = false;
  ParamTarget target_;
};

// Parses `data` with `reader`: malformed JSON and the reader's limits throw Error.
void read_json(const char* data, std::size_t size, WeightsJsonReader& reader);
// The document of a text that holds no parameters (a binary file's header).
Json parse_header_json(const char* data, std::size_t size);
// A model's parameter buffer, allocated only when the text can hold that many
// numbers (at least "0," each): a small body naming a huge net allocates nothing.
void allocate_params(Model& model, std::size_t text_size);
// Where the weights or bias of parameter entry `entry` of `model` go.
ParamTarget entry_target(Model& model, int entry, bool bias);

}  // namespace digitlab::weights_format
