// The rule for model names, shared by the server (URL paths, database keys,
// log lines), the GUI (its name field) and the CLI: a safe alphabet only.
#pragma once
#include <cstddef>
#include <string>

namespace digitlab {

constexpr std::size_t kMaxModelNameLength = 64;
// The rule in words, for error messages.
constexpr const char* kModelNameRule = "model names are 1-64 of A-Z a-z 0-9 . - _, not starting with '.'";

// 1-64 of A-Z a-z 0-9 . - _, not starting with '.' (so never "." or "..").
bool is_valid_model_name(const std::string& name);
// Throws Error naming the name and the rule unless it is valid.
void check_model_name(const std::string& name);

}  // namespace digitlab
