// A small seeded generator (SplitMix64). Written out rather than taken from
// <random> because std distributions differ between libstdc++ (native) and
// libc++ (Emscripten): the same seed must give the same weights and the same
// shuffles in both builds.
#pragma once
#include <cstdint>

namespace digitlab {

inline std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
// Uniform in [0, 1).
inline float random_unit(std::uint64_t& state) {
  return static_cast<float>(next_random(state) >> 40) * (1.0f / 16777216.0f);
}
// Uniform integer in [0, n).
inline std::uint64_t random_below(std::uint64_t& state, std::uint64_t n) {
  return next_random(state) % n;
}

}  // namespace digitlab
