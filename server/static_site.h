// The web app's files (--web DIR) at "/". A request can only ever read a
// regular file inside DIR: ".." segments (however encoded) are refused, and
// the resolved real path, symlinks followed, must still lie under DIR.
#pragma once
#include <filesystem>
#include <string>

#include <httplib.h>

namespace digitlab::server {

class StaticSite {
 public:
  // A missing directory is allowed (an API-only server): every file is 404.
  explicit StaticSite(const std::string& root);
  bool available() const { return !root_.empty(); }
  // GET handler for every path the API does not claim. Throws ApiError.
  void serve(const httplib::Request& req, httplib::Response& res) const;

 private:
  std::filesystem::path root_;  // canonical; empty when the directory is missing
};

}  // namespace digitlab::server
