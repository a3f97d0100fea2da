#pragma once
// --web.config.file: TLS, basic auth and response headers in the format of
// the Prometheus exporter-toolkit
// (https://prometheus.io/docs/prometheus/latest/configuration/https/):
//
//   tls_server_config:
//     cert_file: server.crt          # PEM, the chain; required with TLS
//     key_file: server.key           # PEM; required with TLS
//     client_auth_type: RequireAndVerifyClientCert   # default NoClientCert,
//                                    # or RequireAndVerifyClientCert when client_ca_file is set
//     client_ca_file: ca.crt         # the CAs client certificates are checked against
//     min_version: TLS12             # TLS10, TLS11, TLS12 (default), TLS13
//     max_version: TLS13             # optional
//   http_server_config:
//     headers:                       # added to every response
//       Strict-Transport-Security: max-age=31536000
//     http2: true                    # accepted and ignored (debriefd serves HTTP/1.1)
//   basic_auth_users:                # user: bcrypt hash (htpasswd -nBC 10 user)
//     prometheus: $2y$10$...
//
// Loading is strict: an unknown key, a wrong type or value is an error naming
// the file, the line and the key ("web.yml:3: tls_server_config.cert_fil:
// unknown key"). Relative file paths resolve against the web config file's
// folder. The certificate files themselves are read by the server
// (server/server.h), which re-reads them when they change.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "domain/status.h"

namespace debriefd {

// exporter-toolkit's client_auth_type values, as Go's crypto/tls defines them.
enum class ClientAuth {
  kNoClientCert,                // no certificate asked for
  kRequestClientCert,           // asked for, not required, not verified
  kRequireAnyClientCert,        // required, not verified
  kVerifyClientCertIfGiven,     // not required; verified against client_ca_file when sent
  kRequireAndVerifyClientCert,  // required and verified against client_ca_file
};

// Protocol versions as OpenSSL numbers them (TLS1_2_VERSION is 0x0303).
enum class TlsVersion : int { kTls10 = 0x0301, kTls11 = 0x0302, kTls12 = 0x0303, kTls13 = 0x0304 };

struct TlsServerConfig {
  std::string cert_file;  // absolute (or as given, when already absolute)
  std::string key_file;
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  std::string client_ca_file;  // empty: none
  TlsVersion min_version = TlsVersion::kTls12;
  std::optional<TlsVersion> max_version;
};

struct WebConfig {
  std::string path;                    // the file it was read from, for messages
  std::optional<TlsServerConfig> tls;  // absent: plain HTTP
  // user -> bcrypt hash; empty: no basic auth.
  std::map<std::string, std::string> basic_auth_users;
  // http_server_config.headers: name -> value, added to every response.
  std::map<std::string, std::string> headers;
};

// Pure: parses `yaml`; `path` names the file in messages and is where
// relative paths resolve from. Errors are InvalidArgument with the key path
// as field and "path:line" as source.
Result<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& path);
// Reads and parses the file.
Result<WebConfig> LoadWebConfig(const std::string& path);

// Checks "Authorization: Basic ..." against bcrypt hashes with libxcrypt.
// bcrypt is slow on purpose (tens of milliseconds), so a successful check is
// remembered, keyed by a SHA-256 of user, hash and password (never the
// password itself), as exporter-toolkit does; failures are always checked in
// full, and an unknown user costs as much as a wrong password. Thread-safe.
class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users);
  // False when no users are configured: every request passes.
  bool enabled() const { return !users_.empty(); }
  // True when `authorization` is "Basic <base64 user:password>" (the scheme
  // in any case) for a configured user whose hash the password matches.
  bool Check(std::string_view authorization);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mu_;
  std::unordered_set<std::string> ok_;  // SHA-256 keys of checks that passed
};

// Whether `password` matches the crypt(3) hash `hash` (bcrypt: $2y$, $2b$,
// $2a$), compared in constant time.
bool PasswordMatches(const std::string& password, const std::string& hash);

}  // namespace debriefd
