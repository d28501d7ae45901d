// Writes the fuzzers' starting corpora: small valid inputs that the mutations
// start from (weights in both formats, IDX images and labels, store rows).
#include <digitlab/nn/model.h>
#include <digitlab/io/weights.h>

#include <digitlab/store/metrics.h>

#include <chrono>
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
  if (argc != 4) return 2;
  const std::string weights_dir = argv[1], idx_dir = argv[2], store_dir = argv[3];

  // Version 2: a small conv net (every layer kind) and a dense one.
  for (const char* spec : {"conv3x3x2,relu,maxpool2,conv3x3x2:valid,flatten,dense3,relu,dense10", "dense2,relu,dense10"}) {
    digitlab::ModelFile model;
    model.model = digitlab::make_model(digitlab::parse_architecture(spec), 1);
    model.meta.dataset = "mnist";
    const std::string name = weights_dir + (spec[0] == 'c' ? "/conv" : "/dense");
    const std::string json = digitlab::weights_to_json(model);
    write(name + ".json", std::vector<std::uint8_t>(json.begin(), json.end()));
    write(name + ".bin", digitlab::weights_to_binary(model));
  }
  // Version 1, as DigitLab wrote it before layer lists: 784-1-10, all weights 0.5.
  std::string v1 = R"({"format":"digitlab-weights","version":1,"architecture":{"sizes":[784,1,10],)"
                   R"("activation":"relu","output":"log_softmax","weight_layout":"in_out","input_mean":0,)"
                   R"("input_std":1},"layers":[{"in":784,"out":1,"weights":[)";
  for (int i = 0; i < 784; ++i) v1 += i ? ",0.5" : "0.5";
  v1 += R"(],"bias":[0]},{"in":1,"out":10,"weights":[1,2,3,4,5,6,7,8,9,10],"bias":[0,0,0,0,0,0,0,0,0,0]}]})";
  write(weights_dir + "/v1.json", std::vector<std::uint8_t>(v1.begin(), v1.end()));
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

  // Store rows as fuzz_store_copy reads them: a good version 1, then a
  // version 2 whose metrics the check refuses.
  digitlab::ModelFile small;
  small.model = digitlab::make_model(digitlab::parse_architecture("dense2,relu,dense10"), 2);
  const std::vector<std::uint8_t> body = digitlab::weights_to_binary(small);
  const std::string now = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  const std::string field("\0|\0", 3), row("\0ROW\0", 5);
  const std::string fields = field + now + field + std::to_string(body.size()) + field + "binary" + field;
  const std::string rows = "a" + field + "1" + fields + digitlab::store::metrics_json_of(small) + field +
                           std::string(body.begin(), body.end()) + row + "a" + field + "2" + fields + "{}" + field +
                           std::string(body.begin(), body.end());
  write(store_dir + "/two-rows", std::vector<std::uint8_t>(rows.begin(), rows.end()));
  return 0;
}
