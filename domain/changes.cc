#include "domain/changes.h"

namespace debriefd {

void ChangeLog::Add(const ChangeEvent& c) {
  size_t idx = changes_.size();
  changes_.push_back(c);
  by_id_[c.id] = idx;
  by_service_[c.service].emplace(c.time, idx);
  ++totals_[{c.service, c.kind}];
}

const ChangeEvent* ChangeLog::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &changes_[it->second];
}

const ChangeEvent* ChangeLog::LatestBefore(const std::string& service, Time at, Duration window) const {
  auto svc = by_service_.find(service);
  if (svc == by_service_.end()) return nullptr;
  auto it = svc->second.upper_bound(at);
  if (it == svc->second.begin()) return nullptr;
  --it;
  if (at - it->first > window) return nullptr;
  return &changes_[it->second];
}

}  // namespace debriefd
