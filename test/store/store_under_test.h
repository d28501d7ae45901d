// A fresh, empty store of either kind for one test case: a SQLite file in a
// temporary folder, or a new database in the test cluster's PostgreSQL
// (scripts/cluster.sh; $DIGITLAB_TEST_CLUSTER names its folder), dropped at
// the end. Without that cluster the PostgreSQL cases fail: they never skip.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include <digitlab/store/model_store.h>

namespace test {

class StoreUnderTest {
 public:
  explicit StoreUnderTest(const std::string& kind);  // "sqlite" or "postgresql"
  ~StoreUnderTest();
  const std::string& db() const { return db_; }           // what --db would say
  digitlab::store::ModelStore& store() { return *store_; }
  // Another connection pool on the same database: a second replica.
  std::unique_ptr<digitlab::store::ModelStore> open_again() const;

 private:
  std::string kind_, db_, database_;
  std::filesystem::path dir_;
  std::unique_ptr<digitlab::store::ModelStore> store_;
};

// The cluster's PostgreSQL URL for database `name` (PGPASSFILE set for it).
std::string test_postgres_url(const std::string& name);

}  // namespace test
