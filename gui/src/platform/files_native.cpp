#include <digitlab/util/common.h>
#include <digitlab/util/files.h>

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
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    return done({}, e.what());
  }
  done(std::move(bytes), {});
}

void poll_files() {}

}  // namespace digitlab::gui
