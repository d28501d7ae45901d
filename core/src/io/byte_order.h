// The binary weights format's bytes: little-endian integers and floats, and
// its CRC-32. Written here: the web build has no zlib to take crc32 from.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace digitlab::weights_format {

inline void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline std::uint32_t read_le32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
         (std::uint32_t(p[3]) << 24);
}
// The i-th of a run of little-endian floats (unaligned).
inline float le_float(const std::uint8_t* p, std::size_t i) {
  const std::uint32_t bits = read_le32(p + 4 * i);
  float x;
  std::memcpy(&x, &bits, 4);
  return x;
}

inline std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace digitlab::weights_format
