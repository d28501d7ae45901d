// Weights' entity tags are their version numbers: ETag "3". Clients may send
// them back quoted or bare, weak (W/"3") or strong.
#pragma once
#include <cstdint>
#include <string>

#include <httplib.h>

#include "store.h"

namespace digitlab::server {

std::string format_etag(std::int64_t version);  // "\"3\""

// The write condition of a PUT from If-Match / If-None-Match:
//   If-Match: "3" (or 3)  -> the latest version must be 3
//   If-Match: *            -> the model must exist
//   If-None-Match: *       -> the model must not exist yet
//   neither                -> unconditional
// Throws ApiError 400 on a header it cannot read.
WriteCondition write_condition(const httplib::Request& req);

// True when If-None-Match (a comma-separated list of tags, or *) names
// `version`: a GET may answer 304.
bool if_none_match_hits(const httplib::Request& req, std::int64_t version);

}  // namespace digitlab::server
