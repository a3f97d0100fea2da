// The one test that uses a socket: the Beast server on port 0 in front of a
// real SQLite file.
#include "server/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
    server = std::make_unique<Server>(*api, c.max_body, std::chrono::seconds(5));
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
  Server server(api, 4096, std::chrono::seconds(5));
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

}  // namespace
}  // namespace debriefd
