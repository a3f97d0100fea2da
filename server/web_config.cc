#include "server/web_config.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace debriefd {
namespace {

// Errors name the file and the line of the offending node.
Status Error(const std::string& path, const YAML::Node& node, const std::string& field, const std::string& reason) {
  std::string source = path;
  if (node.IsDefined() && node.Mark().line >= 0) source.append(":").append(std::to_string(node.Mark().line + 1));
  return Status::InvalidArgument(field, reason).WithSource(source);
}

std::string Join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// A mapping whose keys must all be in `known`; the first unknown key is an error.
Status CheckMap(const std::string& path, const YAML::Node& node, const std::string& field,
                const std::set<std::string>& known) {
  if (!node.IsMap()) return Error(path, node, field, "must be a mapping");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (known.count(key) == 0) return Error(path, kv.first, Join(field, key), "unknown key");
  }
  return Status::Ok();
}

Result<std::string> String(const std::string& path, const YAML::Node& node, const std::string& field) {
  if (!node.IsScalar()) return Error(path, node, field, "must be a string");
  return node.as<std::string>();
}

std::string Resolve(const std::string& config_path, const std::string& file) {
  std::filesystem::path p(file);
  if (p.is_absolute()) return file;
  return (std::filesystem::path(config_path).parent_path() / p).lexically_normal().string();
}

Result<TlsVersion> Version(const std::string& path, const YAML::Node& node, const std::string& field) {
  Result<std::string> s = String(path, node, field);
  if (!s.ok()) return s.status();
  static const std::map<std::string, TlsVersion> kVersions = {
      {"TLS10", TlsVersion::kTls10}, {"TLS11", TlsVersion::kTls11},
      {"TLS12", TlsVersion::kTls12}, {"TLS13", TlsVersion::kTls13}};
  auto it = kVersions.find(*s);
  if (it == kVersions.end()) return Error(path, node, field, "\"" + *s + "\" is not one of TLS10, TLS11, TLS12, TLS13");
  return it->second;
}

Result<TlsServerConfig> ParseTls(const std::string& path, const YAML::Node& node) {
  const std::string f = "tls_server_config";
  // exporter-toolkit's keys that debriefd does not implement are refused by
  // name rather than ignored: a config that asks for them would not get them.
  static const std::set<std::string> kUnsupported = {"cert",           "key",           "cipher_suites",
                                                     "curve_preferences", "prefer_server_cipher_suites",
                                                     "client_allowed_sans"};
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      if (kUnsupported.count(key) > 0) return Error(path, kv.first, Join(f, key), "not supported by debriefd");
    }
  }
  if (Status s = CheckMap(path, node, f,
                          {"cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version"});
      !s.ok()) {
    return s;
  }
  TlsServerConfig tls;
  for (const char* key : {"cert_file", "key_file"}) {
    if (!node[key]) return Error(path, node, Join(f, key), "required with tls_server_config");
    Result<std::string> file = String(path, node[key], Join(f, key));
    if (!file.ok()) return file.status();
    if (file->empty()) return Error(path, node[key], Join(f, key), "must not be empty");
    (std::string(key) == "cert_file" ? tls.cert_file : tls.key_file) = Resolve(path, *file);
  }
  if (node["client_ca_file"]) {
    Result<std::string> file = String(path, node["client_ca_file"], Join(f, "client_ca_file"));
    if (!file.ok()) return file.status();
    if (!file->empty()) tls.client_ca_file = Resolve(path, *file);
  }
  static const std::map<std::string, ClientAuth> kAuth = {
      {"NoClientCert", ClientAuth::kNoClientCert},
      {"RequestClientCert", ClientAuth::kRequestClientCert},
      {"RequireAnyClientCert", ClientAuth::kRequireAnyClientCert},
      {"VerifyClientCertIfGiven", ClientAuth::kVerifyClientCertIfGiven},
      {"RequireAndVerifyClientCert", ClientAuth::kRequireAndVerifyClientCert}};
  std::string auth;
  if (node["client_auth_type"]) {
    Result<std::string> s = String(path, node["client_auth_type"], Join(f, "client_auth_type"));
    if (!s.ok()) return s.status();
    auth = *s;
  }
  // As exporter-toolkit: a CA without a policy means verify and require.
  if (auth.empty()) auth = tls.client_ca_file.empty() ? "NoClientCert" : "RequireAndVerifyClientCert";
  auto it = kAuth.find(auth);
  if (it == kAuth.end()) {
    return Error(path, node["client_auth_type"], Join(f, "client_auth_type"),
                 "\"" + auth +
                     "\" is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
                     "VerifyClientCertIfGiven, RequireAndVerifyClientCert");
  }
  tls.client_auth = it->second;
  const bool verifies = tls.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
                        tls.client_auth == ClientAuth::kRequireAndVerifyClientCert;
  if (verifies && tls.client_ca_file.empty()) {
    return Error(path, node["client_auth_type"], Join(f, "client_ca_file"),
                 "required with client_auth_type " + auth + " (the CAs client certificates are verified against)");
  }
  if (!verifies && !tls.client_ca_file.empty()) {
    return Error(path, node["client_ca_file"], Join(f, "client_ca_file"),
                 "set, but client_auth_type " + auth + " does not verify client certificates");
  }
  if (node["min_version"]) {
    Result<TlsVersion> v = Version(path, node["min_version"], Join(f, "min_version"));
    if (!v.ok()) return v.status();
    tls.min_version = *v;
  }
  if (node["max_version"]) {
    Result<TlsVersion> v = Version(path, node["max_version"], Join(f, "max_version"));
    if (!v.ok()) return v.status();
    if (static_cast<int>(*v) < static_cast<int>(tls.min_version)) {
      return Error(path, node["max_version"], Join(f, "max_version"), "below min_version");
    }
    tls.max_version = *v;
  }
  return tls;
}

Status ParseHttp(const std::string& path, const YAML::Node& node, WebConfig& config) {
  const std::string f = "http_server_config";
  if (Status s = CheckMap(path, node, f, {"headers", "http2"}); !s.ok()) return s;
  if (node["http2"] && !(node["http2"].IsScalar() && (node["http2"].Scalar() == "true" || node["http2"].Scalar() == "false"))) {
    return Error(path, node["http2"], Join(f, "http2"), "must be true or false");
  }
  const YAML::Node headers = node["headers"];
  if (!headers || headers.IsNull()) return Status::Ok();
  if (!headers.IsMap()) return Error(path, headers, Join(f, "headers"), "must be a mapping");
  // exporter-toolkit's list: security headers only, so that the web config
  // cannot change what a response means (Content-Type, Content-Length, ...).
  static const std::map<std::string, std::string> kAllowed = {
      {"content-security-policy", "Content-Security-Policy"},
      {"x-frame-options", "X-Frame-Options"},
      {"x-content-type-options", "X-Content-Type-Options"},
      {"x-xss-protection", "X-XSS-Protection"},
      {"strict-transport-security", "Strict-Transport-Security"}};
  for (const auto& kv : headers) {
    const std::string name = kv.first.as<std::string>();
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string field = Join(f, "headers." + name);
    auto it = kAllowed.find(lower);
    if (it == kAllowed.end()) {
      return Error(path, kv.first, field,
                   "not one of Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, "
                   "X-XSS-Protection, Strict-Transport-Security");
    }
    Result<std::string> value = String(path, kv.second, field);
    if (!value.ok()) return value.status();
    if (value->find_first_of("\r\n") != std::string::npos) return Error(path, kv.second, field, "contains a line break");
    config.headers[it->second] = *value;
  }
  return Status::Ok();
}

Status ParseUsers(const std::string& path, const YAML::Node& node, WebConfig& config) {
  const std::string f = "basic_auth_users";
  if (node.IsNull()) return Status::Ok();
  if (!node.IsMap()) return Error(path, node, f, "must be a mapping of user to bcrypt hash");
  for (const auto& kv : node) {
    const std::string user = kv.first.as<std::string>();
    const std::string field = Join(f, user);
    if (user.empty() || user.find(':') != std::string::npos) return Error(path, kv.first, field, "not a valid user name");
    Result<std::string> hash = String(path, kv.second, field);
    if (!hash.ok()) return hash.status();
    const bool bcrypt = hash->size() == 60 && (hash->rfind("$2y$", 0) == 0 || hash->rfind("$2b$", 0) == 0 ||
                                               hash->rfind("$2a$", 0) == 0);
    if (!bcrypt) return Error(path, kv.second, field, "not a bcrypt hash ($2y$..., as htpasswd -B makes)");
    config.basic_auth_users[user] = *hash;
  }
  return Status::Ok();
}

std::string Sha256(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t pad = 0;
  while (pad < 2 && in[in.size() - 1 - pad] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace

Result<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    std::string source = path;
    if (e.mark.line >= 0) source.append(":").append(std::to_string(e.mark.line + 1));
    return Status::InvalidArgument("", "not YAML: " + e.msg).WithSource(source);
  }
  WebConfig config;
  config.path = path;
  if (root.IsNull()) return config;  // an empty file: plain HTTP, no auth
  try {
    if (Status s = CheckMap(path, root, "", {"tls_server_config", "http_server_config", "basic_auth_users"}); !s.ok()) {
      return s;
    }
    if (root["tls_server_config"] && !root["tls_server_config"].IsNull()) {
      Result<TlsServerConfig> tls = ParseTls(path, root["tls_server_config"]);
      if (!tls.ok()) return tls.status();
      config.tls = *tls;
    }
    if (root["http_server_config"] && !root["http_server_config"].IsNull()) {
      if (Status s = ParseHttp(path, root["http_server_config"], config); !s.ok()) return s;
    }
    if (root["basic_auth_users"]) {
      if (Status s = ParseUsers(path, root["basic_auth_users"], config); !s.ok()) return s;
    }
  } catch (const YAML::Exception& e) {
    // A key that is not a scalar, say.
    return Status::InvalidArgument("", e.msg).WithSource(path + ":" + std::to_string(e.mark.line + 1));
  }
  return config;
}

Result<WebConfig> LoadWebConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("web.config.file", "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseWebConfig(text.str(), path);
}

bool PasswordMatches(const std::string& password, const std::string& hash) {
  crypt_data data{};
  const char* out = crypt_rn(password.c_str(), hash.c_str(), &data, sizeof data);
  if (out == nullptr || out[0] == '*') return false;
  const size_t n = std::strlen(out);
  return n == hash.size() && CRYPTO_memcmp(out, hash.data(), n) == 0;
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}

bool BasicAuth::Check(std::string_view authorization) {
  if (!enabled()) return true;
  // The scheme is case-insensitive (RFC 9110, 11.1).
  constexpr std::string_view kScheme = "basic ";
  if (authorization.size() <= kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  }
  std::string_view encoded = authorization.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  std::optional<std::string> decoded = Base64Decode(encoded);
  if (!decoded) return false;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  const std::string user = decoded->substr(0, colon);
  const std::string password = decoded->substr(colon + 1);
  auto it = users_.find(user);
  // An unknown user is checked against a configured hash all the same, so
  // that the time taken does not tell which users exist.
  const std::string& hash = it != users_.end() ? it->second : users_.begin()->second;
  std::string key = user;
  key.push_back('\0');
  key.append(hash).push_back('\0');
  key.append(password);
  key = Sha256(key);
  if (it != users_.end()) {
    std::lock_guard lock(mu_);
    if (ok_.count(key) > 0) return true;
  }
  const bool ok = PasswordMatches(password, hash) && it != users_.end();
  if (ok) {
    std::lock_guard lock(mu_);
    // Bounded: a client cycling through valid passwords cannot grow it forever.
    if (ok_.size() >= 1024) ok_.clear();
    ok_.insert(key);
  }
  return ok;
}

}  // namespace debriefd
