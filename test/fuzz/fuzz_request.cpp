// libFuzzer target: the server's request handling fed any bytes on one
// connection. The server is the one digitlab-server runs (make_http_server,
// configure_server: the waiter, the gate, the routes, the jobs) on a loopback
// port, over a SQLite store and an 8-sample data set in a temporary folder.
// Each input is sent whole on a fresh connection, whose writing side is then
// closed, and the answers are read until the server closes. Beyond ASan and
// UBSan it checks the rule against request smuggling: the answer to a
// request line or header the server could not parse says `Connection:
// close`, and an answer that says so is the last one, so nothing after such
// a request is ever read as a request.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <digitlab/store/model_store.h>

#include "data_catalog.h"
#include "job_manager.h"
#include "server_setup.h"
#include "static_site.h"
#include "weights_cache.h"

namespace {

using namespace digitlab::server;
namespace fs = std::filesystem;

void write_be32(std::ofstream& out, std::uint32_t v) {
  const unsigned char b[4] = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
                              static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
  out.write(reinterpret_cast<const char*>(b), 4);
}

// `count` blank 28x28 images labelled 0..9 in turn, as IDX files.
void write_tiny_set(const fs::path& dir, const std::string& prefix, std::uint32_t count) {
  std::ofstream images(dir / (prefix + "-images-idx3-ubyte"), std::ios::binary);
  write_be32(images, 0x803);
  write_be32(images, count);
  write_be32(images, 28);
  write_be32(images, 28);
  images << std::string(static_cast<std::size_t>(count) * 784, '\0');
  std::ofstream labels(dir / (prefix + "-labels-idx1-ubyte"), std::ios::binary);
  write_be32(labels, 0x801);
  write_be32(labels, count);
  for (std::uint32_t i = 0; i < count; ++i) labels.put(static_cast<char>(i % 10));
}

struct Served {
  fs::path dir;
  DataCatalog data;
  std::unique_ptr<digitlab::store::ModelStore> store;
  WeightsCache weights_cache{16u << 20};
  std::unique_ptr<JobManager> jobs;
  std::unique_ptr<StaticSite> site;
  std::unique_ptr<HttpServer> http;
  int port = -1;

  Served() {
    char pattern[] = "/tmp/digitlab-fuzz-request-XXXXXX";
    dir = mkdtemp(pattern);
    fs::create_directories(dir / "tiny");
    write_tiny_set(dir / "tiny", "train", 8);
    write_tiny_set(dir / "tiny", "t10k", 8);
    data.load(parse_data_source("tiny=" + (dir / "tiny").string()));
    store = std::make_unique<digitlab::store::ModelStore>((dir / "fuzz.db").string());
    jobs = std::make_unique<JobManager>(*store, data, JobLimits{}, "fuzz");
    site = std::make_unique<StaticSite>((dir / "web").string());
    ServerOptions options;
    options.threads = 4;
    options.header_timeout = 2;
    http = make_http_server(options);
    configure_server(*http, ServerParts{data, *store, weights_cache, *jobs, *site}, options);
    port = http->bind_to_any_port("127.0.0.1");
    if (port < 0) std::abort();
    std::thread([this] { http->listen_after_bind(); }).detach();
  }
};

// Sends the input, closes the writing side and returns every byte the
// server sent until it closed (or 5 s passed: a finding of its own).
std::string exchange(int port, const std::uint8_t* data, std::size_t size) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  for (std::size_t sent = 0; sent < size;) {
    const ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server closed early: what it sent is still read
    sent += static_cast<std::size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string answers;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      std::fprintf(stderr, "the server neither answered nor closed within 5 s\n");
      std::abort();
    }
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answers.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return answers;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return s;
}

// The value of header `name` (lower case) in an answer head, or "".
std::string header_value(const std::string& head, const std::string& name) {
  const std::string h = lower(head);
  const auto at = h.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  const auto from = head.find_first_not_of(' ', at + name.size() + 3);
  return head.substr(from, head.find("\r\n", from) - from);
}

// What the server says of a request httplib could not parse (server_setup.cpp).
const std::string kUnparsed = "the request cannot be parsed";

// Walks the answers head by head (bodies skipped by Content-Length); an
// answer that says Connection: close must end the stream. Stops where the
// walk cannot follow (a chunked body, a HEAD answer's missing body).
void check_close_is_last(const std::string& answers) {
  std::size_t at = 0;
  while (at < answers.size() && answers.compare(at, 9, "HTTP/1.1 ") == 0) {
    const auto head_end = answers.find("\r\n\r\n", at);
    if (head_end == std::string::npos) return;
    const std::string head = answers.substr(at, head_end + 2 - at);
    const std::string length = header_value(head, "content-length");
    if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos || length.size() > 12) return;
    const std::size_t next = head_end + 4 + std::stoull(length);
    const bool closes = lower(header_value(head, "connection")) == "close";
    const std::string body = answers.substr(head_end + 4, std::min(next, answers.size()) - (head_end + 4));
    if (!closes && body.find(kUnparsed) != std::string::npos) {
      std::fprintf(stderr, "an unparsed request was answered without Connection: close:\n%s\n", answers.c_str());
      std::abort();
    }
    if (closes && next < answers.size()) {
      std::fprintf(stderr, "%zu bytes followed an answer that said Connection: close:\n%s\n", answers.size() - next,
                   answers.c_str());
      std::abort();
    }
    at = next;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Served* served = new Served;  // lives for the whole run
  check_close_is_last(exchange(served->port, data, size));
  return 0;
}
