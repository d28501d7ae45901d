#include <catch2/catch.hpp>

#include "digitlab/util/common.h"
#include "digitlab/io/model_name.h"

using namespace digitlab;

TEST_CASE("model names: 1-64 of A-Z a-z 0-9 . - _, not starting with a dot") {
  CHECK(is_valid_model_name("default"));
  CHECK(is_valid_model_name("my-net_v2.1"));
  CHECK(is_valid_model_name("a."));
  CHECK(is_valid_model_name(std::string(64, 'x')));
  CHECK_FALSE(is_valid_model_name(std::string(65, 'x')));
  CHECK_FALSE(is_valid_model_name(""));
  CHECK_FALSE(is_valid_model_name("."));
  CHECK_FALSE(is_valid_model_name(".."));
  CHECK_FALSE(is_valid_model_name(".hidden"));
  CHECK_FALSE(is_valid_model_name("a/b"));
  CHECK_FALSE(is_valid_model_name("a b"));
  CHECK_FALSE(is_valid_model_name("caf\xc3\xa9"));
  CHECK_NOTHROW(check_model_name("default"));
  CHECK_THROWS_WITH(check_model_name("a/b"), Catch::Contains("'a/b'") && Catch::Contains("1-64"));
}
