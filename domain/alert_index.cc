// AlertIndex over Boost's open-addressing maps (boost/unordered_flat_*.hpp,
// Boost 1.81), included here only: the set of fingerprints holds their ids
// and hashes and compares the arena's bytes through transparent functors, so
// a lookup by string_view copies nothing.
#include "domain/alert_index.h"

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "domain/varint.h"

namespace debriefd {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

bool TakeU32(std::string_view& rest, uint32_t& v) {
  uint64_t n = 0;
  if (!varint::Take(rest, n) || n > std::numeric_limits<uint32_t>::max()) return false;
  v = static_cast<uint32_t>(n);
  return true;
}

}  // namespace

// A vector that grows a block of 4,096 entries at a time: growing never
// moves what it holds. A std::vector of a million entries doubles by copying
// them all into a new block (and faulting its pages in), tens of ms inside
// the group that added the entry, with every request behind it waiting.
template <typename T>
class BlockVector {
 public:
  size_t size() const { return size_; }
  T& operator[](size_t i) { return blocks_[i >> kShift][i & kMask]; }
  const T& operator[](size_t i) const { return blocks_[i >> kShift][i & kMask]; }
  void push_back(const T& v) {
    if ((size_ >> kShift) == blocks_.size()) blocks_.push_back(std::make_unique<T[]>(kBlock));
    (*this)[size_++] = v;
  }

 private:
  static constexpr size_t kShift = 12, kBlock = size_t{1} << kShift, kMask = kBlock - 1;
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t size_ = 0;
};

// The bytes of every fingerprint, each after its length (a varint), in
// chunks of 1 MiB that are never moved, for the reason above; a fingerprint
// that would cross a chunk's end starts the next one (one longer than a
// chunk, which no source sends, gets a chunk of its own). A place is the
// chunk (the upper 12 bits) and the offset in it (the lower 20): 4,096
// chunks, 4 GiB of fingerprints, which Load checks and memory bounds long
// before live ingest could reach it.
class FingerprintArena {
 public:
  static constexpr size_t kChunk = size_t{1} << 20;
  static constexpr size_t kMaxChunks = size_t{1} << 12;

  bool Full() const { return chunks_.size() >= kMaxChunks - 1; }
  uint32_t Append(std::string_view s) {
    std::string len;
    varint::Put(len, s.size());
    const size_t need = len.size() + s.size();
    if (chunks_.empty() || kChunk - used_ < need) {
      chunks_.push_back(std::make_unique_for_overwrite<char[]>(std::max(kChunk, need)));
      used_ = 0;
    }
    char* at = chunks_.back().get() + used_;
    std::memcpy(at, len.data(), len.size());
    std::memcpy(at + len.size(), s.data(), s.size());
    const auto place = static_cast<uint32_t>(((chunks_.size() - 1) << 20) | used_);
    used_ = std::min(kChunk, used_ + need);  // a chunk of its own is full
    bytes_ += s.size();
    return place;
  }
  std::string_view View(uint32_t place) const {
    const char* at = chunks_[place >> 20].get() + (place & (kChunk - 1));
    // The length's bytes end within the entry: reading stops at the last.
    std::string_view rest(at, 10);
    uint64_t n = 0;
    varint::Take(rest, n);
    return std::string_view(rest.data(), n);
  }
  size_t bytes() const { return bytes_; }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t used_ = 0;
  size_t bytes_ = 0;
};

struct AlertIndex::Impl {
  // By fingerprint id: where its bytes are in the arena, and their hash.
  // When the set of ids grows it rehashes every id; reading the hash here
  // instead of hashing each fingerprint again from the arena makes that a
  // few ms at a million fingerprints, not the 100 ms and more it was.
  struct Fingerprint {
    uint32_t place = 0;
    uint32_t hash = 0;
  };
  FingerprintArena arena;
  BlockVector<Fingerprint> fps;
  // By fingerprint id: its active instance and that instance's startsAt
  // (incident kNone: none). The active instance is usually the only one a
  // fingerprint ever has, so it is not repeated in `instances`.
  struct Active {
    Ref ref{kNone, 0};
    int64_t ms = 0;
  };
  BlockVector<Active> active;

  std::string_view View(uint32_t id) const { return arena.View(fps[id].place); }
  // 32 bits are enough to place an id (the set mixes the value further) and
  // equality compares the bytes anyway.
  static uint32_t HashOf(std::string_view s) { return static_cast<uint32_t>(std::hash<std::string_view>{}(s)); }

  struct FpHash {
    using is_transparent = void;
    const Impl* impl;
    size_t operator()(uint32_t id) const { return impl->fps[id].hash; }
    size_t operator()(std::string_view s) const { return HashOf(s); }
  };
  struct FpEq {
    using is_transparent = void;
    const Impl* impl;
    // By content here too: a snapshot listing one fingerprint twice is refused.
    bool operator()(uint32_t a, uint32_t b) const { return a == b || impl->View(a) == impl->View(b); }
    bool operator()(std::string_view s, uint32_t id) const { return s == impl->View(id); }
    bool operator()(uint32_t id, std::string_view s) const { return s == impl->View(id); }
  };
  boost::unordered_flat_set<uint32_t, FpHash, FpEq> ids{0, FpHash{this}, FpEq{this}};

  struct Key {
    uint32_t fp = 0;
    int64_t ms = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      // Boost mixes the result further; this only has to tell keys apart.
      return static_cast<size_t>(k.fp * 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(k.ms));
    }
  };
  // Every other instance: those that are not their fingerprint's active one,
  // and any added under the active one's key without becoming active, which
  // then shadows it.
  boost::unordered_flat_map<Key, Ref, KeyHash> instances;

  uint32_t IdOf(std::string_view fingerprint) const {
    auto it = ids.find(fingerprint);
    return it == ids.end() ? kNone : *it;
  }
  uint32_t Intern(std::string_view fingerprint) {
    if (uint32_t id = IdOf(fingerprint); id != kNone) return id;
    const auto id = static_cast<uint32_t>(active.size());
    fps.push_back(Fingerprint{arena.Append(fingerprint), HashOf(fingerprint)});
    active.push_back(Active{});
    ids.insert(id);
    return id;
  }
};

AlertIndex::AlertIndex() : impl_(std::make_unique<Impl>()) {}
AlertIndex::~AlertIndex() = default;
AlertIndex::AlertIndex(AlertIndex&&) noexcept = default;
AlertIndex& AlertIndex::operator=(AlertIndex&&) noexcept = default;

std::optional<AlertIndex::Ref> AlertIndex::Find(std::string_view fingerprint, Time starts_at) const {
  const uint32_t id = impl_->IdOf(fingerprint);
  if (id == kNone) return std::nullopt;
  const int64_t ms = starts_at.time_since_epoch().count();
  if (auto it = impl_->instances.find(Impl::Key{id, ms}); it != impl_->instances.end()) return it->second;
  const Impl::Active& a = impl_->active[id];
  if (a.ref.incident != kNone && a.ms == ms) return a.ref;
  return std::nullopt;
}

std::optional<AlertIndex::Ref> AlertIndex::Active(std::string_view fingerprint) const {
  const uint32_t id = impl_->IdOf(fingerprint);
  if (id == kNone || impl_->active[id].ref.incident == kNone) return std::nullopt;
  return impl_->active[id].ref;
}

void AlertIndex::Add(std::string_view fingerprint, Time starts_at, Ref ref, bool active) {
  Impl& m = *impl_;
  const uint32_t id = m.Intern(fingerprint);
  const int64_t ms = starts_at.time_since_epoch().count();
  if (!active) {
    m.instances.insert_or_assign(Impl::Key{id, ms}, ref);
    return;
  }
  Impl::Active& a = m.active[id];
  // The instance that was active keeps its place under its own key, unless a
  // later one was added there (try_emplace keeps that one).
  if (a.ref.incident != kNone && a.ms != ms) m.instances.try_emplace(Impl::Key{id, a.ms}, a.ref);
  m.instances.erase(Impl::Key{id, ms});
  a = Impl::Active{ref, ms};
}

size_t AlertIndex::instances() const {
  size_t n = impl_->instances.size();
  for (uint32_t id = 0; id < impl_->active.size(); ++id) {
    const Impl::Active& a = impl_->active[id];
    n += a.ref.incident != kNone && !impl_->instances.contains(Impl::Key{id, a.ms});
  }
  return n;
}

void AlertIndex::ForEachRef(const std::function<void(Ref)>& fn) const {
  for (const auto& entry : impl_->instances) fn(entry.second);
  for (uint32_t id = 0; id < impl_->active.size(); ++id) {
    if (impl_->active[id].ref.incident != kNone) fn(impl_->active[id].ref);
  }
}

// Layout: fingerprints (count, then each as length and bytes); then per
// fingerprint its active instance (incident + 1, 0 for none; position;
// startsAt zigzag); then the other instances (count, then fingerprint id,
// startsAt zigzag, incident, position).
std::string AlertIndex::Save() const {
  const Impl& m = *impl_;
  std::string out;
  out.reserve(m.arena.bytes() + m.active.size() * 4 + m.instances.size() * 12 + 16);
  varint::Put(out, m.active.size());
  for (uint32_t id = 0; id < m.active.size(); ++id) {
    varint::PutString(out, m.View(id));
  }
  for (uint32_t id = 0; id < m.active.size(); ++id) {
    const Impl::Active& a = m.active[id];
    const bool none = a.ref.incident == kNone;
    varint::Put(out, none ? 0 : uint64_t{a.ref.incident} + 1);
    varint::Put(out, none ? 0 : a.ref.pos);
    varint::Put(out, none ? 0 : varint::Zigzag(a.ms));
  }
  varint::Put(out, m.instances.size());
  for (const auto& [key, ref] : m.instances) {
    varint::Put(out, key.fp);
    varint::Put(out, varint::Zigzag(key.ms));
    varint::Put(out, ref.incident);
    varint::Put(out, ref.pos);
  }
  return out;
}

bool AlertIndex::Load(std::string_view rest) {
  auto fresh = std::make_unique<Impl>();
  Impl& m = *fresh;
  uint64_t fps = 0;
  // Every entry takes at least one byte: a count beyond the bytes is damage.
  if (!varint::Take(rest, fps) || fps > rest.size()) return false;
  m.ids.reserve(fps);
  for (uint64_t i = 0; i < fps; ++i) {
    std::string_view fp;
    if (!varint::TakeString(rest, fp)) return false;
    const auto id = static_cast<uint32_t>(i);
    if (m.arena.Full()) return false;
    m.fps.push_back(Impl::Fingerprint{m.arena.Append(fp), Impl::HashOf(fp)});
    m.active.push_back(Impl::Active{});
    if (!m.ids.insert(id).second) return false;  // the same fingerprint twice
  }
  for (uint32_t id = 0; id < m.active.size(); ++id) {
    Impl::Active& a = m.active[id];
    uint32_t incident = 0, pos = 0;
    uint64_t zigzag = 0;
    if (!TakeU32(rest, incident) || !TakeU32(rest, pos) || !varint::Take(rest, zigzag)) return false;
    if (incident != 0) a = Impl::Active{Ref{incident - 1, pos}, varint::Unzigzag(zigzag)};
  }
  uint64_t count = 0;
  if (!varint::Take(rest, count) || count > rest.size()) return false;
  m.instances.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t fp = 0;
    uint64_t zigzag = 0;
    Ref ref;
    if (!TakeU32(rest, fp) || fp >= fps || !varint::Take(rest, zigzag) || !TakeU32(rest, ref.incident) ||
        !TakeU32(rest, ref.pos)) {
      return false;
    }
    m.instances.insert_or_assign(Impl::Key{fp, varint::Unzigzag(zigzag)}, ref);
  }
  if (!rest.empty()) return false;
  // The functors point at the Impl they hash for: a fresh one, rebuilt above.
  impl_ = std::move(fresh);
  return true;
}

}  // namespace debriefd
