#include "domain/changes.h"

namespace debriefd {

void ChangeLog::Add(const ChangeEvent& c) {
  size_t idx = changes_.size();
  changes_.push_back(c);
  by_id_[c.id] = idx;
  by_service_[c.service].emplace(c.time, idx);
  ++totals_[{c.service, c.kind}];
}

bool ChangeLog::ConfirmCause(std::string_view id, Time at) {
  const ChangeEvent* c = Find(id);
  if (c == nullptr || failed_.count(c->id) > 0) return false;
  failed_.insert(c->id);
  failures_.push_back({c->id, c->service, c->kind, at});
  ++failure_totals_[{c->service, c->kind}];
  return true;
}

const ChangeEvent* ChangeLog::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &changes_[it->second];
}

const ChangeEvent* ChangeLog::LatestBefore(const std::string& service, const std::string& environment, Time at,
                                            Duration window) const {
  auto svc = by_service_.find(service);
  if (svc == by_service_.end()) return nullptr;
  // Walk back from `at` through the window; a change of another environment
  // (a staging deploy) is passed over, however close.
  for (auto it = svc->second.upper_bound(at); it != svc->second.begin();) {
    --it;
    if (at - it->first > window) return nullptr;
    const ChangeEvent& c = changes_[it->second];
    if (c.environment.empty() || c.environment == environment) return &c;
  }
  return nullptr;
}

}  // namespace debriefd
