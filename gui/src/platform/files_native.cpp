#include <cstdio>
#include <fstream>
#include <iterator>

#include "platform/files.h"

namespace digitlab::gui {

std::string save_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) return "cannot write " + temporary;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) return "cannot rename " + temporary + " to " + path;
  return {};
}

void open_file(const std::string& path, FileLoaded done) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return done({}, "cannot open " + path);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  done(std::move(bytes), {});
}

void poll_files() {}

}  // namespace digitlab::gui
