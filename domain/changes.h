#pragma once
// The change log: every change event (deploy, config, feature flag, infra),
// found by id, and by service and time for the suspected-cause rule; and the
// changes debriefs confirmed as causes, each counted once (the change failures).
// Not thread-safe: the tracker's owner serialises access.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "domain/event.h"

namespace debriefd {

// A change a debrief confirmed as the cause of an incident, with its own
// service and kind, and the completion time of the first debrief that did.
struct ChangeFailure {
  std::string change_id;
  std::string service;
  std::string kind;
  Time confirmed_at{};
};

class ChangeLog {
 public:
  void Add(const ChangeEvent& c);

  // A debrief completed at `at` confirmed change `id` as an incident's cause.
  // A change counts once, the first time any debrief confirms it, however many
  // incidents it caused; later confirmations change nothing, so the count
  // never goes down. Returns whether this was the first; an unknown id counts
  // nothing (the batch check rejects it before).
  bool ConfirmCause(std::string_view id, Time at);

  const ChangeEvent* Find(std::string_view id) const;
  // The latest change to `service` at or before `at` and at most `window`
  // before it, in `environment` or in none (an absent or empty environment),
  // or nullptr.
  const ChangeEvent* LatestBefore(const std::string& service, const std::string& environment, Time at,
                                  Duration window) const;

  const std::vector<ChangeEvent>& all() const { return changes_; }
  // (service, kind) -> count, for debriefd_changes_total.
  const std::map<std::pair<std::string, std::string>, uint64_t>& totals() const { return totals_; }
  // (service, kind) -> changes confirmed as a cause, for
  // debriefd_change_failures_total: at most totals() of the same key.
  const std::map<std::pair<std::string, std::string>, uint64_t>& failure_totals() const { return failure_totals_; }
  // Every confirmed change once, in the order of their first confirmation.
  const std::vector<ChangeFailure>& failures() const { return failures_; }

 private:
  friend struct TrackerSnapshotAccess;  // tracker_snapshot.cc saves and restores the log
  std::vector<ChangeEvent> changes_;
  std::unordered_map<std::string, size_t> by_id_;
  std::map<std::string, std::multimap<Time, size_t>> by_service_;
  std::map<std::pair<std::string, std::string>, uint64_t> totals_;
  std::unordered_set<std::string> failed_;  // ids of the changes in failures_
  std::vector<ChangeFailure> failures_;
  std::map<std::pair<std::string, std::string>, uint64_t> failure_totals_;
};

}  // namespace debriefd
