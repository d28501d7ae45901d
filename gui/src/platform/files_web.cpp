// Browser files: a Blob download, and the shell page's hidden
// <input type=file> whose bytes come back through digitlab_file_uploaded().
#include <emscripten.h>

#include <deque>

#include "platform/files.h"

namespace digitlab::gui {
namespace {

FileLoaded pending_open;  // the one open dialog at a time
struct Upload {
  std::vector<std::uint8_t> bytes;
  std::string error;
};
std::deque<Upload> uploads;

}  // namespace

std::string save_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  const std::string name = path.substr(path.find_last_of('/') + 1);
  EM_ASM(
      {
        const bytes = HEAPU8.slice($0, $0 + $1);
        const link = document.createElement('a');
        link.href = URL.createObjectURL(new Blob([bytes], {type: 'application/octet-stream'}));
        link.download = UTF8ToString($2);
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      },
      bytes.data(), bytes.size(), name.c_str());
  return {};
}

void open_file(const std::string&, FileLoaded done) {
  pending_open = std::move(done);
  EM_ASM({ document.getElementById('weights-upload').click(); });
}

void poll_files() {
  while (!uploads.empty()) {
    Upload upload = std::move(uploads.front());
    uploads.pop_front();
    if (pending_open) pending_open(std::move(upload.bytes), std::move(upload.error));
  }
}

}  // namespace digitlab::gui

// Called by the shell page with the chosen file's bytes (copied into the heap;
// the page frees them after the call).
extern "C" EMSCRIPTEN_KEEPALIVE void digitlab_file_uploaded(const std::uint8_t* data, int size) {
  digitlab::gui::uploads.push_back({std::vector<std::uint8_t>(data, data + size), size > 0 ? "" : "empty file"});
}
