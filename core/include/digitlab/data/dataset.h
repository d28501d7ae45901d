// Labelled 28x28 image sets: IDX files (MNIST, Fashion-MNIST, any IDX set of
// 28x28 images with labels 0-9, gzip-compressed or not) and the compact binary
// sample block the server sends and the browser's training cache consumes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "digitlab/util/common.h"

namespace digitlab {

struct Dataset {
  std::vector<std::uint8_t> images;  // [n, 784] pixel bytes, 0 = background
  std::vector<std::uint8_t> labels;  // [n] in 0-9
  std::size_t size() const { return labels.size(); }
  const std::uint8_t* image(std::size_t i) const { return images.data() + i * kImagePixels; }
};

// Parse IDX bytes. `name` only labels error messages. Checks magic number,
// dimensions (28x28 images, 1-d labels), declared vs actual size and the
// label range; throws Error naming the file and the problem.
std::vector<std::uint8_t> parse_idx_images(const std::vector<std::uint8_t>& bytes,
                                           const std::string& name, std::size_t* count);
std::vector<std::uint8_t> parse_idx_labels(const std::vector<std::uint8_t>& bytes,
                                           const std::string& name);

// Reads a file, inflating it when it is gzip-compressed (by its magic bytes,
// whatever its name), never past the size its IDX header declares. Throws
// Error naming the file.
std::vector<std::uint8_t> read_file_maybe_gzip(const std::string& path);

// Loads split "train" or "test" from dir, finding
// {train,t10k}-{images-idx3,labels-idx1}-ubyte with or without ".gz" (and the
// "-images.idx3-ubyte" spelling). Throws Error; never returns a partial set.
Dataset load_idx_split(const std::string& dir, const std::string& split);

// Pixel bytes of one image scaled to [0, 1]. out: [784].
void image_to_unit(const std::uint8_t* pixels, float* out);
// The other way: pixels [784] in [0, 1] (clamped) to bytes, rounded. out: [784].
void image_to_bytes(const float* pixels, std::uint8_t* out);

// --- Seeded draws ----------------------------------------------------------
// `count` sample indices in [0, split_size), drawn with replacement by
// SplitMix64 from `seed`: a seed names the same draw on every build and
// platform (the server's random sample blocks, docs/api.md). split_size > 0.
std::vector<std::size_t> draw_sample_indices(std::uint64_t seed, std::size_t count, std::size_t split_size);

// --- Sample blocks ---------------------------------------------------------
// Binary layout (little-endian), docs/api.md "Sample block":
//   "DLSB" magic | u32 version=1 | u32 count | u32 rows=28 | u32 cols=28 |
//   u32 first_index | labels u8[count] | pixels u8[count*784]
// first_index is the offset of the first sample, or 0xFFFFFFFF for a random draw.
struct SampleBlock {
  std::uint32_t first_index = 0;
  Dataset samples;
};
constexpr std::uint32_t kRandomBlock = 0xFFFFFFFFu;
std::vector<std::uint8_t> encode_sample_block(const SampleBlock& block);
SampleBlock decode_sample_block(const std::uint8_t* data, std::size_t size);  // throws Error

}  // namespace digitlab
