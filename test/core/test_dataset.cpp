#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "test_support.h"

using namespace digitlab;

namespace {
void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}
std::vector<std::uint8_t> idx_header(std::uint8_t dims, std::vector<std::uint32_t> sizes) {
  std::vector<std::uint8_t> h = {0, 0, 8, dims};
  for (auto s : sizes) h.insert(h.end(), {std::uint8_t(s >> 24), std::uint8_t(s >> 16), std::uint8_t(s >> 8), std::uint8_t(s)});
  return h;
}
std::vector<std::uint8_t> images_file(std::uint32_t n, std::uint32_t rows = 28) {
  auto b = idx_header(3, {n, rows, 28});
  b.resize(b.size() + n * rows * 28, 17);
  return b;
}
std::vector<std::uint8_t> labels_file(std::vector<std::uint8_t> labels) {
  auto b = idx_header(1, {static_cast<std::uint32_t>(labels.size())});
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}
}  // namespace

TEST_CASE("MNIST from set-up loads with its real counts", "[dataset]") {
  const auto train = test::mnist("train");
  const auto test = test::mnist("test");
  CHECK(train->size() == 60000);
  CHECK(test->size() == 10000);
  CHECK(train->images.size() == 60000u * 784);
  CHECK(test->labels[0] == 7);  // the famous first test digit
}

TEST_CASE("Fashion-MNIST (gzip-compressed IDX from Debian) loads too", "[dataset]") {
#ifdef DIGITLAB_NO_ZLIB
  CHECK_THROWS_WITH(load_idx_split(test::kFashion, "test"), Catch::Contains("gzip"));
#else
  const Dataset test = load_idx_split(test::kFashion, "test");
  CHECK(test.size() == 10000);
  CHECK(test.images.size() == 10000u * 784);
#endif
}

TEST_CASE("IDX parser rejects corrupt input with the file and the problem named", "[dataset]") {
  std::size_t count = 0;
  CHECK_THROWS_WITH(parse_idx_images({1, 2}, "a.idx", &count), Catch::Contains("a.idx") && Catch::Contains("too short"));
  auto bad_magic = images_file(2);
  bad_magic[2] = 0x0D;  // float data
  CHECK_THROWS_WITH(parse_idx_images(bad_magic, "m.idx", &count), Catch::Contains("magic"));
  auto truncated = images_file(3);
  truncated.resize(truncated.size() - 5);
  CHECK_THROWS_WITH(parse_idx_images(truncated, "t.idx", &count), Catch::Contains("truncated"));
  auto trailing = images_file(3);
  trailing.push_back(0);
  CHECK_THROWS_WITH(parse_idx_images(trailing, "x.idx", &count), Catch::Contains("trailing"));
  CHECK_THROWS_WITH(parse_idx_images(images_file(2, 27), "s.idx", &count), Catch::Contains("27x28"));
  CHECK_THROWS_WITH(parse_idx_labels(images_file(1), "l.idx"), Catch::Contains("dimensions"));
  CHECK_THROWS_WITH(parse_idx_labels(labels_file({1, 2, 10}), "r.idx"), Catch::Contains("outside 0-9"));
  auto huge = idx_header(3, {0xFFFFFFFF, 0xFFFFFFFF, 28});
  CHECK_THROWS_AS(parse_idx_images(huge, "h.idx", &count), Error);
  CHECK(parse_idx_labels(labels_file({0, 9, 3}), "ok.idx") == std::vector<std::uint8_t>{0, 9, 3});
}

TEST_CASE("a split with mismatched or missing files fails whole", "[dataset]") {
  const std::string dir = test::temp_path("idx");
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  CHECK_THROWS_WITH(load_idx_split(dir, "train"), Catch::Contains("no train-images"));
  write_file(dir + "/t10k-images-idx3-ubyte", images_file(3));
  write_file(dir + "/t10k-labels-idx1-ubyte", labels_file({1, 2}));
  CHECK_THROWS_WITH(load_idx_split(dir, "test"), Catch::Contains("2 labels for 3 images"));
  write_file(dir + "/t10k-labels-idx1-ubyte", labels_file({1, 2, 3}));
  CHECK(load_idx_split(dir, "test").size() == 3);
  CHECK_THROWS_WITH(load_idx_split(dir, "validation"), Catch::Contains("unknown split"));
#ifndef DIGITLAB_NO_ZLIB
  // A truncated .gz is an error, not a short data set.
  std::remove((dir + "/t10k-labels-idx1-ubyte").c_str());
  REQUIRE(std::system(("gzip -c " + dir + "/t10k-images-idx3-ubyte | head -c 40 > " + dir + "/t10k-labels-idx1-ubyte.gz").c_str()) == 0);
  CHECK_THROWS_WITH(load_idx_split(dir, "test"), Catch::Contains("t10k-labels-idx1-ubyte.gz") && Catch::Contains("gzip"));
  // A header declaring 3 labels followed by 100 MB of zeros (100 KB compressed)
  // stops inflating past the declared size instead of filling memory.
  REQUIRE(std::system(("(printf '\\000\\000\\010\\001\\000\\000\\000\\003'; head -c 100000000 /dev/zero) | gzip -1 > " +
                       dir + "/t10k-labels-idx1-ubyte.gz").c_str()) == 0);
  CHECK_THROWS_WITH(read_file_maybe_gzip(dir + "/t10k-labels-idx1-ubyte.gz"),
                    Catch::Contains("inflates to more than the 11 bytes its IDX header declares"));
#endif
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("sample blocks round-trip and reject damage", "[dataset][block]") {
  SampleBlock block;
  block.first_index = 128;
  block.samples = test::head(*test::mnist("test"), 5);
  const auto bytes = encode_sample_block(block);
  CHECK(bytes.size() == 24 + 5 * 785);
  const SampleBlock back = decode_sample_block(bytes.data(), bytes.size());
  CHECK(back.first_index == 128);
  CHECK(back.samples.labels == block.samples.labels);
  CHECK(back.samples.images == block.samples.images);
  CHECK_THROWS_WITH(decode_sample_block(bytes.data(), bytes.size() - 1), Catch::Contains("does not match"));
  auto wrong = bytes;
  wrong[0] = 'X';
  CHECK_THROWS_WITH(decode_sample_block(wrong.data(), wrong.size()), Catch::Contains("magic"));
  wrong = bytes;
  wrong[24] = 12;  // first label
  CHECK_THROWS_WITH(decode_sample_block(wrong.data(), wrong.size()), Catch::Contains("label"));
}

TEST_CASE("a seeded draw is SplitMix64's, the same on every build") {
  // Values of the server's draw before it moved into core: a seed must keep
  // naming the same samples (clients cache blocks by seed).
  CHECK(draw_sample_indices(7, 6, 60000) == std::vector<std::size_t>{14487, 15804, 29346, 52203, 23674, 28305});
  CHECK(draw_sample_indices(0, 6, 10000) == std::vector<std::size_t>{7535, 5700, 5679, 2444, 4747, 2090});
  CHECK(draw_sample_indices(UINT64_MAX, 6, 3) == std::vector<std::size_t>{2, 0, 1, 0, 0, 1});
  CHECK(draw_sample_indices(7, 0, 10).empty());
  CHECK_THROWS_AS(draw_sample_indices(7, 4, 0), Error);
}
