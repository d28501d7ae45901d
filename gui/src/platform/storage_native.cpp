// The desktop's store: one file per name in a folder, written through a
// temporary file and a rename (core's write_file_atomically), so a crash
// never leaves half a session.
#include <digitlab/util/files.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "platform/storage.h"

namespace digitlab::gui {
namespace {

namespace fs = std::filesystem;

fs::path folder;
std::deque<std::function<void()>> completions;  // run by poll_storage, like the browser's

}  // namespace

void open_storage(const std::string& dir) { folder = dir; }

void storage_write(const std::string& name, std::vector<std::uint8_t> bytes, StorageWritten done) {
  std::string error;
  if (!valid_storage_name(name)) error = "bad storage name '" + name + "'";
  else
    try {
      std::error_code ignored;
      fs::create_directories(folder, ignored);
      write_file_atomically((folder / name).string(), bytes);
    } catch (const std::exception& e) {
      error = e.what();
    }
  if (done) completions.push_back([done, error] { done(error); });
}

void storage_read(const std::string& name, StorageRead done) {
  if (!valid_storage_name(name)) return completions.push_back([done, name] { done(std::nullopt, "bad storage name '" + name + "'"); });
  std::ifstream in(folder / name, std::ios::binary);
  if (!in) return completions.push_back([done] { done(std::nullopt, {}); });
  auto bytes = std::make_shared<std::vector<std::uint8_t>>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  completions.push_back([done, bytes] { done(std::move(*bytes), {}); });
}

void storage_remove(const std::string& name, StorageWritten done) {
  std::error_code error;
  if (valid_storage_name(name)) fs::remove(folder / name, error);
  if (done) completions.push_back([done, error] { done(error ? error.message() : std::string()); });
}

void poll_storage() {
  std::deque<std::function<void()>> ready;
  ready.swap(completions);
  for (auto& f : ready) f();
}

}  // namespace digitlab::gui
