// A small store of named byte strings that outlives the program: IndexedDB
// in the browser (database "digitlab"), one file per name in a folder on
// the desktop. The app keeps its session here (weights, settings, curves),
// so a reload or a restart loses nothing; other features may keep their own
// names (a personal set of drawings, say).
//
// Reads and writes complete later, from poll_storage(), on the thread that
// calls it (the UI thread), as the browser's database is asynchronous; a
// write started while the page is being left still completes.
#pragma once
#include <cctype>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace digitlab::gui {

// Names: letters, digits, '-', '_' and '.', not starting with '.' (they become file names).
inline bool valid_storage_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// The desktop's folder (created when first written); the browser ignores it.
void open_storage(const std::string& folder);

using StorageWritten = std::function<void(std::string error)>;  // error empty on success
using StorageRead = std::function<void(std::optional<std::vector<std::uint8_t>> bytes, std::string error)>;

// Replaces what `name` holds, whole: a reader sees the old or the new bytes.
void storage_write(const std::string& name, std::vector<std::uint8_t> bytes, StorageWritten done = {});
// Nothing (and no error) when the name holds nothing.
void storage_read(const std::string& name, StorageRead done);
void storage_remove(const std::string& name, StorageWritten done = {});
void poll_storage();

}  // namespace digitlab::gui
