// libFuzzer target: core's IDX parsers (images and labels), which read every
// data set the server loads.
#include <digitlab/data/dataset.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  try {
    std::size_t count = 0;
    const std::vector<std::uint8_t> images = digitlab::parse_idx_images(bytes, "fuzz", &count);
    if (images.size() != count * digitlab::kImagePixels) std::abort();
  } catch (const digitlab::Error&) {
  }
  try {
    for (std::uint8_t label : digitlab::parse_idx_labels(bytes, "fuzz"))
      if (label >= digitlab::kClasses) std::abort();
  } catch (const digitlab::Error&) {
  }
  return 0;
}
