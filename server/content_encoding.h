// What httplib leaves to us about response bodies. It compresses text, JSON
// and JavaScript by itself when the client accepts it, but never WebAssembly
// or binary sample blocks, the largest things a browser downloads here; and
// it has no conditional GET. So: gzip for those bodies, and weak entity tags
// with 304 answers for content that only changes when its source does.
#pragma once
#include <string>
#include <string_view>

#include <httplib.h>

namespace digitlab::server {

// Accept-Encoding names gzip (or *) without q=0.
bool accepts_gzip(const httplib::Request& req);

// The gzip member of `bytes` (zlib, deflate level 1..9).
std::string gzip_bytes(std::string_view bytes, int level);

// Sets a body that httplib will not compress itself: gzipped when the client
// accepts it (`gzipped`, computed or cached by the caller, else computed
// here), as it is otherwise. Always says Vary: Accept-Encoding.
void set_encoded_content(const httplib::Request& req, httplib::Response& res, const std::string& bytes,
                         const std::string& content_type, const std::string* gzipped = nullptr);

// A weak entity tag, W/"text": its representations may differ in encoding.
std::string weak_etag(const std::string& text);
// If-None-Match names this (weak) tag or *: the caller answers 304.
bool if_none_match(const httplib::Request& req, const std::string& etag);
// Sets ETag and the cache policy, and turns the response into 304 Not
// Modified when the client's copy is current. Returns true if it did.
bool answer_if_unchanged(const httplib::Request& req, httplib::Response& res, const std::string& etag,
                         const char* cache_control);

}  // namespace digitlab::server
