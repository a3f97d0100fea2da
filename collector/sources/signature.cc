#include "collector/sources/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

namespace debriefd::signature {

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[mac[i] >> 4];
    out[2 * i + 1] = kHex[mac[i] & 0xf];
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status CheckHmacHeader(const SourceRequest& request, std::string_view header, std::string_view prefix) {
  std::string_view given = request.header(header);
  if (given.empty()) return Status::Unauthenticated(std::string(header), "missing");
  if (given.substr(0, prefix.size()) != prefix) {
    return Status::Unauthenticated(std::string(header), "must start with \"" + std::string(prefix) + "\"");
  }
  return CheckHmacHex(given.substr(prefix.size()), header, request.settings.secret, request.body);
}

Status CheckHmacHex(std::string_view hex, std::string_view header, std::string_view secret, std::string_view data) {
  std::string lower(hex);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!ConstantTimeEquals(lower, HmacSha256Hex(secret, data))) {
    return Status::Unauthenticated(std::string(header), "signature does not match the body");
  }
  return Status::Ok();
}

Status CheckTokenHeader(const SourceRequest& request, std::string_view header) {
  std::string_view given = request.header(header);
  if (given.empty()) return Status::Unauthenticated(std::string(header), "missing");
  if (!ConstantTimeEquals(given, request.settings.secret)) {
    return Status::Unauthenticated(std::string(header), "does not match the configured secret");
  }
  return Status::Ok();
}

}  // namespace debriefd::signature
