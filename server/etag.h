// Weights' entity tags are their version numbers, one per representation:
// "3" for JSON, "3.bin" for binary. Clients may send them back quoted or
// bare, weak (W/"3") or strong.
#pragma once
#include <cstdint>
#include <string>

#include <httplib.h>

#include <digitlab/store/model_store.h>
#include "weights_payload.h"

namespace digitlab::server {

std::string format_etag(std::int64_t version, WeightsFormat format);  // "\"3\"", "\"3.bin\""

// The write condition of a PUT from If-Match / If-None-Match:
//   If-Match: "3" (or 3, or "3.bin": either representation's tag names the
//             version) -> the latest version must be 3
//   If-Match: *            -> the model must exist
//   If-None-Match: *       -> the model must not exist yet
//   neither                -> unconditional
// Throws ApiError 400 on a header it cannot read, an empty one, or a
// header sent twice.
store::WriteCondition write_condition(const httplib::Request& req);

// True when If-None-Match (a comma-separated list of tags, or *) names
// this version in this representation: a GET may answer 304.
bool if_none_match_hits(const httplib::Request& req, std::int64_t version, WeightsFormat format);

}  // namespace digitlab::server
