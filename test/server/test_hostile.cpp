// The server attacked as a hostile client would: raw sockets on loopback,
// one case per defect of issues 10 and 22. Each case is bounded in requests and time;
// where memory was the defect, the server's peak RSS (VmHWM) is read from
// /proc and compared with a bound.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include <digitlab/nn/model.h>

#include "test_support.h"

using namespace test;
using Clock = std::chrono::steady_clock;

namespace {

// Peak resident memory of a process, in MB.
double peak_rss_mb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

bool alive(pid_t pid) { return waitpid(pid, nullptr, WNOHANG) == 0 && kill(pid, 0) == 0; }

// A raw TCP connection to the server on loopback.
class Raw {
 public:
  // receive_buffer > 0: a small socket buffer, as a client that reads
  // slowly on purpose keeps (the server's sends then wait on its reading).
  explicit Raw(int port, int receive_buffer = 0) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Raw() { close(fd_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  // Sends all of `data`; false once the server has closed its side.
  bool send_all(const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
      const ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Reads until the server closes, `limit` bytes arrived or `wait` passed
  // (0: what has arrived already).
  std::string read_for(std::chrono::milliseconds wait, std::size_t limit = 64u << 20) {
    std::string out;
    const auto end = Clock::now() + wait;
    char buf[65536];
    while (out.size() < limit) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) break;
      const ssize_t n = recv(fd_, buf, std::min(sizeof buf, limit - out.size()), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // No more bytes from us (a client that stopped sending part-way).
  void finish_sending() { shutdown(fd_, SHUT_WR); }
  // True when the server has closed the connection (EOF within `wait`).
  bool closed_within(std::chrono::milliseconds wait) {
    const auto end = Clock::now() + wait;
    char buf[65536];
    while (Clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  int fd_;
};

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(response.substr(9, 3));
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string put_head(const std::string& model, const std::string& extra) {
  return "PUT /api/models/" + model + "/weights HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra +
         "\r\n";
}

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

bool health_ok(const ServerProcess& server) {
  auto client = server.client();
  const auto res = client.Get("/api/health");
  return res && res->status == 200;
}

}  // namespace

TEST_CASE("1: a deeply nested version is a clear 400, not a crash", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  const std::string body = R"({"format":"digitlab-weights","version":)" + std::string(60000, '[') +
                           std::string(60000, ']') + "}";
  Raw raw(server.port());
  REQUIRE(raw.send_all(put_head("deep", "Content-Length: " + std::to_string(body.size()) + "\r\n") + body));
  const std::string answer = raw.read_for(std::chrono::seconds(10));
  CHECK(status_of(answer) == 400);
  CHECK(answer.find("nested deeper than 32 levels") != std::string::npos);
  CHECK(alive(server.pid()));
  CHECK(health_ok(server));
}

TEST_CASE("2: --max-body holds for chunked bodies, and the token is checked before the body", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start({"--max-body", "1000", "--token", "secret"});
  const double before = peak_rss_mb(server.pid());
  {  // 5 MB chunked to a 1000-byte limit: 413 after the first chunks, connection closed.
    Raw raw(server.port());
    std::string request = put_head("m", "Authorization: Bearer secret\r\nTransfer-Encoding: chunked\r\n");
    bool sent = raw.send_all(request);
    for (int i = 0; i < 80 && sent; ++i) sent = raw.send_all(chunk(std::string(65536, ' ')));
    const std::string answer = raw.read_for(std::chrono::seconds(5));
    CHECK(status_of(answer) == 413);
    CHECK(answer.find("Connection: close") != std::string::npos);
  }
  {  // Unauthenticated 500 MiB announced: 401 from the headers alone.
    Raw raw(server.port());
    REQUIRE(raw.send_all(put_head("m", "Content-Length: 524288000\r\n")));
    const std::string answer = raw.read_for(std::chrono::seconds(5));
    CHECK(status_of(answer) == 401);
    CHECK(answer.find("WWW-Authenticate: Bearer") != std::string::npos);
    CHECK(raw.closed_within(std::chrono::seconds(2)));
  }
  {  // Unauthenticated and chunked: 401 too, the chunks never read.
    Raw raw(server.port());
    REQUIRE(raw.send_all(put_head("m", "Transfer-Encoding: chunked\r\n") + chunk(std::string(60000, 'x'))));
    CHECK(status_of(raw.read_for(std::chrono::seconds(5))) == 401);
  }
  {  // Authenticated but over the limit by Content-Length: 413 without reading.
    Raw raw(server.port());
    REQUIRE(raw.send_all(put_head("m", "Authorization: Bearer secret\r\nContent-Length: 524288000\r\n")));
    CHECK(status_of(raw.read_for(std::chrono::seconds(5))) == 413);
  }
  INFO("peak RSS before " << before << " MB, after " << peak_rss_mb(server.pid()) << " MB");
  CHECK(peak_rss_mb(server.pid()) < before + 50);
}

TEST_CASE("3: Range headers cannot multiply a response; API answers are never partial", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  const std::string target = "/api/datasets/mnist/train/samples?offset=0&count=64";
  auto client = server.client();
  const auto whole = client.Get(target.c_str(), kBinary);
  REQUIRE(whole);
  REQUIRE(whole->status == 200);
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 999; ++i) ranges += ",0-";
  const double before = peak_rss_mb(server.pid());
  Raw raw(server.port());
  REQUIRE(raw.send_all("GET " + target + " HTTP/1.1\r\nHost: x\r\nAccept: application/octet-stream\r\nRange: " + ranges +
                       "\r\nConnection: close\r\n\r\n"));
  const std::string answer = raw.read_for(std::chrono::seconds(10));
  CHECK(status_of(answer) == 200);
  CHECK(answer.size() < whole->body.size() + 4096);
  CHECK(peak_rss_mb(server.pid()) < before + 50);
  // One range on an API route: still the whole answer, 200.
  const auto one = client.Get(target.c_str(), {{"Accept", "application/octet-stream"}, {"Range", "bytes=0-9"}});
  REQUIRE(one);
  CHECK(one->status == 200);
  CHECK(one->body == whole->body);
}

TEST_CASE("4: a JSON body costs a small multiple of its size, not 100x", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  const double before = peak_rss_mb(server.pid());
  const std::string body(30u << 20, '[');
  Raw raw(server.port());
  raw.send_all(put_head("m", "Content-Length: " + std::to_string(body.size()) + "\r\n") + body);
  const std::string answer = raw.read_for(std::chrono::seconds(20));
  CHECK(status_of(answer) == 400);
  const double growth = peak_rss_mb(server.pid()) - before;
  INFO("peak RSS grew by " << growth << " MB for a 30 MB body");
  CHECK(growth < 3 * 30);
}

TEST_CASE("5: 64 concurrent GETs of the largest model stay under 1 GB", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start({"--threads", "80"});
  // The largest net core allows (~15.8M parameters, a 63 MB binary).
  digitlab::ModelFile model;
  model.model = digitlab::make_model(digitlab::dense_architecture({4096, 3072}), 5);
  REQUIRE(model.model.params.size() > 15u << 20);
  {
    auto client = server.client();
    client.set_write_timeout(60, 0);
    client.set_read_timeout(60, 0);
    const auto put = put_binary(client, "big", binary_weights(model));
    REQUIRE(put);
    REQUIRE(put->status == 201);
  }
  model = {};
  std::vector<std::unique_ptr<Raw>> readers;
  for (int i = 0; i < 64; ++i) {
    readers.push_back(std::make_unique<Raw>(server.port()));
    const std::string accept = i % 2 ? "application/octet-stream" : "application/json";
    REQUIRE(readers.back()->send_all("GET /api/models/big/weights HTTP/1.1\r\nHost: x\r\nAccept: " + accept +
                                     "\r\nConnection: close\r\n\r\n"));
  }
  // Every client reads the start of its answer, then holds the connection.
  for (auto& reader : readers) CHECK(status_of(reader->read_for(std::chrono::seconds(20), 1u << 20)) == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double peak = peak_rss_mb(server.pid());
  INFO("peak RSS with 64 GETs under way: " << peak << " MB");
  CHECK(peak < 1024);
  readers.clear();
  CHECK(health_ok(server));
}

TEST_CASE("6: slow request heads are cut off, and SIGTERM still finishes in 5 s", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start({"--threads", "4", "--header-timeout", "2"});
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<Raw>(server.port()));
    REQUIRE(slow.back()->send_all("G"));
  }
  // Every worker thread is held by a trickler; they keep trickling.
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    for (int round = 0; round < 40 && trickling; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      for (auto& s : slow) s->send_all("E");
    }
  });
  const auto asked = Clock::now();
  auto client = server.client();
  client.set_read_timeout(8, 0);
  client.set_connection_timeout(8, 0);
  const auto res = client.Get("/api/health");
  const double waited = std::chrono::duration<double>(Clock::now() - asked).count();
  WARN("a normal request waited " << waited << " s (every worker held by a slow head)");
  CHECK(res);
  CHECK(waited < 5);  // the header deadline is 2 s; a generous bound
  const std::string cut = slow.front()->read_for(std::chrono::seconds(3));
  CHECK(status_of(cut) == 408);

  // Stop with slow connections open: finishes within 5 s.
  for (auto& s : slow) s = std::make_unique<Raw>(server.port());
  for (auto& s : slow) s->send_all("GET / HTTP/1.1\r\n");
  const auto stopping = Clock::now();
  CHECK(server.stop(SIGTERM) == 0);
  const double stop_s = std::chrono::duration<double>(Clock::now() - stopping).count();
  WARN("SIGTERM with 4 slow heads open: stopped in " << stop_s << " s");
  CHECK(stop_s < 5);
  trickling = false;
  trickle.join();
}

TEST_CASE("7: header count and size are limited with 431", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  const double before = peak_rss_mb(server.pid());
  {
    Raw raw(server.port());
    std::string request = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 200; ++i) request += "X-Filler-" + std::to_string(i) + ": 1\r\n";
    REQUIRE(raw.send_all(request + "\r\n"));
    const std::string answer = raw.read_for(std::chrono::seconds(5));
    CHECK(status_of(answer) == 431);
    CHECK(answer.find("\"code\":\"header_fields_too_large\"") != std::string::npos);
  }
  {  // 8 connections each sending 8 MB of headers in 4 KB lines.
    std::vector<std::unique_ptr<Raw>> raws;
    for (int c = 0; c < 8; ++c) {
      raws.push_back(std::make_unique<Raw>(server.port()));
      bool open = raws.back()->send_all("GET /api/health HTTP/1.1\r\n");
      for (int i = 0; i < 2048 && open; ++i) open = raws.back()->send_all("X-A: " + std::string(4000, 'a') + "\r\n");
      CHECK(status_of(raws.back()->read_for(std::chrono::seconds(5))) == 431);
    }
  }
  CHECK(peak_rss_mb(server.pid()) < before + 50);
  CHECK(health_ok(server));
}

TEST_CASE("8: pipelined requests are all answered, in order", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  Raw raw(server.port());
  REQUIRE(raw.send_all("GET /api/models/a/versions HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /api/models/c/versions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string answers = raw.read_for(std::chrono::seconds(5));
  CHECK(count_of(answers, "HTTP/1.1 ") == 3);
  const auto a = answers.find("no model named 'a'"), health = answers.find("\"status\""),
             c = answers.find("no model named 'c'");
  CHECK(a != std::string::npos);
  CHECK(health != std::string::npos);
  CHECK(c != std::string::npos);
  CHECK((a < health && health < c));
}

TEST_CASE("9: an empty If-Match or two of them are 400, and nothing is stored", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  const std::string body = json_weights(small_model(1));
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const std::string& condition : {std::string("If-Match:\r\n"), std::string("If-Match: \r\n"),
                                       std::string("If-Match: \"1\"\r\nIf-Match: \"2\"\r\n")}) {
    Raw raw(server.port());
    REQUIRE(raw.send_all(put_head("m", condition + length + "Connection: close\r\n") + body));
    const std::string answer = raw.read_for(std::chrono::seconds(5));
    INFO(condition);
    CHECK(status_of(answer) == 400);
    CHECK(answer.find("bad_precondition") != std::string::npos);
  }
  auto client = server.client();
  CHECK(client.Get("/api/models/m/versions")->status == 404);
}

TEST_CASE("10: JSON and binary weights carry distinct ETags and Vary: Accept", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  auto client = server.client();
  REQUIRE(put_json(client, "m", json_weights(small_model(1)))->status == 201);
  const auto json = client.Get("/api/models/m/weights?version=1");
  const auto binary = client.Get("/api/models/m/weights?version=1", kBinary);
  REQUIRE(json);
  REQUIRE(binary);
  CHECK(json->get_header_value("ETag") != binary->get_header_value("ETag"));
  CHECK(json->get_header_value("Vary") == "Accept");
  CHECK(binary->get_header_value("Vary") == "Accept");
  // A tag names one representation: the JSON tag does not validate binary.
  CHECK(client.Get("/api/models/m/weights?version=1",
                   {{"Accept", "application/octet-stream"}, {"If-None-Match", json->get_header_value("ETag")}})
            ->status == 200);
  // If-Match takes either tag: both name version 1.
  CHECK(put_json(client, "m", json_weights(small_model(2)), header("If-Match", binary->get_header_value("ETag")))
            ->status == 201);
}

TEST_CASE("11: ambiguous framing and out-of-range values are refused with clear messages", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  const std::string body = json_weights(small_model(1));
  for (const std::string& framing :
       {"Content-Length: " + std::to_string(body.size()) + "\r\nContent-Length: 5\r\n", std::string("Content-Length: abc\r\n"),
        "Content-Length: " + std::to_string(body.size()) + "\r\nTransfer-Encoding: chunked\r\n",
        std::string("Transfer-Encoding: gzip\r\n")}) {
    Raw raw(server.port());
    REQUIRE(raw.send_all(put_head("m", framing) + body));
    INFO(framing);
    CHECK(status_of(raw.read_for(std::chrono::seconds(5))) == 400);
  }
  auto client = server.client();
  const auto refused = [&](const std::string& from, const std::string& to, const char* message) {
    const auto at = body.find(from);
    REQUIRE(at != std::string::npos);
    const auto res = put_json(client, "m", std::string(body).replace(at, from.size(), to));
    REQUIRE(res);
    INFO(to.substr(0, 60));
    CHECK(res->status == 400);
    CHECK(res->body.find(message) != std::string::npos);
  };
  refused("\"spec\":\"dense8,relu,dense10\"", "\"spec\":\"dense4294967304,relu,dense10\"", "expected denseN");
  refused("\"batch_size\":0", "\"batch_size\":1e30", "batch_size must be an integer");
  refused("\"lr\":0.1", "\"lr\":-1", "lr must be a number from");
  refused("\"test_accuracy\":-1.0", "\"test_accuracy\":5", "test_accuracy");
  refused("\"input_std\":1.0", "\"input_std\":1e-45", "input_std must be in");
  refused("\"note\":\"seed 1\"", "\"note\":\"" + std::string(1 << 20, 'x') + "\"", "longer than");
  CHECK(client.Get("/api/models/m/versions")->status == 404);

  // A training request without a body takes the defaults at once.
  const auto started = Clock::now();
  Raw raw(server.port());
  REQUIRE(raw.send_all("POST /api/models/t/train HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string answer = raw.read_for(std::chrono::seconds(8));
  CHECK(status_of(answer) == 202);
  CHECK(std::chrono::duration<double>(Clock::now() - started).count() < 2);
}

TEST_CASE("11: --db '' is refused instead of opening the default database", "[hostile]") {
  TempDir dir;
  CHECK_THROWS(ServerProcess({"--db", "", "--data", std::string("mnist=") + DIGITLAB_TEST_MNIST}, dir / "log"));
  std::ifstream log(dir / "log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  CHECK(text.find("--db: needs a file name") != std::string::npos);
}

TEST_CASE("12: the SQLite connection pool stays bounded under concurrent requests", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  {
    auto client = server.client();
    REQUIRE(put_json(client, "m", json_weights(small_model(1)))->status == 201);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t)
    threads.emplace_back([&] {
      auto client = server.client();
      for (int i = 0; i < 20; ++i) client.Get("/api/models/m/versions");
    });
  std::size_t most = 0;
  for (int i = 0; i < 20; ++i) {
    std::size_t database_fds = 0;
    for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(server.pid()) + "/fd")) {
      std::error_code error;
      const std::string target = fs::read_symlink(fd.path(), error).string();
      if (target.find("models.db") != std::string::npos) ++database_fds;
    }
    most = std::max(most, database_fds);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& t : threads) t.join();
  INFO("most database file descriptors seen: " << most);
  CHECK(most <= 2 * 8 + 1);
}

TEST_CASE("13: hundreds of slow or idle connections do not delay a prompt request", "[hostile]") {
  // Four workers, and 300 connections whose heads trickle in beside 100
  // that never send a byte: a worker is spent only on a complete head, so a
  // client that sends its request at once is answered at once.
  Sandbox sandbox;
  ServerProcess& server = sandbox.start({"--threads", "4", "--header-timeout", "3"});
  std::vector<std::unique_ptr<Raw>> slow, idle;
  for (int i = 0; i < 300; ++i) {
    slow.push_back(std::make_unique<Raw>(server.port()));
    REQUIRE(slow.back()->send_all("GET /api/health HTTP/1.1\r\n"));
  }
  for (int i = 0; i < 100; ++i) idle.push_back(std::make_unique<Raw>(server.port()));
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    while (trickling) {
      for (auto& s : slow) s->send_all("X-Slow: 1\r\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  // Prompt means: answered before the header deadline (3 s) cut off any
  // trickler and freed its worker, as it would have to be if the tricklers
  // held the workers. An order of events, not a time: a busy machine does
  // not fail it.
  for (int round = 0; round < 3; ++round) {
    const auto asked = Clock::now();
    auto client = server.client();
    client.set_read_timeout(10, 0);
    const auto res = client.Get("/api/health");
    const double waited = std::chrono::duration<double>(Clock::now() - asked).count();
    WARN("round " << round << ": a prompt request beside 300 slow ones waited " << waited << " s");
    CHECK((res && res->status == 200));
    int cut = 0;
    for (auto& s : slow) cut += status_of(s->read_for(std::chrono::milliseconds(0))) == 408;
    CHECK(cut == 0);
  }
  // The tricklers are still cut off at their deadline, with 408.
  const std::string cut = slow.back()->read_for(std::chrono::seconds(6));
  CHECK(status_of(cut) == 408);
  trickling = false;
  trickle.join();
  CHECK(idle.front()->closed_within(std::chrono::seconds(1)));  // idle past the keep-alive wait
}

TEST_CASE("14: bodies sent slowly are cut off and cannot take every worker", "[hostile]") {
  Sandbox sandbox;
  ServerProcess& server = sandbox.start({"--threads", "12"});
  // 20 uploads announce 1 MB and send a byte a second.
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<Raw>(server.port()));
    const std::string head = put_head("slow" + std::to_string(i), "If-None-Match: *\r\nContent-Length: 1000000\r\n");
    REQUIRE(slow.back()->send_all(head));
  }
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    while (trickling) {
      for (auto& s : slow) s->send_all("{");
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto asked = Clock::now();
  CHECK(health_ok(server));
  const double waited = std::chrono::duration<double>(Clock::now() - asked).count();
  WARN("a GET beside 20 trickled bodies waited " << waited << " s");
  // 8 bodies are read at once; the other 12 are refused at once with 503
  // (their workers freed), and the 8 are cut off with 408 once they fall
  // behind 16 KiB/s after 5 s. The GET came first: answered before any
  // body was cut off and its worker freed (an order, not a time).
  std::vector<std::string> answers;
  for (auto& s : slow) answers.push_back(s->read_for(std::chrono::milliseconds(0)));
  CHECK(std::none_of(answers.begin(), answers.end(), [](const std::string& a) { return status_of(a) == 408; }));
  for (std::size_t i = 0; i < slow.size(); ++i)
    if (answers[i].empty()) answers[i] = slow[i]->read_for(std::chrono::seconds(10));
  int refused = 0, cut = 0;
  for (const std::string& answer : answers) {
    refused += status_of(answer) == 503 && answer.find("receiving other request bodies") != std::string::npos;
    cut += status_of(answer) == 408 && answer.find("too slowly") != std::string::npos;
  }
  CHECK(refused == 12);
  CHECK(cut == 8);
  trickling = false;
  trickle.join();
  // Nothing was stored, and an upload sent at once is stored.
  auto client = server.client();
  CHECK(client.Get("/api/models/slow0/versions")->status == 404);
  CHECK(put_json(client, "prompt", json_weights(small_model(1)))->status == 201);
}

TEST_CASE("15: at its open-file limit the server makes room for a prompt request", "[hostile]") {
  // 256 files allowed, soft and hard: 400 connections whose heads trickle in
  // would take them all, and a new connection could not be accepted until
  // the header deadline freed some. The longest-waiting ones are closed
  // instead, so a prompt request is answered at once.
  Sandbox sandbox;
  ServerProcess& server =
      sandbox.start({"--threads", "4", "--header-timeout", "5"}, {"prlimit", "--nofile=256:256", "--"});
  CHECK(server.log().find("up to 188 connections wait for a request") != std::string::npos);
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 400; ++i) {
    slow.push_back(std::make_unique<Raw>(server.port()));
    slow.back()->send_all("GET /api/health HTTP/1.1\r\n");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto asked = Clock::now();
  auto client = server.client();
  client.set_read_timeout(10, 0);
  const auto res = client.Get("/api/health");
  const double waited = std::chrono::duration<double>(Clock::now() - asked).count();
  WARN("a prompt request beside 400 slow ones, 256 files allowed, waited " << waited << " s");
  CHECK((res && res->status == 200));
  // Answered before the header deadline (5 s) cut off any slow head and
  // freed its file: an order of events, not a time.
  int cut = 0;
  for (auto& s : slow) cut += status_of(s->read_for(std::chrono::milliseconds(0))) == 408;
  CHECK(cut == 0);
  CHECK(slow.front()->closed_within(std::chrono::milliseconds(500)));  // made room for the others
}

TEST_CASE("16: a client that takes an answer a trickle at a time is cut off", "[hostile]") {
  // A 7.5 MB answer (more than the 4 MB a socket's send buffer takes) read
  // 64 bytes every 100 ms would hold a worker for hours: each send makes a
  // little progress, so no send timeout fires. Past kSlowClientGrace (5 s)
  // of waiting, the client must have taken 16 KiB/s: it has not, and the
  // server closes the connection.
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  {
    auto client = server.client();
    REQUIRE(put_binary(client, "big", binary_weights(small_model(1, {1024, 1024})))->status == 201);
  }
  Raw reader(server.port(), 4096);
  REQUIRE(reader.send_all("GET /api/models/big/weights HTTP/1.1\r\nHost: x\r\nAccept: application/octet-stream\r\n"
                          "Accept-Encoding: identity\r\n\r\n"));
  const auto asked = Clock::now();
  std::size_t taken = 0;
  bool cut = false;
  while (!cut && Clock::now() - asked < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string piece = reader.read_for(std::chrono::milliseconds(10), 64);
    taken += piece.size();
    if (piece.empty()) cut = reader.closed_within(std::chrono::milliseconds(10));
  }
  const double after = std::chrono::duration<double>(Clock::now() - asked).count();
  INFO("took " << taken << " bytes of a 7.5 MB answer in " << after << " s");
  CHECK(cut);
  CHECK(after < 15);
  CHECK(health_ok(server));
}

// --- issue 22: training jobs and request lines under a hostile client ------

namespace {

using nlohmann::json;

// Nets whose one batch takes seconds (conv3x3x256 twice, 217 samples: ~600
// GFLOP) or minutes (conv11x11x256 twice: ~2.4 TFLOP per 64), past the
// default --max-job-tflop: these servers take any job.
const std::string kSlowBatch = R"({"arch": "conv3x3x256,relu,conv3x3x256,relu,dense10", "batch_size": 217, "epochs": 1})";
const std::string kHugeBatch = R"({"arch": "conv11x11x256,relu,conv11x11x256,relu,dense10", "batch_size": 64, "epochs": 1})";
const std::vector<std::string> kAnyJob = {"--max-jobs", "1", "--max-job-tflop", "1000000"};

json submit(httplib::Client& client, const std::string& model, const std::string& body) {
  const auto res = client.Post(("/api/models/" + model + "/train").c_str(), body, "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 202);
  return body_json(res);
}

std::string job_state(httplib::Client& client, const json& job) {
  return body_json(client.Get("/api/jobs/" + job["id"].dump()))["state"].get<std::string>();
}

// Until the job's trainer runs (then inside its first batch: these take seconds).
void wait_running(httplib::Client& client, const json& job) {
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (job_state(client, job) != "running" && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(job_state(client, job) == "running");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well into the batch
}

json health(const ServerProcess& server) {
  auto client = server.client();
  return body_json(client.Get("/api/health"));
}

}  // namespace

TEST_CASE("17: submit and DELETE churn never runs more trainers than --max-jobs", "[hostile]") {
  // Before: a DELETE took the job out of its slot at once but joined its
  // trainer only after the batch (9-14 s); a client that gave up on the
  // DELETE and resubmitted got a new trainer beside the old: 5 at once with
  // --max-jobs 1, 333 -> 2,501 MB. Now a DELETE interrupts the batch and the
  // cancelled trainer holds its slot until its thread has ended.
  Sandbox sandbox;
  ServerProcess& server = sandbox.start(kAnyJob);
  const double idle_mb = peak_rss_mb(server.pid());
  auto client = server.client();
  auto impatient = server.client();
  impatient.set_read_timeout(1, 0);  // gives up on a slow DELETE and carries on
  std::size_t most_trainers = 0;
  for (int round = 0; round < 6; ++round) {
    const json job = submit(client, "churn", kSlowBatch);
    wait_running(client, job);
    CHECK(health(server)["jobs"]["trainers"] == 1);
    impatient.Delete("/api/jobs/" + job["id"].dump());
    most_trainers = std::max(most_trainers, health(server)["jobs"]["trainers"].get<std::size_t>());
  }
  const double peak_mb = peak_rss_mb(server.pid());
  WARN("6 submit/DELETE rounds: peak RSS " << idle_mb << " -> " << peak_mb << " MB, most trainers " << most_trainers);
  CHECK(most_trainers <= 1);
  // One trainer of this net holds at most 1.1 GB (core's training_cost;
  // 0.3 GB measured 0.3 s into its batch); several at once pass it.
  CHECK(peak_mb < idle_mb + 1100);
  CHECK(health(server)["jobs"]["trainers"] == 0);
}

TEST_CASE("18: DELETE stops a job in a minutes-long batch within 0.5 s; SIGTERM exits within 3 s, keeping writes",
          "[hostile]") {
  Sandbox sandbox;
  ServerProcess* server = &sandbox.start(kAnyJob);
  auto client = server->client();
  const std::string kept = binary_weights(small_model(4));
  REQUIRE(put_binary(client, "kept", kept)->status == 201);

  const json cancelled = submit(client, "huge", kHugeBatch);
  wait_running(client, cancelled);
  auto asked = Clock::now();
  const auto res = client.Delete("/api/jobs/" + cancelled["id"].dump());
  const double delete_s = std::chrono::duration<double>(Clock::now() - asked).count();
  WARN("DELETE of a conv11x11x256 job in its batch answered in " << delete_s << " s");
  REQUIRE(res);
  CHECK(body_json(res)["state"] == "cancelled");
  CHECK(delete_s < 0.5);
  CHECK(health(*server)["jobs"]["trainers"] == 0);

  const json handed_back = submit(client, "huge", kHugeBatch);
  wait_running(client, handed_back);
  asked = Clock::now();
  CHECK(server->stop(SIGTERM) == 0);
  const double stop_s = std::chrono::duration<double>(Clock::now() - asked).count();
  WARN("SIGTERM with a conv11x11x256 job in its batch: exited in " << stop_s << " s");
  CHECK(stop_s < 3);

  server = &sandbox.start(kAnyJob);
  auto restarted = server->client();
  const auto back = restarted.Get("/api/models/kept/weights", kBinary);
  REQUIRE(back);
  CHECK(back->status == 200);
  CHECK(back->body == canonical_binary(kept));
  CHECK(job_state(restarted, cancelled) == "cancelled");
  const std::string state = job_state(restarted, handed_back);  // queued again, or claimed by the new server
  CHECK((state == "queued" || state == "running"));
  restarted.Delete("/api/jobs/" + handed_back["id"].dump());
}

TEST_CASE("19: a request line that cannot be parsed closes the connection; its body is never a request",
          "[hostile][api]") {
  // Before: answered 400 with keep-alive, and the bytes after the request
  // line (headers, then a body that is itself a request) were read as the
  // next requests: a job was created, through nginx too. [api]: this case
  // also runs through the test cluster's nginx.
  Sandbox sandbox;
  ServerProcess& server = sandbox.start();
  const bool through_nginx = std::getenv("DIGITLAB_TEST_CLUSTER") != nullptr;
  const std::string smuggled =
      "POST /api/models/smuggled/train HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\n\r\n{}";
  const std::vector<std::string> request_lines = {"FOOBAR / HTTP/1.1", "get / HTTP/1.1", "GET / HTTP/7.0",
                                                  "GET /a b HTTP/1.1", "GET /?a?b HTTP/1.1", "GET"};
  for (const std::string& line : request_lines) {
    INFO(line);
    Raw raw(server.port());
    REQUIRE(raw.send_all(line + "\r\nHost: x\r\nContent-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" +
                         smuggled));
    const std::string answer = raw.read_for(std::chrono::seconds(2));
    INFO(answer.substr(0, 300));
    CHECK(count_of(answer, "HTTP/1.1 ") == 1);
    // nginx takes some of these lines itself (it serves GET /?a?b), reads the
    // body as the request's own and may keep its connection; the job count
    // below is what matters there.
    if (!through_nginx) {
      CHECK(status_of(answer) == 400);
      CHECK(answer.find("Connection: close") != std::string::npos);
      CHECK(raw.closed_within(std::chrono::milliseconds(500)));
    }
  }
  // A body shorter than its Content-Length (the client stops sending): 400,
  // and the connection closes too (it was kept, saying it closed).
  if (!through_nginx) {
    Raw raw(server.port());
    // fuzz_request's find: a head httplib takes, a body cut short.
    const char head[] = "PUT /api/\rGdels/a/weights HTTP/1.1\r\nHost: x\r\nContent-Type: ad\r0\0lication/json\r\n"
                        "Content-Length: 4\r\n\r\n{u";
    REQUIRE(raw.send_all(std::string(head, sizeof head - 1)));
    raw.finish_sending();
    const std::string answer = raw.read_for(std::chrono::seconds(2));
    INFO(answer.substr(0, 300));
    CHECK(status_of(answer) == 400);
    CHECK(answer.find("Connection: close") != std::string::npos);
  }
  const json jobs = health(server)["jobs"];
  CHECK(jobs["running"] == 0);
  CHECK(jobs["queued"] == 0);
  auto client = server.client();
  CHECK(client.Get("/api/models/smuggled/versions")->status == 404);
  // A request that parses keeps its connection.
  Raw raw(server.port());
  REQUIRE(raw.send_all("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(count_of(raw.read_for(std::chrono::seconds(2)), "HTTP/1.1 200") == 2);
}
