#pragma once
// The change log: every change event (deploy, config, feature flag, infra),
// found by id, and by service and time for the suspected-cause rule.
// Not thread-safe: the tracker's owner serialises access.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/event.h"

namespace debriefd {

class ChangeLog {
 public:
  void Add(const ChangeEvent& c);

  const ChangeEvent* Find(std::string_view id) const;
  // The latest change to `service` at or before `at` and at most `window`
  // before it, in `environment` or in none (an absent or empty environment),
  // or nullptr.
  const ChangeEvent* LatestBefore(const std::string& service, const std::string& environment, Time at,
                                  Duration window) const;

  const std::vector<ChangeEvent>& all() const { return changes_; }
  // (service, kind) -> count, for debriefd_changes_total.
  const std::map<std::pair<std::string, std::string>, uint64_t>& totals() const { return totals_; }

 private:
  std::vector<ChangeEvent> changes_;
  std::unordered_map<std::string, size_t> by_id_;
  std::map<std::string, std::multimap<Time, size_t>> by_service_;
  std::map<std::pair<std::string, std::string>, uint64_t> totals_;
};

}  // namespace debriefd
