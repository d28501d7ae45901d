#include "store_under_test.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <digitlab/store/sql.h>

namespace test {

namespace {

std::string cluster_setting(const std::string& dir, const std::string& key) {
  std::ifstream in(dir + "/cluster.env");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  throw std::runtime_error("no " + key + " in " + dir + "/cluster.env: is the test cluster up?");
}

}  // namespace

std::string test_postgres_url(const std::string& name) {
  const char* dir = std::getenv("DIGITLAB_TEST_CLUSTER");
  if (!dir || !*dir) throw std::runtime_error("DIGITLAB_TEST_CLUSTER is not set: run through ctest (cluster fixture)");
  setenv("PGPASSFILE", (std::string(dir) + "/secrets/pgpass").c_str(), 1);
  const int port = std::stoi(cluster_setting(dir, "port")) + 1;
  return "postgresql://digitlab@127.0.0.1:" + std::to_string(port) + "/" + name;
}

StoreUnderTest::StoreUnderTest(const std::string& kind) : kind_(kind) {
  static std::atomic<int> counter{0};
  const std::string unique = std::to_string(getpid()) + "_" + std::to_string(counter++);
  if (kind == "sqlite") {
    dir_ = std::filesystem::temp_directory_path() / ("digitlab-store-test-" + unique);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "store.db").string();
  } else {
    database_ = "store_test_" + unique;
    digitlab::store::open_sql(test_postgres_url("postgres"))->exec("CREATE DATABASE " + database_);
    db_ = test_postgres_url(database_);
  }
  store_ = std::make_unique<digitlab::store::ModelStore>(db_);
}

StoreUnderTest::~StoreUnderTest() {
  store_.reset();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
  if (!database_.empty()) {
    try {
      digitlab::store::open_sql(test_postgres_url("postgres"))->exec("DROP DATABASE " + database_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // Left behind in the test cluster, which the test run removes.
    }
  }
}

std::unique_ptr<digitlab::store::ModelStore> StoreUnderTest::open_again() const {
  return std::make_unique<digitlab::store::ModelStore>(db_);
}

}  // namespace test
