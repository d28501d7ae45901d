// The one rule for JSON numbers that must be integers (sizes, shapes, counts,
// labels, versions): a JSON integer within [min, max], compared before any
// narrowing cast. 784.00001, 16.0 and 3.5 are not integers, and 2^32 + 3 is
// not the label 3. A template because the weights formats read JSON whose
// floats are floats (weights_header.h) while other readers use nlohmann::json.
#pragma once
#include <cstdint>
#include <string>

#include "digitlab/util/common.h"

namespace digitlab {

namespace json_integer_detail {

// "got 3.5" / "got a string": a number is short to print; anything else could
// be large or deeply nested, so only its type is named.
template <class Json>
[[noreturn]] void refuse(const Json& v, const std::string& field, const std::string& range) {
  throw Error(field + " must be an integer from " + range + ", got " +
              (v.is_number() ? v.dump() : std::string("a ") + v.type_name()));
}

}  // namespace json_integer_detail

// The integer `v` holds, or Error naming `field`, the range and the value.
template <class Json>
std::int64_t json_integer(const Json& v, const std::string& field, std::int64_t min, std::int64_t max) {
  const bool fits =
      v.is_number_unsigned()
          ? max >= 0 && v.template get<std::uint64_t>() <= static_cast<std::uint64_t>(max) &&
                (min <= 0 || v.template get<std::uint64_t>() >= static_cast<std::uint64_t>(min))
          : v.is_number_integer() && v.template get<std::int64_t>() >= min && v.template get<std::int64_t>() <= max;
  if (!fits) json_integer_detail::refuse(v, field, std::to_string(min) + " to " + std::to_string(max));
  return v.template get<std::int64_t>();
}

// The same for the unsigned 64-bit range (seeds): a negative integer is refused.
template <class Json>
std::uint64_t json_unsigned(const Json& v, const std::string& field) {
  if (!v.is_number_unsigned()) json_integer_detail::refuse(v, field, "0 to 18446744073709551615");
  return v.template get<std::uint64_t>();
}

}  // namespace digitlab
