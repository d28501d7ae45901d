#include "model_name.h"

#include <algorithm>
#include <cctype>

#include "api_error.h"

namespace digitlab::server {

std::string model_name(const httplib::Request& req) {
  const std::string name = req.matches[1];
  const bool ok = !name.empty() && name.size() <= 64 && name.front() != '.' &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                  });
  if (!ok) throw ApiError(400, "bad_model_name", "model names are 1-64 of A-Z a-z 0-9 . - _, not starting with '.'");
  return name;
}

}  // namespace digitlab::server
