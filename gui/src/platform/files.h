// Weight files: a path on the desktop, a download and an upload in the
// browser. The UI asks kFilesByPath whether to show a path field.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace digitlab::gui {

#ifdef __EMSCRIPTEN__
constexpr bool kFilesByPath = false;
#else
constexpr bool kFilesByPath = true;
#endif

// Desktop: writes bytes to the path (via a temporary file and a rename).
// Browser: offers bytes as a download named after the last part of the path.
// Returns an error message, empty on success.
std::string save_file(const std::string& path, const std::vector<std::uint8_t>& bytes);

using FileLoaded = std::function<void(std::vector<std::uint8_t> bytes, std::string error)>;
// Desktop: reads the path before returning. Browser: opens the file chooser;
// done runs later, from poll_files(), once the user picked a file.
void open_file(const std::string& path, FileLoaded done);
void poll_files();

}  // namespace digitlab::gui
