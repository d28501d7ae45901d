// The data sets the server serves: loaded once at start-up with core's IDX
// reader, then read-only (shared with training jobs without copying).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <digitlab/data/dataset.h>

namespace digitlab::server {

// A --data argument: "DIR" (named after the directory) or "NAME=DIR".
struct DataSource {
  std::string name;
  std::string dir;
};
DataSource parse_data_source(const std::string& arg);  // throws std::invalid_argument

struct LoadedDataset {
  std::string name;
  std::string dir;
  std::vector<std::string> classes;  // the 10 label names
  std::shared_ptr<const Dataset> train;
  std::shared_ptr<const Dataset> test;
  // nullptr unless split is "train" or "test".
  std::shared_ptr<const Dataset> split(const std::string& split) const;
};

class DataCatalog {
 public:
  // Loads both splits; throws digitlab::Error (bad files) or
  // std::invalid_argument (a name already taken).
  void load(const DataSource& source);
  const LoadedDataset* find(const std::string& name) const;  // nullptr if unknown
  const std::vector<LoadedDataset>& all() const { return sets_; }
  // The set a request uses when it names none: "mnist" if loaded, else the first.
  const LoadedDataset& default_set() const;

 private:
  std::vector<LoadedDataset> sets_;
};

}  // namespace digitlab::server
