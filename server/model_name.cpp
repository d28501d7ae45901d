#include "model_name.h"

#include <digitlab/io/model_name.h>

#include "api_error.h"

namespace digitlab::server {

std::string model_name(const httplib::Request& req) {
  const std::string name = req.matches[1];
  if (!is_valid_model_name(name)) throw ApiError(400, "bad_model_name", kModelNameRule);
  return name;
}

}  // namespace digitlab::server
