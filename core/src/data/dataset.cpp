#include "digitlab/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#ifndef DIGITLAB_NO_ZLIB
#include <zlib.h>
#endif

#include "digitlab/util/files.h"
#include "util/rng.h"

namespace digitlab {

namespace {

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}
std::uint32_t read_le32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
         (std::uint32_t(p[3]) << 24);
}
void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// IDX header: 0x00 0x00 type=0x08 (unsigned byte) ndims, then ndims big-endian u32 sizes.
// Returns the dimension sizes after checking magic, rank and the exact byte count.
std::vector<std::uint32_t> parse_idx_header(const std::vector<std::uint8_t>& bytes,
                                            const std::string& name, int want_dims) {
  if (bytes.size() < 4) throw Error(name + ": too short to be an IDX file (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08)
    throw Error(name + ": bad IDX magic number (expected 00 00 08 xx for unsigned bytes)");
  const int dims = bytes[3];
  if (dims != want_dims)
    throw Error(name + ": expected " + std::to_string(want_dims) + " dimensions, file has " + std::to_string(dims));
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(dims);
  if (bytes.size() < header) throw Error(name + ": truncated IDX header");
  std::vector<std::uint32_t> shape(dims);
  std::uint64_t expected = 1;
  for (int d = 0; d < dims; ++d) {
    shape[d] = read_be32(bytes.data() + 4 + 4 * d);
    expected *= shape[d];
    if (expected > (std::uint64_t(1) << 34)) throw Error(name + ": IDX dimensions are implausibly large");
  }
  if (bytes.size() - header != expected)
    throw Error(name + ": header declares " + std::to_string(expected) + " data bytes but the file has " +
                std::to_string(bytes.size() - header) + (bytes.size() - header < expected ? " (truncated)" : " (trailing bytes)"));
  return shape;
}

// Bytes a (possibly partial) IDX file declares in its header, header
// included; 0 while the header is incomplete. Limits gzip inflation.
std::uint64_t idx_declared_size(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < 4) return 0;
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(bytes[3]);
  if (bytes.size() < header) return 0;
  std::uint64_t size = 1;
  for (std::size_t d = 0; d < bytes[3]; ++d) {
    size *= read_be32(bytes.data() + 4 + 4 * d);
    if (size > (std::uint64_t(1) << 34)) return std::uint64_t(1) << 34;
  }
  return header + size;
}

bool file_exists(const std::string& path) { return std::ifstream(path, std::ios::binary).good(); }

}  // namespace

std::vector<std::uint8_t> parse_idx_images(const std::vector<std::uint8_t>& bytes,
                                           const std::string& name, std::size_t* count) {
  const auto shape = parse_idx_header(bytes, name, 3);
  if (shape[1] != kImageSide || shape[2] != kImageSide)
    throw Error(name + ": images are " + std::to_string(shape[1]) + "x" + std::to_string(shape[2]) +
                ", expected 28x28");
  if (shape[0] == 0) throw Error(name + ": holds no images");
  *count = shape[0];
  return std::vector<std::uint8_t>(bytes.begin() + 16, bytes.end());
}

std::vector<std::uint8_t> parse_idx_labels(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  const auto shape = parse_idx_header(bytes, name, 1);
  std::vector<std::uint8_t> labels(bytes.begin() + 8, bytes.end());
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= kClasses)
      throw Error(name + ": label " + std::to_string(labels[i]) + " at index " + std::to_string(i) +
                  " is outside 0-9");
  if (labels.empty()) throw Error(name + ": holds no labels");
  return labels;
}

std::vector<std::uint8_t> read_file_maybe_gzip(const std::string& path) {
  std::vector<std::uint8_t> raw = read_file(path);
  if (raw.size() < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
#ifdef DIGITLAB_NO_ZLIB
  throw Error(path + ": gzip-compressed files are not supported in this build");
#else
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw Error(path + ": cannot start gzip decoder");
  std::vector<std::uint8_t> out;
  std::uint8_t chunk[1 << 16];
  z.next_in = raw.data();
  z.avail_in = static_cast<uInt>(raw.size());
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    z.next_out = chunk;
    z.avail_out = sizeof chunk;
    status = inflate(&z, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      inflateEnd(&z);
      throw Error(path + ": corrupt gzip data" + (z.avail_in == 0 ? " (truncated)" : ""));
    }
    out.insert(out.end(), chunk, chunk + (sizeof chunk - z.avail_out));
    // Never inflate more than the IDX header declares: a small .gz must not
    // expand to gigabytes before its size is checked.
    const std::uint64_t declared = idx_declared_size(out);
    if (declared > 0 && out.size() > declared) {
      inflateEnd(&z);
      throw Error(path + ": inflates to more than the " + std::to_string(declared) +
                  " bytes its IDX header declares");
    }
    if (status == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      throw Error(path + ": truncated gzip data");
    }
  }
  inflateEnd(&z);
  return out;
#endif
}

Dataset load_idx_split(const std::string& dir, const std::string& split) {
  std::string prefix;
  if (split == "train") prefix = "train";
  else if (split == "test") prefix = "t10k";
  else throw Error("unknown split '" + split + "' (expected train or test)");
  auto find = [&](const std::string& kind, const std::string& idx) {
    for (const std::string& stem : {prefix + "-" + kind + "-" + idx + "-ubyte", prefix + "-" + kind + "." + idx + "-ubyte"})
      for (const char* ext : {"", ".gz"})
        if (file_exists(dir + "/" + stem + ext)) return dir + "/" + stem + ext;
    throw Error(dir + ": no " + prefix + "-" + kind + "-" + idx + "-ubyte[.gz] file for split " + split);
  };
  const std::string images_path = find("images", "idx3");
  const std::string labels_path = find("labels", "idx1");
  Dataset data;
  std::size_t count = 0;
  data.images = parse_idx_images(read_file_maybe_gzip(images_path), images_path, &count);
  data.labels = parse_idx_labels(read_file_maybe_gzip(labels_path), labels_path);
  if (data.labels.size() != count)
    throw Error(labels_path + ": " + std::to_string(data.labels.size()) + " labels for " + std::to_string(count) +
                " images in " + images_path);
  return data;
}

void image_to_unit(const std::uint8_t* pixels, float* out) {
  for (int i = 0; i < kImagePixels; ++i) out[i] = pixels[i] * (1.0f / 255.0f);
}

std::vector<std::size_t> draw_sample_indices(std::uint64_t seed, std::size_t count, std::size_t split_size) {
  if (split_size == 0) throw Error("cannot draw samples from an empty split");
  std::vector<std::size_t> indices(count);
  for (std::size_t& index : indices) index = static_cast<std::size_t>(random_below(seed, split_size));
  return indices;
}

void image_to_bytes(const float* pixels, std::uint8_t* out) {
  for (int i = 0; i < kImagePixels; ++i)
    out[i] = static_cast<std::uint8_t>(std::lround(std::clamp(pixels[i], 0.0f, 1.0f) * 255.0f));
}

std::vector<std::uint8_t> encode_sample_block(const SampleBlock& block) {
  const std::size_t n = block.samples.size();
  if (block.samples.images.size() != n * kImagePixels) throw Error("sample block: images and labels disagree");
  std::vector<std::uint8_t> out;
  out.reserve(24 + n * (kImagePixels + 1));
  for (char c : {'D', 'L', 'S', 'B'}) out.push_back(static_cast<std::uint8_t>(c));
  put_le32(out, 1);
  put_le32(out, static_cast<std::uint32_t>(n));
  put_le32(out, kImageSide);
  put_le32(out, kImageSide);
  put_le32(out, block.first_index);
  out.insert(out.end(), block.samples.labels.begin(), block.samples.labels.end());
  out.insert(out.end(), block.samples.images.begin(), block.samples.images.end());
  return out;
}

SampleBlock decode_sample_block(const std::uint8_t* data, std::size_t size) {
  if (size < 24 || std::memcmp(data, "DLSB", 4) != 0) throw Error("sample block: bad magic or too short");
  if (read_le32(data + 4) != 1) throw Error("sample block: unknown version " + std::to_string(read_le32(data + 4)));
  const std::uint32_t n = read_le32(data + 8);
  if (read_le32(data + 12) != kImageSide || read_le32(data + 16) != kImageSide)
    throw Error("sample block: images are not 28x28");
  if (size != 24 + std::uint64_t(n) * (kImagePixels + 1))
    throw Error("sample block: size " + std::to_string(size) + " does not match " + std::to_string(n) + " samples");
  SampleBlock block;
  block.first_index = read_le32(data + 20);
  block.samples.labels.assign(data + 24, data + 24 + n);
  for (std::uint8_t label : block.samples.labels)
    if (label >= kClasses) throw Error("sample block: label outside 0-9");
  block.samples.images.assign(data + 24 + n, data + size);
  return block;
}

}  // namespace digitlab
