#pragma once

#include <string>
#include <string_view>

namespace debriefd {

// The lower-case hex SHA-256 of `content`: the digest every store keeps beside
// each dedup key, to tell a re-sent event from a re-used key.
std::string ContentDigest(std::string_view content);

}  // namespace debriefd
