#include "static_site.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>

#include "api_error.h"
#include "content_encoding.h"

namespace digitlab::server {

namespace fs = std::filesystem;

namespace {

bool has_dot_dot_segment(const std::string& path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    if (path.compare(start, end - start, "..") == 0) return true;
    start = end + 1;
  }
  return false;
}

bool is_inside(const fs::path& root, const fs::path& file) {
  return std::mismatch(root.begin(), root.end(), file.begin(), file.end()).first == root.end();
}

std::string content_type_for(const fs::path& file) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"}, {".js", "application/javascript"}, {".mjs", "application/javascript"},
      {".wasm", "application/wasm"},         {".css", "text/css"},              {".json", "application/json"},
      {".map", "application/json"},          {".png", "image/png"},             {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},              {".txt", "text/plain; charset=utf-8"}};
  const auto it = types.find(file.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

// Types httplib does not compress by itself, yet compress well: the
// WebAssembly module (2.2 MB, about 40% of it gzipped) and fonts.
bool worth_gzip(const fs::path& file) {
  const std::string ext = file.extension().string();
  return ext == ".wasm" || ext == ".ttf" || ext == ".data";
}

}  // namespace

StaticSite::StaticSite(const std::string& root) {
  std::error_code error;
  const fs::path real = fs::canonical(root, error);
  if (!error && fs::is_directory(real)) root_ = real;
}

void StaticSite::serve(const httplib::Request& req, httplib::Response& res) const {
  // httplib has already percent-decoded req.path, so "%2e%2e" arrives as "..".
  const std::string& path = req.path;
  if (path == "/api" || path.rfind("/api/", 0) == 0) throw ApiError(404, "not_found", "no API route " + path);
  if (has_dot_dot_segment(path) || path.find('\\') != std::string::npos || path.find('\0') != std::string::npos)
    throw ApiError(400, "bad_path", "paths may not contain '..' segments, backslashes or NUL");
  const auto not_found = [&] { return ApiError(404, "not_found", "no file " + path); };
  if (!available()) throw not_found();

  // Leading slashes go, so "//etc/passwd" is looked up under the root too.
  std::string relative = path.substr(std::min(path.find_first_not_of('/'), path.size()));
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  std::error_code error;
  fs::path file = fs::canonical(root_ / relative, error);
  if (!error && fs::is_directory(file)) file = fs::canonical(file / "index.html", error);
  if (error || !fs::is_regular_file(file) || !is_inside(root_, file)) throw not_found();

  const std::shared_ptr<const Cached> cached = load(file);
  if (!cached) throw not_found();
  // no-cache: the browser asks every time, and a new build is seen at once.
  char tag[64];
  std::snprintf(tag, sizeof tag, "%jx-%llx", cached->size,
                static_cast<unsigned long long>(cached->modified.time_since_epoch().count()));
  if (answer_if_unchanged(req, res, weak_etag(tag), "no-cache")) return;
  // The size before encoding, for the page's progress bar: a gzipped body's
  // Content-Length says how much crosses the wire, not what arrives.
  res.set_header("X-Uncompressed-Length", std::to_string(cached->bytes.size()));
  if (cached->gzipped.empty()) res.set_content(cached->bytes, content_type_for(file));
  else set_encoded_content(req, res, cached->bytes, content_type_for(file), &cached->gzipped);
}

std::shared_ptr<const StaticSite::Cached> StaticSite::load(const fs::path& file) const {
  std::error_code error;
  const std::uintmax_t size = fs::file_size(file, error);
  const fs::file_time_type modified = fs::last_write_time(file, error);
  if (error) return nullptr;
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    const auto it = cache_.find(file);
    if (it != cache_.end() && it->second->size == size && it->second->modified == modified) return it->second;
  }
  // Read (and compress) outside the lock; two first requests may both do it.
  auto entry = std::make_shared<Cached>();
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) return nullptr;
  entry->bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  entry->size = entry->bytes.size() == size ? size : entry->bytes.size();
  entry->modified = modified;
  if (worth_gzip(file)) entry->gzipped = gzip_bytes(entry->bytes, 9);
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_[file] = entry;
  return entry;
}

}  // namespace digitlab::server
