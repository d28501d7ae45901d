// The web app at "/": content types, cross-origin isolation headers on every
// response, gzip, and no way out of the web directory.
#include <catch2/catch.hpp>

#include <fstream>

#include "test_support.h"

using namespace test;

namespace {

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

void check_isolated(const httplib::Result& res) {
  REQUIRE(res);
  CHECK(res->get_header_value("Cross-Origin-Opener-Policy") == "same-origin");
  CHECK(res->get_header_value("Cross-Origin-Embedder-Policy") == "require-corp");
}

}  // namespace

TEST_CASE("the web app is served with the right types and isolation headers", "[server]") {
  Sandbox sandbox;
  const fs::path web = sandbox.dir().path() / "web";
  const std::string wasm("\0asm\x01\0\0\0", 8);
  write_file(web / "index.html", "<!doctype html><title>DigitLab</title>");
  write_file(web / "digitlab.js", "console.log('hi');");
  write_file(web / "digitlab.wasm", wasm);
  write_file(web / "digitlab.worker.js", "onmessage = () => {};");
  write_file(web / "assets/index.html", "assets index");
  auto client = sandbox.start().client();

  const auto index = client.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->body == "<!doctype html><title>DigitLab</title>");
  CHECK(index->get_header_value("Content-Type") == "text/html; charset=utf-8");
  check_isolated(index);
  CHECK(client.Get("/index.html")->body == index->body);
  CHECK(client.Get("/assets/")->body == "assets index");
  CHECK(client.Get("/assets")->body == "assets index");

  const auto module = client.Get("/digitlab.wasm");
  CHECK(module->status == 200);
  CHECK(module->body == wasm);
  CHECK(module->get_header_value("Content-Type") == "application/wasm");
  check_isolated(module);
  CHECK(client.Get("/digitlab.js")->get_header_value("Content-Type") == "application/javascript");
  check_isolated(client.Get("/digitlab.worker.js"));

  // Every response, API and errors included, carries the headers.
  check_isolated(client.Get("/api/health"));
  const auto missing = client.Get("/nothing-here.js");
  CHECK(missing->status == 404);
  CHECK(error_code(missing) == "not_found");
  check_isolated(missing);
  check_isolated(client.Put("/api/models/m/weights", "x", "application/json"));
}

TEST_CASE("no path outside the web directory can be read", "[server]") {
  Sandbox sandbox;
  const fs::path web = sandbox.dir().path() / "web";
  write_file(web / "index.html", "home");
  write_file(web / "sub/page.html", "page");
  const fs::path secret = sandbox.dir().path() / "secret.txt";
  write_file(secret, "TOP-SECRET");
  fs::create_symlink(secret, web / "leak.txt");
  auto client = sandbox.start().client();

  const std::string absolute = secret.string();  // e.g. /tmp/digitlab-server-test-.../secret.txt
  const std::vector<std::string> attempts = {
      "/../secret.txt",
      "/sub/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%2Fsecret.txt",
      "/sub/%2e%2e/%2e%2e/secret.txt",
      "/.%2e/secret.txt",
      "/..\\secret.txt",
      "/" + absolute,
      "/" + absolute.substr(1),
      "//etc/passwd",
      "/%2fetc%2fpasswd",
      "/leak.txt",
      "/sub/..%00/secret.txt",
  };
  for (const std::string& path : attempts) {
    INFO(path);
    const auto res = client.Get(path);
    REQUIRE(res);
    CHECK((res->status == 400 || res->status == 404));
    CHECK(res->body.find("TOP-SECRET") == std::string::npos);
    CHECK(res->body.find("root:") == std::string::npos);
  }
  CHECK(client.Get("/sub/page.html")->body == "page");
  CHECK(client.Get("/sub/./page.html")->body == "page");
}

TEST_CASE("large responses are gzip-compressed when the client accepts it", "[server]") {
  Sandbox sandbox;
  std::string script;
  for (int i = 0; i < 5000; ++i) script += "console.log(" + std::to_string(i) + ");\n";
  write_file(sandbox.dir().path() / "web" / "big.js", script);
  auto client = sandbox.start().client();
  client.set_decompress(true);

  const auto zipped = client.Get("/big.js", header("Accept-Encoding", "gzip"));
  REQUIRE(zipped);
  CHECK(zipped->get_header_value("Content-Encoding") == "gzip");
  CHECK(zipped->body == script);  // decompressed by the client
  const auto block = client.Get("/api/datasets/mnist/test/samples?count=64", header("Accept-Encoding", "gzip"));
  CHECK(block->get_header_value("Content-Encoding") == "gzip");
  CHECK(body_json(block)["count"] == 64);

  const auto plain = client.Get("/big.js", header("Accept-Encoding", "identity"));
  CHECK(plain->get_header_value("Content-Encoding").empty());
  CHECK(plain->body == script);
}

TEST_CASE("without a web directory the API still runs", "[server]") {
  Sandbox sandbox;
  auto client = sandbox.start({"--web", sandbox.dir() / "no-such-dir"}).client();
  const auto root = client.Get("/");
  CHECK(root->status == 404);
  CHECK(error_code(root) == "not_found");
  CHECK(client.Get("/api/health")->status == 200);
  CHECK_THAT(sandbox.server().log(), Catch::Contains("API only"));
}

TEST_CASE("the WebAssembly module goes out gzipped, and a reload that changed nothing gets 304", "[server]") {
  Sandbox sandbox;
  // Repetitive like real code, so gzip has something to find.
  std::string wasm("\0asm\x01\0\0\0", 8);
  for (int i = 0; i < 20000; ++i) wasm += static_cast<char>(i % 7) + std::string("\x20\x01\x41", 3);
  const fs::path file = sandbox.dir().path() / "web" / "digitlab.wasm";
  write_file(file, wasm);
  auto client = sandbox.start().client();
  client.set_decompress(false);  // see the bytes on the wire

  const auto zipped = client.Get("/digitlab.wasm", header("Accept-Encoding", "gzip, deflate, br"));
  REQUIRE(zipped);
  CHECK(zipped->status == 200);
  CHECK(zipped->get_header_value("Content-Encoding") == "gzip");
  CHECK(zipped->get_header_value("Content-Type") == "application/wasm");
  CHECK(zipped->get_header_value("Vary") == "Accept-Encoding");
  CHECK(zipped->get_header_value("X-Uncompressed-Length") == std::to_string(wasm.size()));
  CHECK(zipped->body.size() < wasm.size() / 4);
  std::string inflated;
  CHECK(httplib::detail::gzip_decompressor().decompress(zipped->body.data(), zipped->body.size(),
                                                          [&](const char* data, std::size_t n) {
                                                            inflated.append(data, n);
                                                            return true;
                                                          }));
  CHECK(inflated == wasm);
  const std::string etag = zipped->get_header_value("ETag");
  CHECK(etag.rfind("W/\"", 0) == 0);
  check_isolated(zipped);

  // A client that does not take gzip gets the plain bytes, same tag.
  const auto plain = client.Get("/digitlab.wasm", header("Accept-Encoding", "identity"));
  CHECK(plain->get_header_value("Content-Encoding").empty());
  CHECK(plain->body == wasm);
  CHECK(plain->get_header_value("ETag") == etag);
  CHECK(client.Get("/digitlab.wasm", header("Accept-Encoding", "gzip;q=0"))->body == wasm);

  // The reload: the browser sends its tag back and gets no body.
  const auto again = client.Get("/digitlab.wasm", {{"If-None-Match", etag}, {"Accept-Encoding", "gzip"}});
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  check_isolated(again);
  // A new build changes the tag, and the file is sent again.
  write_file(file, wasm + "more");
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(2));
  const auto rebuilt = client.Get("/digitlab.wasm", {{"If-None-Match", etag}});
  CHECK(rebuilt->status == 200);
  CHECK(rebuilt->body == wasm + "more");
  CHECK(rebuilt->get_header_value("ETag") != etag);
}

TEST_CASE("binary sample blocks are gzipped and revalidated, a seedless draw is never cached", "[server]") {
  Sandbox sandbox;
  auto client = sandbox.start().client();
  client.set_decompress(false);
  const httplib::Headers binary_gzip = {{"Accept", "application/octet-stream"}, {"Accept-Encoding", "gzip"}};

  const auto plain = client.Get("/api/datasets/mnist/train/samples?random=256&seed=7", kBinary);
  REQUIRE(plain);
  REQUIRE(plain->status == 200);
  CHECK(plain->get_header_value("Content-Encoding").empty());
  const auto zipped = client.Get("/api/datasets/mnist/train/samples?random=256&seed=7", binary_gzip);
  REQUIRE(zipped->status == 200);
  CHECK(zipped->get_header_value("Content-Encoding") == "gzip");
  CHECK(zipped->body.size() < plain->body.size() / 3);  // MNIST digits are mostly black
  std::string inflated;
  httplib::detail::gzip_decompressor().decompress(zipped->body.data(), zipped->body.size(),
                                                  [&](const char* data, std::size_t n) {
                                                    inflated.append(data, n);
                                                    return true;
                                                  });
  CHECK(inflated == plain->body);
  CHECK(zipped->get_header_value("Vary").find("Accept") != std::string::npos);

  // The same block again: the tag matches and nothing is sent.
  const std::string etag = zipped->get_header_value("ETag");
  REQUIRE(!etag.empty());
  CHECK(zipped->get_header_value("Cache-Control") == "no-cache");
  httplib::Headers conditional = binary_gzip;
  conditional.emplace("If-None-Match", etag);
  const auto again = client.Get("/api/datasets/mnist/train/samples?random=256&seed=7", conditional);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  const auto other_block = client.Get("/api/datasets/mnist/train/samples?offset=0&count=64", conditional);
  CHECK(other_block->status == 304);  // the tag names the split's data and the representation
  // JSON is another representation: another tag, a full answer.
  const auto json = client.Get("/api/datasets/mnist/train/samples?random=4&seed=7", {{"If-None-Match", etag}});
  CHECK(json->status == 200);
  CHECK(json->get_header_value("ETag") != etag);
  // Without a seed every draw differs: no tag, and caches must not keep it.
  const auto fresh = client.Get("/api/datasets/mnist/train/samples?random=16", conditional);
  CHECK(fresh->status == 200);
  CHECK(fresh->get_header_value("ETag").empty());
  CHECK(fresh->get_header_value("Cache-Control") == "no-store");
}
