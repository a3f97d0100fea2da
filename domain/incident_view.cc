#include "domain/incident_view.h"

namespace debriefd {

IncidentView ViewOf(const IncidentTracker& t, const Incident& inc, Time now) {
  IncidentView v;
  v.incident = &inc;
  v.clocking = t.ClockOf(inc);
  v.goals = t.policy().GoalsFor(inc.severity);
  v.suspected_cause = t.SuspectedCause(inc);
  if (inc.debrief().confirmed_cause_id) v.confirmed_cause = t.FindChange(*inc.debrief().confirmed_cause_id);
  v.debrief_required = t.DebriefRequired(inc);
  v.debrief = t.DebriefOf(inc, now);
  v.checkpoint = t.CheckpointAt(inc, now);
  for (const std::string& id : inc.debrief().action_item_ids) {
    auto it = t.action_items().find(id);
    if (it == t.action_items().end()) continue;
    v.action_items.push_back(&it->second);
    ++(it->second.open() ? v.action_items_open : v.action_items_closed);
  }
  return v;
}

}  // namespace debriefd
