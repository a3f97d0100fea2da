#include "domain/counters.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "domain/clocking.h"

namespace debriefd {

Histogram::Histogram(std::vector<double> bounds)
    : upper_bounds(std::move(bounds)), counts(upper_bounds.size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(upper_bounds.begin(), upper_bounds.end(), v) - upper_bounds.begin();
  ++counts[i];
  sum += v;
  ++count;
}

std::vector<double> BucketBounds(const Policy& p) {
  std::vector<double> b = {60, 300, 900, 1800, 3600, 7200, 14400, 86400};
  auto add = [&b](Duration d) { b.push_back(Seconds(d)); };
  add(p.goals.detect);
  add(p.goals.fix);
  for (const auto& [sev, g] : p.goals_by_severity) {
    add(g.detect);
    add(g.fix);
  }
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

void IncidentCounters::ObserveCounted(const Clocking& clk, bool suspected_cause, bool was_auto_resolved) {
  ++counted;
  time_to_detect.Observe(Seconds(clk.time_to_detect));
  ++(clk.detect_goal_met ? detect_met : detect_missed);
  if (clk.time_to_fix) {
    time_to_fix.Observe(Seconds(*clk.time_to_fix));
    ++(*clk.fix_goal_met ? fix_met : fix_missed);
  }
  if (suspected_cause) ++with_suspected_cause;
  if (was_auto_resolved) ++auto_resolved;
}

namespace {

void Bump(GaugeTally& tally, const std::pair<std::string_view, std::string_view>& key) {
  auto it = tally.find(key);
  if (it == tally.end()) it = tally.emplace(ServiceSeverity{key.first, key.second}, 0).first;
  ++it->second;
}

// The longest overdue matter most (they are the ones to chase); incident
// order breaks ties and is the order of the list.
void KeepLongestOverdue(std::vector<std::pair<size_t, Duration>>& overdue, size_t max) {
  if (max == 0 || overdue.size() <= max) return;
  std::vector<size_t> order(overdue.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(max), order.end(),
                   [&overdue](size_t a, size_t b) {
                     return overdue[a].second != overdue[b].second ? overdue[a].second > overdue[b].second : a < b;
                   });
  order.resize(max);
  std::sort(order.begin(), order.end());
  std::vector<std::pair<size_t, Duration>> kept;
  kept.reserve(max);
  for (size_t i : order) kept.push_back(overdue[i]);
  overdue = std::move(kept);
}

void AddItems(GaugeSnapshot& g, const std::map<std::string, ActionItem>& action_items, Time now) {
  for (const auto& [id, item] : action_items) {
    if (item.open()) ++g.action_items_open[{item.service, item.linked()}];
    for (const std::string* svc : {&item.service, &item.source_service}) {
      if (svc->empty()) continue;
      g.action_items_open[{*svc, true}] += 0;
      g.action_items_open[{*svc, false}] += 0;
      g.action_items_overdue[*svc] += 0;
    }
    if (item.OverdueAt(now)) ++g.action_items_overdue[item.service];
  }
}

}  // namespace

// Every incident has counters under its (service, severity at opening), so
// the keys of `counters` name every service with an incident.
void AddGaugeZeros(GaugeSnapshot& g, const std::map<ServiceSeverity, IncidentCounters>& counters) {
  // The keys come in order, so each map is filled through a hint (the
  // position after the last key): constant time an insert, not a descent
  // comparing names.
  auto open = g.open.begin(), debriefs = g.debriefs_overdue.begin(), checkpoints = g.checkpoints_overdue.begin();
  auto items = g.action_items_open.begin();
  auto items_overdue = g.action_items_overdue.begin();
  auto zero = [](auto& map, auto& hint, const auto& key) {
    hint = std::next(map.try_emplace(hint, key, 0));
  };
  const std::string* service = nullptr;
  for (const auto& [key, c] : counters) {
    zero(g.open, open, key);
    zero(g.debriefs_overdue, debriefs, key);
    zero(g.checkpoints_overdue, checkpoints, key);
    if (service != nullptr && *service == key.first) continue;  // the service's other severities
    service = &key.first;
    zero(g.action_items_open, items, std::pair<std::string, bool>{key.first, false});
    zero(g.action_items_open, items, std::pair<std::string, bool>{key.first, true});
    zero(g.action_items_overdue, items_overdue, key.first);
  }
}

GaugeWalk::KeyTally* GaugeWalk::Key(const Policy& policy, const Incident& inc) {
  if (inc.tally_key == kNoTallyKey) return nullptr;
  if (inc.tally_key >= by_key_.size()) by_key_.resize(static_cast<size_t>(inc.tally_key) + 1);
  KeyTally& k = by_key_[inc.tally_key];
  if (!k.named) {
    // Named now, from an incident that holds the key: a name read at Finish
    // could be of a severity the incident took since.
    k.name = {inc.service, inc.severity};
    k.debrief_required = policy.DebriefRequiredFor(inc.severity);
    k.named = true;
  }
  return &k;
}

void GaugeWalk::Count(KeyTally* key, const Incident& inc, Gauge gauge) {
  if (key != nullptr) ++key->counts[gauge];
  else Bump(unnumbered_[gauge], {inc.service, inc.severity});
}

// What one incident adds. Only incidents that count (open, or with a debrief
// or checkpoint overdue) touch a tally, and most read nothing but the first
// members of Incident.
void GaugeWalk::Add(const Policy& policy, const Incident& inc, size_t index) {
  const bool completed = inc.debrief().debrief_completed_at.has_value();
  const bool may_be_overdue = !completed && inc.resolved_at && !inc.debrief().debrief_waived_at;
  if (!inc.open && !completed && !may_be_overdue) return;
  KeyTally* key = Key(policy, inc);
  if (inc.open) Count(key, inc, kOpen);
  if (completed) {
    if (!inc.debrief().checkpoint_completed_at && CheckpointAt(policy, inc, now_).status == CheckpointStatus::kOverdue) {
      Count(key, inc, kCheckpointsOverdue);
    }
    return;  // a completed debrief is not overdue
  }
  if (!may_be_overdue) return;
  const DebriefView d = key != nullptr ? DebriefOf(policy, inc, now_, key->debrief_required)
                                       : DebriefOf(policy, inc, now_);
  if (d.status == DebriefStatus::kOverdue) {
    Count(key, inc, kDebriefsOverdue);
    overdue_.emplace_back(index, now_ - *d.due_at);
  }
}

bool GaugeWalk::Step(const Policy& policy, const std::vector<Incident>& incidents, size_t n) {
  const size_t end = incidents.size() - next_ > n ? next_ + n : incidents.size();
  for (; next_ < end; ++next_) Add(policy, incidents[next_], next_);
  return next_ == incidents.size();
}

void GaugeWalk::Trim() {
  const size_t before = overdue_.size();
  KeepLongestOverdue(overdue_, max_overdue_);
  trimmed_ += before - overdue_.size();
}

GaugeSnapshot GaugeWalk::Finish(const Policy& policy, const std::vector<Incident>& incidents,
                                const std::map<std::string, ActionItem>& action_items,
                                const std::map<ServiceSeverity, IncidentCounters>& counters) {
  GaugeSnapshot g = FinishWithoutZeros(policy, incidents, action_items);
  AddGaugeZeros(g, counters);
  return g;
}

GaugeSnapshot GaugeWalk::FinishWithoutZeros(const Policy& policy, const std::vector<Incident>& incidents,
                                            const std::map<std::string, ActionItem>& action_items) {
  Step(policy, incidents, incidents.size());
  GaugeSnapshot g;
  std::map<ServiceSeverity, uint64_t>* into[kGauges] = {&g.open, &g.debriefs_overdue, &g.checkpoints_overdue};
  for (int gauge = 0; gauge < kGauges; ++gauge) {
    into[gauge]->insert(unnumbered_[gauge].begin(), unnumbered_[gauge].end());
    for (const KeyTally& k : by_key_) {
      if (k.counts[gauge] > 0) (*into[gauge])[k.name] += k.counts[gauge];
    }
  }
  // The longest of those kept by Trim and those walked since are the
  // longest of all: none that Trim dropped could be among them.
  g.overdue_debriefs_total = trimmed_ + overdue_.size();
  KeepLongestOverdue(overdue_, max_overdue_);
  g.overdue_debriefs.reserve(overdue_.size());
  for (const auto& [i, by] : overdue_) {
    const Incident& inc = incidents[i];
    g.overdue_debriefs.push_back({inc.id, inc.service, inc.severity, by});
  }
  AddItems(g, action_items, now_);
  return g;
}

GaugeSnapshot ComputeGauges(const Policy& policy, const std::vector<Incident>& incidents,
                            const std::map<std::string, ActionItem>& action_items,
                            const std::map<ServiceSeverity, IncidentCounters>& counters, Time now,
                            size_t max_overdue) {
  GaugeWalk walk(now, max_overdue);
  return walk.Finish(policy, incidents, action_items, counters);
}

}  // namespace debriefd
