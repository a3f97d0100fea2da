// --web.config.file as exporter-toolkit reads it: what loads, what is
// refused (naming file, line and key), and basic auth against bcrypt hashes.
#include "server/web_config.h"

#include <crypt.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

// A bcrypt hash of `password`, at the lowest cost so that tests stay fast.
std::string Bcrypt(const std::string& password, const char* prefix = "$2b$") {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 4, nullptr, 0, salt, sizeof salt), nullptr);
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), salt, &data, sizeof data);
  EXPECT_NE(hash, nullptr);
  return hash ? hash : "";
}

std::string BasicHeader(const std::string& user_password, const std::string& scheme = "Basic") {
  std::string out(4 * ((user_password.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(user_password.data()),
                          static_cast<int>(user_password.size()));
  out.resize(static_cast<size_t>(n));
  return scheme + " " + out;
}

TEST(WebConfig, LoadsTheExporterToolkitFormatWithPathsRelativeToTheFile) {
  const std::string hash = Bcrypt("secret");
  Result<WebConfig> c = ParseWebConfig(
      "tls_server_config:\n"
      "  cert_file: certs/server.crt\n"
      "  key_file: /etc/tls/server.key\n"
      "  client_ca_file: ca.crt\n"
      "  min_version: TLS13\n"
      "http_server_config:\n"
      "  headers:\n"
      "    strict-transport-security: max-age=31536000\n"
      "  http2: true\n"
      "basic_auth_users:\n"
      "  prometheus: " + hash + "\n",
      "/etc/debriefd/web.yml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_TRUE(c->tls.has_value());
  EXPECT_EQ(c->tls->cert_file, "/etc/debriefd/certs/server.crt");
  EXPECT_EQ(c->tls->key_file, "/etc/tls/server.key");
  EXPECT_EQ(c->tls->client_ca_file, "/etc/debriefd/ca.crt");
  // A CA without client_auth_type means verify and require, as in exporter-toolkit.
  EXPECT_EQ(c->tls->client_auth, ClientAuth::kRequireAndVerifyClientCert);
  EXPECT_EQ(c->tls->min_version, TlsVersion::kTls13);
  EXPECT_FALSE(c->tls->max_version.has_value());
  EXPECT_EQ(c->headers.at("Strict-Transport-Security"), "max-age=31536000");
  EXPECT_EQ(c->basic_auth_users.at("prometheus"), hash);
}

TEST(WebConfig, DefaultsAreNoClientCertAndTls12) {
  Result<WebConfig> c = ParseWebConfig("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n", "web.yml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->tls->client_auth, ClientAuth::kNoClientCert);
  EXPECT_EQ(c->tls->min_version, TlsVersion::kTls12);
  EXPECT_TRUE(c->basic_auth_users.empty());
}

TEST(WebConfig, AnEmptyFileIsPlainHttpWithoutAuth) {
  Result<WebConfig> c = ParseWebConfig("", "web.yml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->tls.has_value());
  EXPECT_TRUE(c->basic_auth_users.empty());
}

TEST(WebConfig, RejectsNamingFileLineAndKey) {
  const std::string tls = "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n";
  struct Case {
    std::string yaml;
    std::string message;  // the start of Status::message()
  };
  const Case cases[] = {
      {"tls_server_config:\n  cert_fil: a.crt\n", "web.yml:2: tls_server_config.cert_fil: unknown key"},
      {"tls_config: {}\n", "web.yml:1: tls_config: unknown key"},
      {"tls_server_config:\n  key_file: a.key\n", "web.yml:2: tls_server_config.cert_file: required"},
      {tls + "  client_auth_type: RequireClientCert\n", "web.yml:4: tls_server_config.client_auth_type: \"Requir"},
      {tls + "  client_auth_type: RequireAndVerifyClientCert\n", "web.yml:4: tls_server_config.client_ca_file: required"},
      {tls + "  client_auth_type: NoClientCert\n  client_ca_file: ca.crt\n",
       "web.yml:5: tls_server_config.client_ca_file: set, but"},
      {tls + "  min_version: TLS1.3\n", "web.yml:4: tls_server_config.min_version: \"TLS1.3\" is not one of"},
      {tls + "  min_version: TLS13\n  max_version: TLS12\n", "web.yml:5: tls_server_config.max_version: below"},
      {tls + "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
       "web.yml:4: tls_server_config.cipher_suites: not supported"},
      {"http_server_config:\n  headers:\n    Content-Type: text/html\n",
       "web.yml:3: http_server_config.headers.Content-Type: not one of"},
      {"http_server_config:\n  header: {}\n", "web.yml:2: http_server_config.header: unknown key"},
      {"basic_auth_users:\n  alice: secret\n", "web.yml:2: basic_auth_users.alice: not a bcrypt hash"},
      {"basic_auth_users: [alice]\n", "web.yml:1: basic_auth_users: must be a mapping"},
      {"tls_server_config: [\n", "web.yml:"},
  };
  for (const Case& c : cases) {
    Result<WebConfig> r = ParseWebConfig(c.yaml, "web.yml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind(c.message, 0), 0u) << r.status().message() << "\nfor:\n" << c.yaml;
  }
}

TEST(WebConfig, LoadWebConfigReadsTheFileAndNamesAMissingOne) {
  TempDir dir;
  const std::string path = dir.File("web.yml");
  std::ofstream(path) << "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";
  Result<WebConfig> c = LoadWebConfig(path);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->tls->cert_file, dir.File("server.crt"));
  Result<WebConfig> missing = LoadWebConfig(dir.File("nope.yml"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.yml"), std::string::npos) << missing.status().message();
}

TEST(BasicAuth, ChecksThePasswordAgainstTheBcryptHash) {
  // htpasswd writes $2y$; libxcrypt's $2b$ is the same function.
  std::string hash = Bcrypt("correct horse");
  std::string htpasswd = "$2y$" + hash.substr(4);
  BasicAuth auth({{"alice", hash}, {"bob", htpasswd}});
  ASSERT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.Check(BasicHeader("alice:correct horse")));
  EXPECT_TRUE(auth.Check(BasicHeader("alice:correct horse")));  // from the cache this time
  EXPECT_TRUE(auth.Check(BasicHeader("bob:correct horse")));
  EXPECT_TRUE(auth.Check(BasicHeader("alice:correct horse", "basic"))) << "the scheme in any case";
  EXPECT_FALSE(auth.Check(BasicHeader("alice:correct horsE")));
  EXPECT_FALSE(auth.Check(BasicHeader("carol:correct horse"))) << "unknown user";
  EXPECT_FALSE(auth.Check(BasicHeader("alice")));
  EXPECT_FALSE(auth.Check("Bearer correct horse"));
  EXPECT_FALSE(auth.Check("Basic !!!!"));
  EXPECT_FALSE(auth.Check(""));
}

TEST(BasicAuth, WithoutUsersEveryRequestPasses) {
  BasicAuth auth({});
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.Check(""));
}

TEST(BasicAuth, PasswordMatchesRefusesWhatIsNotTheHash) {
  const std::string hash = Bcrypt("pw");
  EXPECT_TRUE(PasswordMatches("pw", hash));
  EXPECT_FALSE(PasswordMatches("pw2", hash));
  EXPECT_FALSE(PasswordMatches("pw", "$2b$04$invalid"));
  EXPECT_FALSE(PasswordMatches("pw", ""));
}

}  // namespace
}  // namespace debriefd
