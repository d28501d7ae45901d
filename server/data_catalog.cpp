#include "data_catalog.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace digitlab::server {

namespace {

bool valid_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

// IDX files carry no label names. Fashion-MNIST's are well known; any other
// set is taken to be digits.
std::vector<std::string> class_names_for(const std::string& name) {
  if (name.rfind("fashion", 0) == 0)
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  std::vector<std::string> digits;
  for (int d = 0; d < kClasses; ++d) digits.push_back(std::to_string(d));
  return digits;
}

}  // namespace

DataSource parse_data_source(const std::string& arg) {
  DataSource source;
  const auto eq = arg.find('=');
  if (eq != std::string::npos) {
    source.name = arg.substr(0, eq);
    source.dir = arg.substr(eq + 1);
  } else {
    source.dir = arg;
    std::filesystem::path dir(arg);
    if (!dir.has_filename()) dir = dir.parent_path();  // "data/mnist/" names "mnist"
    source.name = dir.filename().string();
    std::transform(source.name.begin(), source.name.end(), source.name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  if (source.dir.empty()) throw std::invalid_argument("--data " + arg + ": no directory");
  if (!valid_name(source.name))
    throw std::invalid_argument("--data " + arg + ": data set name '" + source.name +
                                "' must be 1-64 of a-z 0-9 - _ (use NAME=DIR)");
  return source;
}

std::shared_ptr<const Dataset> LoadedDataset::split(const std::string& split) const {
  if (split == "train") return train;
  if (split == "test") return test;
  return nullptr;
}

void DataCatalog::load(const DataSource& source) {
  if (find(source.name)) throw std::invalid_argument("--data: data set name '" + source.name + "' given twice");
  LoadedDataset set;
  set.name = source.name;
  set.dir = source.dir;
  set.classes = class_names_for(source.name);
  set.train = std::make_shared<const Dataset>(load_idx_split(source.dir, "train"));
  set.test = std::make_shared<const Dataset>(load_idx_split(source.dir, "test"));
  sets_.push_back(std::move(set));
}

const LoadedDataset* DataCatalog::find(const std::string& name) const {
  for (const LoadedDataset& set : sets_)
    if (set.name == name) return &set;
  return nullptr;
}

const LoadedDataset& DataCatalog::default_set() const {
  if (const LoadedDataset* mnist = find("mnist")) return *mnist;
  return sets_.front();
}

}  // namespace digitlab::server
