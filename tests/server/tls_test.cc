// TLS and basic auth at the edge, with certificates made by `openssl` in a
// temporary directory and `curl` as the client.
#include <arpa/inet.h>
#include <crypt.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

#include "server/api.h"
#include "server/server.h"
#include "server/web_config.h"
#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

std::string Output(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

bool Have(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Have("openssl") || !Have("curl")) GTEST_SKIP() << "needs openssl and curl";
    MakeCa("ca");
    MakeCert("server", "ca", "localhost");
    MakeCert("client", "ca", "client");
  }
  void TearDown() override {
    if (server) server->Stop();
    if (runner.valid()) runner.wait();
  }

  std::string File(const std::string& name) const { return dir.File(name); }
  void Sh(const std::string& command) {
    ASSERT_EQ(std::system(("cd " + dir.path().string() + " && " + command + " >/dev/null 2>&1").c_str()), 0)
        << command;
  }
  // An EC key and a self-signed CA certificate: NAME.key, NAME.crt.
  void MakeCa(const std::string& name) {
    Sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=" + name +
       " -keyout " + name + ".key -out " + name + ".crt");
  }
  // A certificate for `cn` (also its DNS name, and 127.0.0.1) signed by `ca`.
  void MakeCert(const std::string& name, const std::string& ca, const std::string& cn) {
    std::ofstream(File(name + ".ext")) << "subjectAltName=DNS:" << cn << ",IP:127.0.0.1\n";
    Sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + cn + " -keyout " + name +
       ".key -out " + name + ".csr");
    Sh("openssl x509 -req -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca + ".key -CAcreateserial -days 1 -out " +
       name + ".crt -extfile " + name + ".ext");
  }

  void Start(const std::string& web_yaml, ServerOptions options = {}) {
    std::ofstream(File("web.yml")) << web_yaml;
    Result<WebConfig> web = LoadWebConfig(File("web.yml"));
    ASSERT_TRUE(web.ok()) << web.status().message();
    options.web_config = std::make_shared<WebConfig>(*web);
    api = std::make_unique<Api>(harness.ingest(), ApiOptions{"test"});
    server = std::make_unique<Server>(*api, std::move(options));
    auto bound = server->Listen("127.0.0.1:0");
    ASSERT_TRUE(bound.ok()) << bound.status().message();
    port = *bound;
    runner = std::async(std::launch::async, [this] { server->Run(2); });
  }

  // The HTTP status curl saw, "000" when the connection or handshake failed.
  std::string Curl(const std::string& args, const std::string& path = "/healthz") {
    return Output("curl -s -o /dev/null -w '%{http_code}' --max-time 20 " + args + " https://localhost:" +
               std::to_string(port) + path + " 2>/dev/null");
  }
  std::string CaArg(const std::string& ca = "ca") { return "--cacert " + File(ca + ".crt"); }

  TempDir dir;
  ApiHarness harness;
  std::unique_ptr<Api> api;
  std::unique_ptr<Server> server;
  std::future<void> runner;
  unsigned short port = 0;
};

const char* kTls = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";

TEST_F(TlsTest, ServesHttpsAndRefusesPlainHttp) {
  Start(kTls);
  EXPECT_EQ(Curl(CaArg()), "200");
  // Plain HTTP to the TLS port: no HTTP answer.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string plain = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, plain.data(), plain.size(), MSG_NOSIGNAL), static_cast<ssize_t>(plain.size()));
  std::string out;
  char buf[1024];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  EXPECT_EQ(out.find("HTTP/1.1"), std::string::npos) << out;
  EXPECT_GE(server->stats().tls_handshake_errors_total, 1u);
  // A client that does not trust the CA refuses the server.
  EXPECT_EQ(Curl(""), "000");
}

TEST_F(TlsTest, MinVersionTls13RefusesATls12Client) {
  Start(std::string(kTls) + "  min_version: TLS13\n");
  EXPECT_EQ(Curl(CaArg() + " --tls-max 1.2"), "000");
  EXPECT_EQ(Curl(CaArg() + " --tlsv1.3"), "200");
}

TEST_F(TlsTest, RequireAndVerifyClientCertRefusesAClientWithoutOne) {
  MakeCa("other");
  MakeCert("stranger", "other", "client");
  Start(std::string(kTls) + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n");
  EXPECT_EQ(Curl(CaArg()), "000") << "no certificate";
  EXPECT_EQ(Curl(CaArg() + " --cert " + File("stranger.crt") + " --key " + File("stranger.key")), "000")
      << "a certificate from another CA";
  EXPECT_EQ(Curl(CaArg() + " --cert " + File("client.crt") + " --key " + File("client.key")), "200");
}

TEST_F(TlsTest, BasicAuthIsCheckedBeforeTheBodyAndHeadersAreAdded) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  ASSERT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt), nullptr);
  crypt_data data{};
  const std::string hash = crypt_rn("s3cret", salt, &data, sizeof data);
  Start(std::string(kTls) + "basic_auth_users:\n  prometheus: " + hash +
        "\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n");
  EXPECT_EQ(Curl(CaArg() + " -u prometheus:wrong"), "401");
  EXPECT_EQ(Curl(CaArg()), "401");
  EXPECT_EQ(Curl(CaArg() + " -u prometheus:s3cret"), "200");
  // A body of a megabyte sent without credentials: answered from the header.
  std::ofstream(File("big.json")) << std::string(1 << 20, ' ');
  std::string headers = Output("curl -s -D - -o /dev/null --max-time 20 " + CaArg() +
                            " -H 'Content-Type: application/json' -H 'Expect:' --data-binary @" + File("big.json") +
                            " https://localhost:" + std::to_string(port) + "/api/v1/events 2>/dev/null");
  EXPECT_EQ(headers.rfind("HTTP/1.1 401", 0), 0u) << headers;
  EXPECT_NE(headers.find("WWW-Authenticate: Basic realm=\"debriefd\""), std::string::npos) << headers;
  EXPECT_NE(headers.find("X-Frame-Options: deny"), std::string::npos) << headers;
  EXPECT_EQ(server->stats().basic_auth_failures_total, 3u);
}

TEST_F(TlsTest, AReplacedCertificateIsServedFromTheNextConnection) {
  ServerOptions options;
  options.tls_reload_interval = Duration{0};
  Start(kTls, options);
  EXPECT_EQ(Curl(CaArg()), "200");
  MakeCa("renewed");
  MakeCert("next", "renewed", "localhost");
  EXPECT_EQ(Curl(CaArg("renewed")), "000") << "still the first certificate";
  // As cert-manager and others do: new files moved over the old ones.
  std::filesystem::rename(File("next.key"), File("server.key"));
  std::filesystem::rename(File("next.crt"), File("server.crt"));
  // The accept after the change notices it and serves the new certificate.
  EXPECT_EQ(Curl(CaArg("renewed")), "200");
  EXPECT_EQ(Curl(CaArg()), "000") << "the old certificate is gone";
  EXPECT_GE(server->stats().tls_reloads_total, 1u);
}

TEST_F(TlsTest, ListenNamesACertificateThatDoesNotLoad) {
  std::ofstream(File("web.yml")) << "tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n";
  Result<WebConfig> web = LoadWebConfig(File("web.yml"));
  ASSERT_TRUE(web.ok()) << web.status().message();
  ServerOptions options;
  options.web_config = std::make_shared<WebConfig>(*web);
  Api api(harness.ingest(), ApiOptions{"test"});
  Server s(api, options);
  Result<unsigned short> bound = s.Listen("127.0.0.1:0");
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().field(), "tls_server_config.cert_file");
  EXPECT_NE(bound.status().message().find("missing.crt"), std::string::npos) << bound.status().message();
}

}  // namespace
}  // namespace debriefd
