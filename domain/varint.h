#pragma once
// The byte encodings the domain packs its compact state with (LabelSet,
// IncidentDetail, AlertIndex): unsigned LEB128, zigzag for signed values, and
// strings as their length then their bytes. The Take functions never read
// past the end of `rest`; they return false on bytes that end too soon.

#include <cstdint>
#include <string>
#include <string_view>

namespace debriefd::varint {

inline void Put(std::string& out, uint64_t n) {
  do {
    unsigned char byte = n & 0x7f;
    n >>= 7;
    if (n != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (n != 0);
}

inline void PutString(std::string& out, std::string_view s) {
  Put(out, s.size());
  out.append(s);
}

inline uint64_t Zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t Unzigzag(uint64_t z) { return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1); }

inline bool Take(std::string_view& rest, uint64_t& n) {
  n = 0;
  for (int shift = 0;; shift += 7) {
    if (rest.empty() || shift > 63) return false;
    const auto byte = static_cast<unsigned char>(rest.front());
    rest.remove_prefix(1);
    n |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
}

inline bool TakeString(std::string_view& rest, std::string_view& out) {
  uint64_t n = 0;
  if (!Take(rest, n) || n > rest.size()) return false;
  out = rest.substr(0, n);
  rest.remove_prefix(n);
  return true;
}

}  // namespace debriefd::varint
