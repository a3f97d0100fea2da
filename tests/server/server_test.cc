// The one test that uses a socket: the Beast server on port 0 in front of a
// real SQLite file.
#include "server/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <future>
#include <thread>

#include "collector/sources/signature.h"
#include "server/api.h"
#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

// Sends raw bytes, reads until the server closes; returns the whole response.
std::string Exchange(unsigned short port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::string Request(const std::string& method, const std::string& target, const std::string& body) {
  return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config c = harness.config();
    c.max_body = 4096;
    api = std::make_unique<Api>(harness.ingest(), ApiOptions{"test", c.auth.ingest_token, c.auth.read_token, c.sources});
    server = std::make_unique<Server>(*api, ServerOptions{.max_body = c.max_body, .read_timeout = std::chrono::seconds(5)});
    auto bound = server->Listen("127.0.0.1:0");
    ASSERT_TRUE(bound.ok()) << bound.status().message();
    port = *bound;
    runner = std::thread([this] { server->Run(2); });
  }
  void TearDown() override {
    server->Stop();
    if (runner.joinable()) runner.join();
  }

  static Config WithGitHub() {
    Config c;
    c.sources["github"].configured = true;
    c.sources["github"].secret = "It's a Secret to Everybody";
    return c;
  }
  ApiHarness harness{WithGitHub(), T("2026-11-21T20:35:30Z")};
  std::unique_ptr<Api> api;
  std::unique_ptr<Server> server;
  std::thread runner;
  unsigned short port = 0;
};

TEST(ServerListen, APortOutOfRangeIsRefusedNotWrapped) {
  ApiHarness h;
  Api api(h.ingest(), ApiOptions{"test"});
  Server server(api, ServerOptions{.max_body = 4096, .read_timeout = std::chrono::seconds(5)});
  Result<unsigned short> bound = server.Listen("127.0.0.1:99999");
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().field(), "listen");
  EXPECT_NE(bound.status().message().find("0 to 65535"), std::string::npos) << bound.status().message();
}

TEST_F(ServerTest, ATransferEncodingThatIsNotChunkedIs400AndCloses) {
  // A body without a defined end, then a second request the server must not
  // take as part of it (or answer after a 400).
  std::string resp = Exchange(port,
                              "POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: identity\r\n\r\n{}"
                              "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(resp.rfind("HTTP/1.1 400", 0), 0u) << resp;
  EXPECT_NE(resp.find("Transfer-Encoding"), std::string::npos) << resp;
  EXPECT_EQ(resp.find("HTTP/1.1 200"), std::string::npos) << "nothing after the refused request is answered";
  // Chunked still works.
  std::string body = R"({"type":"change","time":"2026-11-21T20:30:00Z","service":"a","kind":"deploy"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  std::string chunked = Exchange(port, "POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                       "Transfer-Encoding: chunked\r\n\r\n" + std::string(size) + "\r\n" + body +
                                       "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 200", 0), 0u) << chunked;
}

TEST_F(ServerTest, ExpectContinueGetsA100BeforeTheBody) {
  std::string body = R"({"type":"change","time":"2026-11-21T20:30:00Z","service":"a","kind":"deploy"})";
  std::string resp = Exchange(port, "POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                    "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
                                    "\r\n\r\n" + body);
  EXPECT_EQ(resp.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200", 0), 0u) << resp;
}

TEST_F(ServerTest, AcceptsTheCapturedWebhookAndKeepsItInTheStore) {
  ASSERT_NE(port, 0);
  std::string body = ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json"));
  std::string resp = Exchange(port, Request("POST", "/webhooks/alertmanager", body));
  EXPECT_EQ(resp.rfind("HTTP/1.1 200", 0), 0u) << resp;
  EXPECT_NE(resp.find("\"accepted\":1"), std::string::npos) << resp;
  bool stored = false;
  ASSERT_TRUE(harness.store().ForEach([&](const StoredEvent& e) {
    stored = e.source == "alertmanager";
    return Status::Ok();
  }).ok());
  EXPECT_TRUE(stored) << "durable before the 200";
}

TEST_F(ServerTest, OversizedBodyIs413AndTheServerKeepsServing) {
  std::string big(8192, ' ');
  std::string resp = Exchange(port, Request("POST", "/api/v1/events", big));
  EXPECT_EQ(resp.rfind("HTTP/1.1 413", 0), 0u) << resp;
  EXPECT_NE(resp.find("\"field\":\"body\""), std::string::npos) << resp;
  std::string health = Exchange(port, Request("GET", "/healthz", ""));
  EXPECT_EQ(health.rfind("HTTP/1.1 200", 0), 0u) << health;
}

TEST_F(ServerTest, GarbageIs400AndTheServerKeepsServing) {
  std::string resp = Exchange(port, "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(resp.rfind("HTTP/1.1 400", 0), 0u) << resp;
  std::string bad_json = Exchange(port, Request("POST", "/api/v1/events", "{\"type\":"));
  EXPECT_EQ(bad_json.rfind("HTTP/1.1 400", 0), 0u) << bad_json;
  std::string metrics = Exchange(port, Request("GET", "/metrics", ""));
  EXPECT_EQ(metrics.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_NE(metrics.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(metrics.find("debriefd_build_info{version=\"test\"} 1"), std::string::npos);
}

// A scrape's body is written into the buffer of an earlier one once that
// was sent (HttpResponse::recycle_body): each scrape is still whole, with
// nothing of the one before it, HEAD included.
TEST_F(ServerTest, ScrapesThatReuseAnEarlierBodysBufferAreWhole) {
  auto body = [](const std::string& resp) { return resp.substr(resp.find("\r\n\r\n") + 4); };
  const std::string first = body(Exchange(port, Request("GET", "/metrics", "")));
  ASSERT_NE(first.find("debriefd_build_info{version=\"test\"} 1\n"), std::string::npos) << first;
  std::string head = Exchange(port, Request("HEAD", "/metrics", ""));
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  EXPECT_EQ(body(head), "");
  for (int i = 0; i < 3; ++i) {
    const std::string again = body(Exchange(port, Request("GET", "/metrics", "")));
    // The process's figures (CPU, memory, requests so far) move between
    // scrapes; the families and their order do not.
    auto names = [](const std::string& text) {
      std::string out;
      for (size_t at = 0; (at = text.find("# TYPE ", at)) != std::string::npos; ++at) {
        out += text.substr(at, text.find('\n', at) - at) + "\n";
      }
      return out;
    };
    EXPECT_EQ(names(again), names(first));
    EXPECT_EQ(again.back(), '\n');
    EXPECT_EQ(again.find("# HELP"), 0u) << again.substr(0, 200);
  }
}

// An answer over 16 KiB goes out as its header and its body in two buffers,
// a smaller one in one: both arrive whole, with the length they announce.
TEST_F(ServerTest, SmallAndLargeAnswersArriveWholeWithTheirLength) {
  auto split = [](const std::string& resp) {
    const size_t end = resp.find("\r\n\r\n");
    const size_t at = resp.find("Content-Length: ");
    EXPECT_NE(at, std::string::npos) << resp.substr(0, 300);
    const size_t length = std::stoul(resp.substr(at + 16, resp.find("\r\n", at) - at - 16));
    return std::pair{length, resp.substr(end + 4)};
  };
  const auto [small_length, small] = split(Exchange(port, Request("GET", "/metrics", "")));
  EXPECT_LT(small.size(), 16384u) << "no incident yet: the answer fits the header's buffer";
  EXPECT_EQ(small_length, small.size());
  // Some 4 KB of series for each (service, severity).
  for (int i = 0; i < 8; ++i) {
    const std::string service = "svc-" + std::to_string(i);
    const std::string body = R"({"alerts":[{"status":"firing","labels":{"alertname":"Errors","service":")" + service +
                             R"(","severity":"critical"},"startsAt":"2026-11-21T20:30:00Z"}]})";
    ASSERT_EQ(Exchange(port, Request("POST", "/webhooks/alertmanager", body)).rfind("HTTP/1.1 200", 0), 0u);
  }
  const auto [large_length, large] = split(Exchange(port, Request("GET", "/metrics", "")));
  EXPECT_GT(large.size(), 16384u);
  EXPECT_EQ(large_length, large.size());
  EXPECT_EQ(large.find("# HELP"), 0u);
  EXPECT_EQ(large.back(), '\n');
  for (int i = 0; i < 8; ++i) {
    EXPECT_NE(large.find("debriefd_incidents_total{service=\"svc-" + std::to_string(i) + "\",severity=\"critical\"} 1\n"),
              std::string::npos)
        << i;
  }
}

// Over a real socket: header names in GitHub's own case reach the source,
// and the signature is checked over the bytes as sent (indentation and all).
TEST_F(ServerTest, ASignedGitHubWebhookIsCheckedOverTheRawBytes) {
  std::string body = ReadFile(SourcePath("tests/fixtures/github/deployment_status.json"));
  std::string signature = "sha256=" + signature::HmacSha256Hex("It's a Secret to Everybody", body);
  auto request = [&](const std::string& sig) {
    return "POST /webhooks/github HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
           "Content-Type: application/json\r\nX-GitHub-Event: deployment_status\r\n"
           "X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958\r\nX-Hub-Signature-256: " + sig +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  std::string resp = Exchange(port, request(signature));
  EXPECT_EQ(resp.rfind("HTTP/1.1 200", 0), 0u) << resp;
  EXPECT_NE(resp.find("\"accepted\":1"), std::string::npos) << resp;
  std::string forged = Exchange(port, request("sha256=" + std::string(64, '0')));
  EXPECT_EQ(forged.rfind("HTTP/1.1 401", 0), 0u) << forged;
  EXPECT_NE(forged.find("\"field\":\"x-hub-signature-256\""), std::string::npos) << forged;
}

// ---------------------------------------------------------------------------
// The edge's limits and its drain, with a server started per test.

// One client connection; every read gives up after 30 s so that a broken
// server fails the test instead of hanging it.
class Conn {
 public:
  explicit Conn(unsigned short port, bool connect_now = true) : fd_(::socket(AF_INET, SOCK_STREAM, 0)), port_(port) {
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect_now) Connect();
  }
  ~Conn() { Close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool Connect() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    return connected_;
  }
  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  bool Send(std::string_view data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // One response: the header and Content-Length bytes of body; "" on EOF or error.
  std::string ReadResponse() {
    std::string out;
    size_t header_end;
    while ((header_end = out.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadSome(out)) return out;
    }
    size_t length = 0;
    std::string lower = out.substr(0, header_end);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (size_t at = lower.find("\r\ncontent-length: "); at != std::string::npos) {
      length = std::stoul(lower.substr(at + 18));
    }
    while (out.size() < header_end + 4 + length) {
      if (!ReadSome(out)) break;
    }
    return out;
  }
  // Everything until the server closes.
  std::string ReadAll() {
    std::string out;
    while (ReadSome(out)) {
    }
    return out;
  }
  // True when the server closed the connection (EOF), false on data or timeout.
  bool ClosedByServer() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  bool ReadSome(std::string& out) {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    out.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  unsigned short port_;
  bool connected_ = false;
};

std::string PostHeader(size_t content_length, const std::string& extra = "") {
  return "POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + extra +
         "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

// Waits (polling) for a condition the server reaches asynchronously; false
// after 30 s.
template <typename F>
bool Eventually(F condition) {
  for (int i = 0; i < 3000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

const std::string kChange = R"({"type":"change","time":"2026-11-21T20:30:00Z","service":"a","kind":"deploy"})";

class EdgeTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options) {
    api = std::make_unique<Api>(harness.ingest(), ApiOptions{"test"});
    server = std::make_unique<Server>(*api, std::move(options));
    auto bound = server->Listen("127.0.0.1:0");
    ASSERT_TRUE(bound.ok()) << bound.status().message();
    port = *bound;
    runner = std::async(std::launch::async, [this] { server->Run(2); });
  }
  void TearDown() override {
    harness.ingest().Start();
    if (server) server->Stop();
    if (runner.valid()) runner.wait();
    // The writer may still hold a request's callback (and with it a
    // session): it lets go before the server it points into is destroyed.
    harness.ingest().Stop();
  }

  ApiHarness harness{Config{}, T("2026-11-21T20:35:30Z")};
  std::unique_ptr<Api> api;
  std::unique_ptr<Server> server;
  std::future<void> runner;
  unsigned short port = 0;
};

TEST_F(EdgeTest, ABodyThatDoesNotFitTheBudgetIs503WithRetryAfterBeforeItIsRead) {
  Start(ServerOptions{.max_body = 8000, .max_inflight_bytes = 10000});
  // The first request takes 8000 bytes of the budget and holds them while
  // its body trickles in.
  Conn first(port);
  ASSERT_TRUE(first.Send(PostHeader(8000) + "{"));
  ASSERT_TRUE(Eventually([&] { return server->stats().inflight_bytes == 8000; }));
  // The second does not fit in what is left: answered from its header alone.
  Conn second(port);
  ASSERT_TRUE(second.Send(PostHeader(5000)));
  std::string busy = second.ReadResponse();
  EXPECT_EQ(busy.rfind("HTTP/1.1 503", 0), 0u) << busy;
  EXPECT_NE(busy.find("Retry-After: 1"), std::string::npos) << busy;
  EXPECT_NE(busy.find("Connection: close"), std::string::npos) << busy;
  EXPECT_EQ(server->stats().inflight_rejected_total, 1u);
  // The first ends (a bad body: 400) and gives its share back.
  ASSERT_TRUE(first.Send(std::string(7999, ' ')));
  std::string done = first.ReadResponse();
  EXPECT_EQ(done.rfind("HTTP/1.1 400", 0), 0u) << done;
  EXPECT_TRUE(Eventually([&] { return server->stats().inflight_bytes == 0; }));
  Conn third(port);
  ASSERT_TRUE(third.Send(PostHeader(kChange.size()) + kChange));
  std::string ok = third.ReadResponse();
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
}

TEST_F(EdgeTest, ABodyLargerThanTheWholeBudgetIs413) {
  Start(ServerOptions{.max_body = 20000, .max_inflight_bytes = 10000});
  Conn c(port);
  ASSERT_TRUE(c.Send(PostHeader(15000)));
  std::string resp = c.ReadResponse();
  EXPECT_EQ(resp.rfind("HTTP/1.1 413", 0), 0u) << resp;
  EXPECT_NE(resp.find("limits.max_inflight_bytes"), std::string::npos) << resp;
  EXPECT_EQ(server->stats().inflight_bytes, 0u);
}

TEST_F(EdgeTest, AChunkedBodyTakesFromTheBudgetAsItGrows) {
  Start(ServerOptions{.max_body = 8000, .max_inflight_bytes = 1000});
  Conn small(port);
  std::string chunk(600, ' ');
  auto chunked = [&](int chunks) {
    std::string r = "POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < chunks; ++i) r += "258\r\n" + chunk + "\r\n";  // 0x258 = 600
    return r + "0\r\n\r\n";
  };
  // 600 bytes fit (a bad body: 400 from the API, not from the edge) ...
  ASSERT_TRUE(small.Send(chunked(1)));
  std::string fits = small.ReadResponse();
  EXPECT_EQ(fits.rfind("HTTP/1.1 400", 0), 0u) << fits;
  EXPECT_EQ(fits.find("too many request bodies"), std::string::npos) << fits;
  // ... 1800 do not.
  Conn big(port);
  ASSERT_TRUE(big.Send(chunked(3)));
  std::string busy = big.ReadResponse();
  EXPECT_EQ(busy.rfind("HTTP/1.1 503", 0), 0u) << busy;
  EXPECT_TRUE(Eventually([&] { return server->stats().inflight_bytes == 0; }));
}

TEST_F(EdgeTest, BeforeBodyAnswersFromTheHeaderAndTheBodyIsNeverRead) {
  std::mutex mu;
  std::string remote;
  ServerOptions options{.max_body = 1 << 20};
  options.before_body = [&](const HttpRequest& req) -> std::optional<HttpResponse> {
    std::lock_guard lock(mu);
    remote = req.remote;
    EXPECT_TRUE(req.body.empty());
    if (req.headers.count("x-allow") > 0) return std::nullopt;
    HttpResponse r = ErrorResponse(Status::Unauthenticated("authorization", "no"));
    r.headers["WWW-Authenticate"] = "Bearer";
    return r;
  };
  Start(std::move(options));
  Conn refused(port);
  // A megabyte announced, not a byte of it sent: the answer comes anyway.
  ASSERT_TRUE(refused.Send(PostHeader(1 << 20)));
  std::string resp = refused.ReadResponse();
  EXPECT_EQ(resp.rfind("HTTP/1.1 401", 0), 0u) << resp;
  EXPECT_NE(resp.find("WWW-Authenticate: Bearer"), std::string::npos) << resp;
  EXPECT_EQ(server->stats().inflight_bytes, 0u);
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(remote.rfind("127.0.0.1:", 0), 0u) << remote;
  }
  Conn allowed(port);
  ASSERT_TRUE(allowed.Send(PostHeader(kChange.size(), "X-Allow: 1\r\n") + kChange));
  std::string ok = allowed.ReadResponse();
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
}

TEST_F(EdgeTest, ConnectionsBeyondMaxConnectionsAreRefusedAndCounted) {
  Start(ServerOptions{.max_connections = 2});
  Conn a(port), b(port);
  ASSERT_TRUE(Eventually([&] { return server->stats().connections_open == 2; }));
  Conn c(port);
  ASSERT_TRUE(c.connected());
  std::string refused = c.ReadAll();
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_EQ(server->stats().connections_refused_total, 1u);
  EXPECT_EQ(server->stats().connections_open, 2u);
  // A connection that ends makes room.
  a.Close();
  ASSERT_TRUE(Eventually([&] { return server->stats().connections_open == 1; }));
  Conn d(port);
  ASSERT_TRUE(d.Send(Request("GET", "/healthz", "")));
  std::string ok = d.ReadResponse();
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
}

TEST_F(EdgeTest, A413IsReadByAClientThatIsStillSendingItsBody) {
  // Without a lingering close the server's close with unread bytes resets
  // the connection: a client still writing its body gets "connection reset"
  // on its next write, and clients such as curl give up there, without
  // reading the 413 that arrived.
  Start(ServerOptions{.max_body = 4096});
  Conn c(port);
  const std::string body(4 << 20, 'x');
  ASSERT_TRUE(c.Send(PostHeader(body.size())));
  EXPECT_TRUE(c.Send(body)) << "the server reads and discards the rest instead of resetting: " << std::strerror(errno);
  std::string resp = c.ReadAll();
  EXPECT_EQ(resp.rfind("HTTP/1.1 413", 0), 0u) << resp.substr(0, 200);
  EXPECT_NE(resp.find("limits.max_body"), std::string::npos) << resp.substr(0, 200);
}

// Lowers the open file limit and fills every descriptor below it, so that
// accept() fails with EMFILE; undone on destruction.
class FdExhaustion {
 public:
  FdExhaustion() {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lower = saved_;
    lower.rlim_cur = std::min<rlim_t>(saved_.rlim_cur, 512);
    ::setrlimit(RLIMIT_NOFILE, &lower);
    for (;;) {
      int fd = ::open("/dev/null", O_RDONLY);
      if (fd < 0) break;
      fds_.push_back(fd);
    }
  }
  ~FdExhaustion() { Release(); }
  void Release() {
    for (int fd : fds_) ::close(fd);
    fds_.clear();
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }

 private:
  rlimit saved_{};
  std::vector<int> fds_;
};

TEST_F(EdgeTest, AcceptErrorsBackOffInsteadOfSpinning) {
  Start(ServerOptions{.accept_backoff_initial = std::chrono::milliseconds(5),
                      .accept_backoff_max = std::chrono::milliseconds(40)});
  Conn client(port, /*connect_now=*/false);  // its descriptor, before there are none
  {
    FdExhaustion exhausted;
    ASSERT_TRUE(client.Connect());  // completed by the kernel; accept() fails
    ASSERT_TRUE(Eventually([&] { return server->stats().accept_errors_total >= 4; }));
    // 5, 10, 20, 40 ms: doubling, then held at the maximum.
    EXPECT_EQ(server->stats().accept_backoff, std::chrono::milliseconds(40));
  }
  // Descriptors back: the waiting connection is accepted and served.
  ASSERT_TRUE(client.Send(Request("GET", "/healthz", "")));
  std::string ok = client.ReadResponse();
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_EQ(server->stats().accept_backoff, Duration{0});
}

TEST_F(EdgeTest, ShutdownAnswersTheRequestInFlightClosesIdleConnectionsAndRunReturns) {
  Start(ServerOptions{});
  harness.ingest().Stop();  // the API answers an ingest request only once restarted
  Conn idle(port);
  Conn busy(port);
  // Keep-alive: only the drain ends this connection.
  ASSERT_TRUE(busy.Send(PostHeader(kChange.size()) + kChange));
  // In the API: its body's share of the budget is held until it is answered.
  ASSERT_TRUE(Eventually([&] { return server->stats().inflight_bytes == kChange.size(); }));
  server->Shutdown(std::chrono::minutes(10));
  EXPECT_TRUE(idle.ClosedByServer()) << "the idle connection is closed";
  Conn late(port);
  EXPECT_FALSE(late.connected()) << "no longer accepting";
  EXPECT_EQ(runner.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
      << "Run waits for the request in flight";
  harness.ingest().Start();
  std::string resp = busy.ReadResponse();
  EXPECT_EQ(resp.rfind("HTTP/1.1 200", 0), 0u) << resp;
  EXPECT_NE(resp.find("Connection: close"), std::string::npos) << resp;
  EXPECT_TRUE(busy.ClosedByServer());
  EXPECT_EQ(runner.wait_for(std::chrono::seconds(30)), std::future_status::ready)
      << "Run returns once no connection is left, long before the timeout";
}

TEST_F(EdgeTest, ShutdownGivesUpOnARequestNotAnsweredWithinTheTimeout) {
  Start(ServerOptions{});
  harness.ingest().Stop();
  Conn busy(port);
  ASSERT_TRUE(busy.Send(PostHeader(kChange.size()) + kChange));
  ASSERT_TRUE(Eventually([&] { return server->stats().inflight_bytes == kChange.size(); }));
  server->Shutdown(std::chrono::milliseconds(50));
  EXPECT_EQ(runner.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  // The answer comes after Run returned: handed to the stopped server, not sent.
  harness.ingest().Start();
  harness.ingest().Stop();
}

long StatusKiB(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  }
  return -1;
}
long RssKiB() { return StatusKiB("VmRSS:"); }
long PeakRssKiB() { return StatusKiB("VmHWM:"); }

// The issue's figures: 1,000 connections each announcing a 1 MiB body took
// 1,015 MB; 300 unauthenticated ones 311 MB. With the budget at 64 MiB the
// process grows by less than 128 MiB, and the unauthenticated ones are
// answered before their bodies.
TEST_F(EdgeTest, MemoryStaysBoundedWith1000Concurrent1MiBBodies) {
  rlimit nofile{};
  ::getrlimit(RLIMIT_NOFILE, &nofile);
  if (nofile.rlim_cur < 4096) {
    nofile.rlim_cur = std::min<rlim_t>(nofile.rlim_max, 4096);
    ::setrlimit(RLIMIT_NOFILE, &nofile);
  }
  if (nofile.rlim_cur < 4096) GTEST_SKIP() << "needs 4096 open files, the limit is " << nofile.rlim_cur;
  constexpr size_t kMiB = 1 << 20;
  ServerOptions options{.max_body = 2 * kMiB,
                        .read_timeout = std::chrono::minutes(5),
                        .max_inflight_bytes = 64 * kMiB,
                        .max_connections = 2000,
                        .linger_timeout = std::chrono::minutes(5)};
  options.before_body = [](const HttpRequest& req) -> std::optional<HttpResponse> {
    if (req.authorization == "Bearer t") return std::nullopt;
    return ErrorResponse(Status::Unauthenticated("authorization", "bearer token required"));
  };
  Start(std::move(options));
  // The peak (VmHWM) from here on: the kernel resets it on writing 5.
  std::ofstream("/proc/self/clear_refs") << "5";
  const long before = RssKiB();

  // 1,000 authorised clients each send all but the last byte of 1 MiB, so
  // that none finishes: what the server holds is held at once.
  const std::string header = PostHeader(kMiB, "Authorization: Bearer t\r\n");
  const std::string body(kMiB - 1, 'x');
  std::vector<std::unique_ptr<Conn>> clients;
  std::vector<size_t> sent;
  for (int i = 0; i < 1000; ++i) {
    clients.push_back(std::make_unique<Conn>(port));
    ASSERT_TRUE(clients.back()->connected()) << i;
    ASSERT_TRUE(clients.back()->Send(header)) << i;
    ::fcntl(clients.back()->fd(), F_SETFL, O_NONBLOCK);
    sent.push_back(0);
  }
  size_t pending = clients.size();
  std::vector<bool> done(clients.size(), false);
  while (pending > 0) {
    std::vector<pollfd> fds;
    std::vector<size_t> index;
    for (size_t i = 0; i < clients.size(); ++i) {
      if (!done[i]) {
        fds.push_back({clients[i]->fd(), POLLOUT, 0});
        index.push_back(i);
      }
    }
    ASSERT_GT(::poll(fds.data(), fds.size(), 30000), 0) << pending << " clients stuck";
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      const size_t i = index[k];
      ssize_t n = ::send(clients[i]->fd(), body.data() + sent[i], body.size() - sent[i], MSG_NOSIGNAL);
      if (n > 0) sent[i] += static_cast<size_t>(n);
      // Done when all is sent, or when the server (after its 503) stops reading.
      if (sent[i] == body.size() || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        done[i] = true;
        --pending;
      }
    }
  }
  ASSERT_TRUE(Eventually([&] {
    ServerStats s = server->stats();
    return s.inflight_bytes == 64 * kMiB && s.inflight_rejected_total == 1000 - 64;
  })) << server->stats().inflight_bytes << " bytes held, " << server->stats().inflight_rejected_total << " refused";

  // 300 more without credentials, all open at once: refused from the header.
  std::vector<std::unique_ptr<Conn>> strangers;
  for (int i = 0; i < 300; ++i) {
    strangers.push_back(std::make_unique<Conn>(port));
    ASSERT_TRUE(strangers.back()->Send(PostHeader(kMiB))) << i;
  }
  int unauthorised = 0;
  for (auto& s : strangers) unauthorised += s->ReadResponse().rfind("HTTP/1.1 401", 0) == 0;
  EXPECT_EQ(unauthorised, 300);
  EXPECT_EQ(server->stats().inflight_bytes, 64 * kMiB) << "no unauthenticated body took from the budget";

  // The held bodies end (400: not JSON) and give the budget back; by then
  // each was in memory whole.
  for (size_t i = 0; i < clients.size(); ++i) {
    if (sent[i] == body.size()) {
      ::fcntl(clients[i]->fd(), F_SETFL, 0);
      (void)clients[i]->Send("x");
    }
  }
  EXPECT_TRUE(Eventually([&] { return server->stats().inflight_bytes == 0; })) << server->stats().inflight_bytes;
  const long peak_mib = (PeakRssKiB() - before) / 1024;
  std::cout << "peak RSS grew by " << peak_mib << " MiB with 1,300 connections (64 MiB budget)\n";
  RecordProperty("peak_rss_growth_mib", static_cast<int>(peak_mib));
  EXPECT_LT(peak_mib, 128);
}

}  // namespace
}  // namespace debriefd
