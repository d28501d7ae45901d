#include "static_site.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>

#include "api_error.h"

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

  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) throw not_found();
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  res.set_header("Cache-Control", "no-cache");
  res.set_content(content, content_type_for(file));
}

}  // namespace digitlab::server
