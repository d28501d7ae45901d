// Writes the fuzzers' starting corpora: small valid inputs that the mutations
// start from (weights in both formats, IDX images and labels).
#include <digitlab/mlp.h>
#include <digitlab/weights_io.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

void write(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> idx_header(std::uint8_t dims, const std::vector<std::uint32_t>& shape) {
  std::vector<std::uint8_t> out = {0, 0, 0x08, dims};
  for (std::uint32_t d : shape)
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(d >> shift));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const std::string weights_dir = argv[1], idx_dir = argv[2];

  digitlab::ModelFile model;
  model.net = digitlab::make_mlp({2}, 1);
  model.meta.dataset = "mnist";
  const std::string json = digitlab::weights_to_json(model);
  write(weights_dir + "/small.json", std::vector<std::uint8_t>(json.begin(), json.end()));
  write(weights_dir + "/small.bin", digitlab::weights_to_binary(model));
  // Deep nesting where a scalar belongs: the shape of the old stack overflow.
  const std::string deep = "{\"format\":\"digitlab-weights\",\"version\":" + std::string(60000, '[') +
                           std::string(60000, ']') + "}";
  write(weights_dir + "/deep.json", std::vector<std::uint8_t>(deep.begin(), deep.end()));

  std::vector<std::uint8_t> images = idx_header(3, {2, 28, 28});
  for (int i = 0; i < 2 * 784; ++i) images.push_back(static_cast<std::uint8_t>(i * 7));
  write(idx_dir + "/images.idx3", images);
  std::vector<std::uint8_t> labels = idx_header(1, {3});
  labels.insert(labels.end(), {7, 2, 1});
  write(idx_dir + "/labels.idx1", labels);
  return 0;
}
