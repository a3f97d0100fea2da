#pragma once
// The durable event log, as the domain needs it. collector/store implements it
// on SQLite. Every accepted event is appended in its source's own JSON form; a
// restart re-parses and re-applies them in order, so incidents and counters are
// never stored twice in two shapes that could disagree.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/status.h"
#include "domain/time.h"

namespace debriefd {

struct StoredEvent {
  int64_t seq = 0;  // assigned by the store, ascending
  std::string source;
  std::string dedup_key;
  Time received_at{};
  std::string raw;
};

// Persisted counters: (source, result) -> count, for debriefd_events_total,
// and (kAlertsTruncated, receiver) -> alerts Alertmanager left out of
// notifications, for debriefd_alerts_truncated_total.
using EventCounts = std::map<std::pair<std::string, std::string>, uint64_t>;
inline constexpr const char* kAlertsTruncated = "alerts_truncated";

// Not thread-safe: one owner thread at a time.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // True when an event with this dedup key is already stored.
  virtual Result<bool> Contains(std::string_view dedup_key) = 0;

  // Appends the events and adds the counter deltas in one transaction. When it
  // returns OK, all of it is on disk (synced); otherwise none of it is.
  virtual Status Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) = 0;

  // Calls fn for every stored event in append order; stops at the first error.
  virtual Status ForEach(const std::function<Status(const StoredEvent&)>& fn) = 0;

  virtual Result<EventCounts> LoadCounts() = 0;
};

}  // namespace debriefd
