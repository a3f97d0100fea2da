#pragma once
// Webhook signatures, for the sources' `verify`: HMAC-SHA256 with OpenSSL
// over the raw request bytes, compared in constant time. Internal to
// collector/sources.

#include <string>
#include <string_view>

#include "collector/sources/source.h"

namespace debriefd::signature {

// HMAC-SHA256 of `data` keyed with `key`, as lower-case hex.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Equal contents, in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `hex` (any case) must be HMAC-SHA256(secret, data); Unauthenticated naming
// `header` otherwise.
Status CheckHmacHex(std::string_view hex, std::string_view header, std::string_view secret, std::string_view data);

// The request's `header` must hold `prefix` + hex HMAC-SHA256(secret, body)
// (hex compared case-insensitively). Unauthenticated naming the header when it
// is missing or does not match.
Status CheckHmacHeader(const SourceRequest& request, std::string_view header, std::string_view prefix);

// The request's `header` must equal the secret (a shared token).
Status CheckTokenHeader(const SourceRequest& request, std::string_view header);

}  // namespace debriefd::signature
