// The binary weights format (little-endian), docs/weights-format.md:
//   "DLWB" | u32 version | u32 header_len | header JSON (format, version,
//   architecture, training) | u32 param_count | f32 params[param_count] |
//   u32 CRC-32 of every byte before it
#pragma once
#include <cstddef>
#include <cstdint>

#include "digitlab/io/weights.h"

namespace digitlab::weights_format {

constexpr char kBinaryMagic[4] = {'D', 'L', 'W', 'B'};

// A binary file, checked whole (checksum, header, sizes, every parameter
// finite) but its parameters left where they are.
struct BinaryWeights {
  ModelFile header;             // params empty
  const std::uint8_t* params;  // param_count(header.model.arch) little-endian floats
};
BinaryWeights read_binary(const std::uint8_t* data, std::size_t size);

}  // namespace digitlab::weights_format
