// libFuzzer target: core's weights parser (JSON and binary, versions 1 and 2,
// chosen by content as the server's PUT does; the seeds hold all four). Anything it accepts must survive a round trip
// through both formats unchanged.
#include <digitlab/io/weights.h>

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  digitlab::ModelFile model;
  try {
    model = digitlab::weights_from_bytes(data, size);
  } catch (const digitlab::Error&) {
    return 0;  // rejected cleanly: what a parser should do with bad input
  }
  const std::vector<std::uint8_t> binary = digitlab::weights_to_binary(model);
  const digitlab::ModelFile from_binary = digitlab::weights_from_binary(binary.data(), binary.size());
  const std::string json = digitlab::weights_to_json(model);
  const digitlab::ModelFile from_json = digitlab::weights_from_json(json);
  if (from_binary.model.params != model.model.params || from_json.model.params != model.model.params ||
      from_binary.model.arch != model.model.arch || from_json.model.arch != model.model.arch)
    std::abort();
  return 0;
}
