// Model names go into URLs, log lines and the database: a safe alphabet only.
#pragma once
#include <string>

#include <httplib.h>

namespace digitlab::server {

// The model name a route's first capture holds; ApiError 400 unless it is
// valid by core's rule (digitlab/model_name.h).
std::string model_name(const httplib::Request& req);

}  // namespace digitlab::server
