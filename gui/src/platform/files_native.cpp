#include <digitlab/weights_io.h>

#include <fstream>
#include <iterator>

#include "platform/files.h"

namespace digitlab::gui {

std::string save_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  try {
    write_file_atomically(path, bytes);
    return {};
  } catch (const Error& e) {
    return e.what();
  }
}

void open_file(const std::string& path, FileLoaded done) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return done({}, "cannot open " + path);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  done(std::move(bytes), {});
}

void poll_files() {}

}  // namespace digitlab::gui
