#pragma once
// AlertIndex: where the tracker keeps each alert instance (one firing period
// of a fingerprint, named by its startsAt), and each fingerprint's active
// (latest) instance.
//
// It knows every instance ever seen, a million and more in a long history,
// so it is compact: every fingerprint is stored once, in an arena, beside
// its active instance; a map of small integers holds only the other
// instances (older periods of flapping alerts), so a fingerprint that fired
// once costs about 55 bytes, against 200 for two maps of strings. Lookups are
// exact: they compare the fingerprint's bytes, never only a hash of them.
// It grows without moving what it holds (chunks and blocks, not vectors that
// double by copying), so no Add takes more than a small allocation.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.h"

namespace debriefd {

class AlertIndex {
 public:
  // An instance's place: the incident's index in the tracker and the
  // instance's position in Incident::alerts.
  struct Ref {
    uint32_t incident = 0;
    uint32_t pos = 0;
  };

  AlertIndex();
  ~AlertIndex();
  AlertIndex(AlertIndex&&) noexcept;
  AlertIndex& operator=(AlertIndex&&) noexcept;

  // The instance of `fingerprint` that started at `starts_at`.
  std::optional<Ref> Find(std::string_view fingerprint, Time starts_at) const;
  // The fingerprint's active instance: the last one added as active.
  std::optional<Ref> Active(std::string_view fingerprint) const;
  // Records an instance (replacing what the same fingerprint and startsAt
  // named before) and, with `active`, makes it the fingerprint's active one.
  void Add(std::string_view fingerprint, Time starts_at, Ref ref, bool active);

  size_t instances() const;
  // Calls fn(ref) for every instance and every active entry (for checks).
  void ForEachRef(const std::function<void(Ref)>& fn) const;

  // The whole index as bytes, and back (for snapshots, which digest their
  // bytes before reading them). Load returns false on bytes it cannot read,
  // and then holds nothing.
  std::string Save() const;
  bool Load(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace debriefd
