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

GaugeSnapshot ComputeGauges(const Policy& policy, const std::vector<Incident>& incidents,
                            const std::map<std::string, ActionItem>& action_items,
                            const std::map<ServiceSeverity, IncidentCounters>& counters, Time now) {
  GaugeSnapshot g;
  for (const auto& [key, c] : counters) {
    g.open[key] = 0;
    g.debriefs_overdue[key] = 0;
    g.checkpoints_overdue[key] = 0;
  }
  for (const Incident& inc : incidents) {
    ServiceSeverity key{inc.service, inc.severity};
    if (inc.open) ++g.open[key];
    DebriefView d = DebriefOf(policy, inc, now);
    if (d.status == DebriefStatus::kOverdue) {
      ++g.debriefs_overdue[key];
      g.overdue_debriefs.push_back({inc.id, inc.service, inc.severity, now - *d.due_at});
    }
    if (CheckpointAt(policy, inc, now).status == CheckpointStatus::kOverdue) ++g.checkpoints_overdue[key];
    g.action_items_open[{inc.service, true}] += 0;
    g.action_items_open[{inc.service, false}] += 0;
    g.action_items_overdue[inc.service] += 0;
  }
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
  return g;
}

}  // namespace debriefd
