// Weight files: a documented JSON format and a compact binary format
// (docs/weights-format.md). Loading validates everything and returns a new
// model, so a failed load leaves the caller's current model untouched.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "digitlab/nn/model.h"
#include "digitlab/nn/optimizer.h"

namespace digitlab {

// What the weights were trained with and how well they did.
struct TrainingMeta {
  std::string dataset;           // e.g. "mnist"; empty when untrained
  double epochs = 0;             // epochs trained (fractional)
  double test_accuracy = -1;     // < 0 when never evaluated
  double test_loss = -1;
  std::uint64_t samples_seen = 0;
  OptimizerConfig optimizer;
  int batch_size = 0;
  std::uint64_t seed = 0;
  std::string note;              // free text, e.g. "trained by digitlab-cli"
};

struct ModelFile {
  Model model;
  TrainingMeta meta;
};

constexpr const char* kWeightsFormatName = "digitlab-weights";
// Files are written as version 2 (any layer list); version 1 files (dense
// layers only, "sizes") still load.
constexpr int kWeightsFormatVersion = 2;

std::string weights_to_json(const ModelFile& file);
std::vector<std::uint8_t> weights_to_binary(const ModelFile& file);

// Renders the JSON format piece by piece, so a large model can go out to a
// socket or file without its whole text in memory (a 16M-parameter net is
// ~200 MB of JSON). Holds only a pointer to the parameters: the model (or the
// binary bytes) must outlive the renderer. weights_to_json collects it.
class WeightsJsonRenderer {
 public:
  // Checks the model as weights_to_json does (throws Error).
  explicit WeightsJsonRenderer(const ModelFile& file);
  // Binary weights rendered as JSON without a copy of their parameters;
  // validates them as weights_from_binary does (throws Error).
  static WeightsJsonRenderer from_binary(const std::uint8_t* data, std::size_t size);

  // Appends about `max_bytes` (at least one number) of the text to `out`;
  // false once everything has been appended.
  bool next(std::string& out, std::size_t max_bytes = 64u << 10);

 private:
  // The text is literal pieces and runs of parameters, in order.
  struct Segment {
    std::string text;              // written first
    std::size_t first = 0, count = 0;  // then params [first, first + count), comma-separated
  };
  WeightsJsonRenderer(const ModelFile& header, const float* floats, const std::uint8_t* little_endian);
  float param(std::size_t i) const;

  const float* floats_ = nullptr;              // parameters in memory, or
  const std::uint8_t* little_endian_ = nullptr;  // as stored in a binary file
  std::vector<Segment> segments_;
  std::size_t segment_ = 0, done_in_segment_ = 0;  // where next() goes on
  bool text_written_ = false;
};

// Throw Error with a clear message on: not JSON / bad magic, unknown format
// version, missing fields, wrong shapes or counts, NaN/Inf, truncation, bad
// checksum, trailing bytes, out-of-range metadata. JSON is read as a stream
// (nlohmann's SAX interface): nesting deeper than kMaxJsonDepth levels, long
// strings or long arrays outside the parameters are refused as they arrive,
// and the parameters go straight into the net's buffer, so parsing needs
// little more memory than the text plus the parameters.
constexpr int kMaxJsonDepth = 32;
ModelFile weights_from_json(const std::string& text);
ModelFile weights_from_binary(const std::uint8_t* data, std::size_t size);
// Picks the format by content (binary magic "DLWB" or JSON).
ModelFile weights_from_bytes(const std::uint8_t* data, std::size_t size);

// The bytes of a weight file by its name: binary for a ".bin" name, JSON
// otherwise (save_weights, and the browser's download, which has no path).
std::vector<std::uint8_t> weights_file_bytes(const std::string& file_name, const ModelFile& file);

// Whole files. save_weights picks the format as weights_file_bytes does,
// and writes through a temporary file + rename so a crash never leaves half a file.
void save_weights(const std::string& path, const ModelFile& file);
ModelFile load_weights(const std::string& path);

}  // namespace digitlab
