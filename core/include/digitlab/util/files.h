// Whole files in and out, with errors that name the path.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace digitlab {

// The file's bytes; throws Error "<path>: cannot open file".
std::vector<std::uint8_t> read_file(const std::string& path);

// Writes bytes through a temporary file + rename, so a crash never leaves
// half a file. Throws Error naming the path.
void write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes);

}  // namespace digitlab
