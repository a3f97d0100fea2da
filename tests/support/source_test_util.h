#pragma once
// Helpers for the webhook source tests: configured settings and a source's
// `verify` called as the Api calls it.

#include <string>

#include "collector/sources/registry.h"

namespace debriefd::testing {

// A configured source's settings, with `secret` (empty: unsigned).
inline SourceSettings Configured(const std::string& secret = "") {
  SourceSettings s;
  s.configured = true;
  s.secret = secret;
  return s;
}

// The named source's verify over `body` with `headers` (lower-case names).
inline Status Verify(std::string_view source, std::string_view body, const HeaderMap& headers,
                     const SourceSettings& settings, Time now) {
  return FindSource(source)->verify(SourceRequest{body, LookupIn(headers), now, settings});
}

}  // namespace debriefd::testing
