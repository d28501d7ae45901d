#include "digitlab/io/model_name.h"

#include <algorithm>

#include "digitlab/util/common.h"

namespace digitlab {

bool is_valid_model_name(const std::string& name) {
  // Spelled out rather than std::isalnum, whose answer depends on the locale.
  const auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_';
  };
  return !name.empty() && name.size() <= kMaxModelNameLength && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), allowed);
}

void check_model_name(const std::string& name) {
  if (!is_valid_model_name(name)) throw Error("bad model name '" + name.substr(0, 80) + "': " + kModelNameRule);
}

}  // namespace digitlab
