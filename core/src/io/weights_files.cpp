// Weights by content and by file name, and whole files.
#include <cstring>

#include "digitlab/io/weights.h"
#include "digitlab/util/files.h"
#include "weights_binary.h"

namespace digitlab {

ModelFile weights_from_bytes(const std::uint8_t* data, std::size_t size) {
  if (size >= 4 && std::memcmp(data, weights_format::kBinaryMagic, 4) == 0) return weights_from_binary(data, size);
  return weights_from_json(std::string(reinterpret_cast<const char*>(data), size));
}

std::vector<std::uint8_t> weights_file_bytes(const std::string& file_name, const ModelFile& f) {
  const bool binary = file_name.size() >= 4 && file_name.compare(file_name.size() - 4, 4, ".bin") == 0;
  if (binary) return weights_to_binary(f);
  const std::string json = weights_to_json(f);
  return {json.begin(), json.end()};
}

void save_weights(const std::string& path, const ModelFile& f) { write_file_atomically(path, weights_file_bytes(path, f)); }

ModelFile load_weights(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  try {
    return weights_from_bytes(bytes.data(), bytes.size());
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace digitlab
