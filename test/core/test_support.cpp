#include "test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace test {

std::string temp_path(const std::string& name) {
  static std::atomic<int> counter{0};
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/digitlab-test-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + name;
}

}  // namespace test
