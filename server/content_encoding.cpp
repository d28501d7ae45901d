#include "content_encoding.h"

#include <zlib.h>

#include <stdexcept>

#include "http_util.h"

namespace digitlab::server {

namespace {

// "gzip;q=0" refuses gzip; any other q (or none) accepts it.
bool refuses(const std::string& params) {
  const auto q = params.find("q=");
  if (q == std::string::npos) return false;
  return std::strtod(params.c_str() + q + 2, nullptr) <= 0.0;
}

}  // namespace

bool accepts_gzip(const httplib::Request& req) {
  const std::string header = lower_ascii(req.get_header_value("Accept-Encoding"));
  std::size_t start = 0;
  while (start <= header.size()) {
    const std::size_t end = std::min(header.find(',', start), header.size());
    const std::string item = trim_spaces(header.substr(start, end - start));
    const std::size_t semicolon = item.find(';');
    const std::string coding = trim_spaces(item.substr(0, semicolon));
    const std::string params = semicolon == std::string::npos ? "" : item.substr(semicolon + 1);
    if ((coding == "gzip" || coding == "x-gzip" || coding == "*") && !refuses(params)) return true;
    start = end + 1;
  }
  return false;
}

std::string gzip_bytes(std::string_view bytes, int level) {
  z_stream z{};
  // 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
  return out;
}

void set_encoded_content(const httplib::Request& req, httplib::Response& res, const std::string& bytes,
                         const std::string& content_type, const std::string* gzipped) {
  res.set_header("Vary", "Accept-Encoding");
  if (!accepts_gzip(req)) return res.set_content(bytes, content_type.c_str());
  std::string computed;
  if (!gzipped) {
    computed = gzip_bytes(bytes, 6);
    gzipped = &computed;
  }
  res.set_header("Content-Encoding", "gzip");
  res.set_content(*gzipped, content_type.c_str());
}

std::string weak_etag(const std::string& text) { return "W/\"" + text + "\""; }

bool if_none_match(const httplib::Request& req, const std::string& etag) {
  if (!req.has_header("If-None-Match")) return false;
  // Weak comparison: W/"x" and "x" name the same content.
  const auto opaque = [](std::string tag) {
    tag = trim_spaces(tag);
    if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
    return tag;
  };
  const std::string wanted = opaque(etag);
  const std::string header = req.get_header_value("If-None-Match");
  std::size_t start = 0;
  while (start <= header.size()) {
    const std::size_t end = std::min(header.find(',', start), header.size());
    const std::string item = opaque(header.substr(start, end - start));
    if (item == "*" || item == wanted) return true;
    start = end + 1;
  }
  return false;
}

bool answer_if_unchanged(const httplib::Request& req, httplib::Response& res, const std::string& etag,
                         const char* cache_control) {
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", cache_control);
  if (!if_none_match(req, etag)) return false;
  res.status = 304;
  return true;
}

}  // namespace digitlab::server
