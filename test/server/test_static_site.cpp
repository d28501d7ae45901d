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
