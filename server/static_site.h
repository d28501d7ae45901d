// The web app's files (--web DIR) at "/". A request can only ever read a
// regular file inside DIR: ".." segments (however encoded) are refused, and
// the resolved real path, symlinks followed, must still lie under DIR.
// Every file carries a weak ETag from its size and modification time, so a
// reload transfers only what a new build changed (304 otherwise), and the
// WebAssembly module goes out gzipped (httplib compresses text itself).
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
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
  // A file as last read, with its gzip form when it is worth sending so.
  struct Cached {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type modified;
    std::string bytes;
    std::string gzipped;  // empty: sent as it is
  };
  std::shared_ptr<const Cached> load(const std::filesystem::path& file) const;

  std::filesystem::path root_;  // canonical; empty when the directory is missing
  mutable std::mutex cache_mutex_;
  mutable std::map<std::filesystem::path, std::shared_ptr<const Cached>> cache_;
};

}  // namespace digitlab::server
