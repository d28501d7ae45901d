#include "weights_binary.h"

#include <cmath>
#include <cstring>
#include <string>

#include "byte_order.h"
#include "weights_json_reader.h"

namespace digitlab::weights_format {

BinaryWeights read_binary(const std::uint8_t* data, std::size_t size) {
  if (size < 16 || std::memcmp(data, kBinaryMagic, 4) != 0) throw Error("weights: not a DigitLab binary weights file");
  const std::uint32_t version = read_le32(data + 4);
  if (version < 1 || version > kWeightsFormatVersion)
    throw Error("weights: unsupported binary format version " + std::to_string(version));
  if (crc32(data, size - 4) != read_le32(data + size - 4))
    throw Error("weights: checksum mismatch (file truncated or corrupted)");
  const std::uint64_t header_len = read_le32(data + 8);
  if (12 + header_len + 4 + 4 > size) throw Error("weights: header length exceeds the file");
  const Json header = parse_header_json(reinterpret_cast<const char*>(data + 12), header_len);
  BinaryWeights b{header_from_json(header), nullptr};
  if (format_version(header.at("version")) != static_cast<int>(version))
    throw Error("weights: the header's format version differs from the file's (" + std::to_string(version) + ")");
  const std::uint8_t* p = data + 12 + header_len;
  const std::uint32_t count = read_le32(p);
  const std::size_t needed = param_count(b.header.model.arch);
  if (count != needed)
    throw Error("weights: " + std::to_string(count) + " parameters stored, architecture needs " + std::to_string(needed));
  if (12 + header_len + 4 + std::uint64_t(count) * 4 + 4 != size) throw Error("weights: file size does not match the parameter count");
  b.params = p + 4;
  for (std::uint32_t i = 0; i < count; ++i)
    if (!std::isfinite(le_float(b.params, i)))
      throw Error("weights: parameter " + std::to_string(i) + " is NaN or infinite");
  return b;
}

}  // namespace digitlab::weights_format

namespace digitlab {

using namespace weights_format;

std::vector<std::uint8_t> weights_to_binary(const ModelFile& f) {
  check_model(f.model);
  const std::string header = header_to_json(f).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::vector<std::uint8_t> out(kBinaryMagic, kBinaryMagic + 4);
  out.reserve(4 + 4 + 4 + header.size() + 4 + 4 * f.model.params.size() + 4);
  put_le32(out, kWeightsFormatVersion);
  put_le32(out, static_cast<std::uint32_t>(header.size()));
  out.insert(out.end(), header.begin(), header.end());
  put_le32(out, static_cast<std::uint32_t>(f.model.params.size()));
  for (float p : f.model.params) {
    std::uint32_t bits;
    std::memcpy(&bits, &p, 4);
    put_le32(out, bits);
  }
  put_le32(out, crc32(out.data(), out.size()));
  return out;
}

ModelFile weights_from_binary(const std::uint8_t* data, std::size_t size) {
  BinaryWeights b = read_binary(data, size);
  ModelFile f = std::move(b.header);
  f.model.params.resize(param_count(f.model.arch));
  for (std::size_t i = 0; i < f.model.params.size(); ++i) f.model.params[i] = le_float(b.params, i);
  check_model(f.model);
  return f;
}

}  // namespace digitlab
