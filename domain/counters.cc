#include "domain/counters.h"

#include <algorithm>

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

// The zeros every series starts from. Every incident has counters under its
// (service, severity at opening), so the keys of `counters` name every
// service with an incident.
GaugeSnapshot Zeros(const std::map<ServiceSeverity, IncidentCounters>& counters) {
  GaugeSnapshot g;
  for (const auto& [key, c] : counters) {
    g.open.emplace_hint(g.open.end(), key, 0);
    g.debriefs_overdue.emplace_hint(g.debriefs_overdue.end(), key, 0);
    g.checkpoints_overdue.emplace_hint(g.checkpoints_overdue.end(), key, 0);
    g.action_items_open.try_emplace({key.first, false}, 0);
    g.action_items_open.try_emplace({key.first, true}, 0);
    g.action_items_overdue.try_emplace(key.first, 0);
  }
  return g;
}

// What one incident adds. Only incidents that count (open, or with a debrief
// or checkpoint overdue) touch a map.
void AddIncident(GaugeSnapshot& g, const Policy& policy, const Incident& inc, Time now) {
  if (inc.open) ++g.open[{inc.service, inc.severity}];
  if (inc.debrief_completed_at) {
    if (!inc.checkpoint_completed_at && CheckpointAt(policy, inc, now).status == CheckpointStatus::kOverdue) {
      ++g.checkpoints_overdue[{inc.service, inc.severity}];
    }
    return;  // a completed debrief is not overdue
  }
  if (!inc.resolved_at || inc.debrief_waived_at) return;  // not overdue either
  DebriefView d = DebriefOf(policy, inc, now);
  if (d.status == DebriefStatus::kOverdue) {
    ++g.debriefs_overdue[{inc.service, inc.severity}];
    g.overdue_debriefs.push_back({inc.id, inc.service, inc.severity, now - *d.due_at});
  }
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

GaugeSnapshot ComputeGauges(const Policy& policy, const std::vector<Incident>& incidents,
                            const std::map<std::string, ActionItem>& action_items,
                            const std::map<ServiceSeverity, IncidentCounters>& counters, Time now) {
  GaugeSnapshot g = Zeros(counters);
  for (const Incident& inc : incidents) AddIncident(g, policy, inc, now);
  AddItems(g, action_items, now);
  return g;
}

}  // namespace debriefd
