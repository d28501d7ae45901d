// Wall-clock time as the API shows it.
#pragma once
#include <cstdint>
#include <string>

namespace digitlab::store {

std::int64_t unix_time_ms();
// "2024-05-01T12:34:56.789Z"
std::string iso_time(std::int64_t unix_ms);

}  // namespace digitlab::store
