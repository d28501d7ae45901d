#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "test_support.h"

namespace test {
std::string temp_path(const std::string& name) {
  static std::atomic<int> counter{0};
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/digitlab-test-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + name;
}
}  // namespace test
