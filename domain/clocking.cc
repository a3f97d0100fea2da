#include "domain/clocking.h"

#include <algorithm>

namespace debriefd {

Clocking ClockOf(const Policy& policy, const Incident& inc) {
  const Goals& goals = policy.GoalsFor(inc.severity);
  Clocking c;
  c.started_at = inc.started_at;
  c.time_to_detect = std::max(Duration{0}, inc.detected_at - inc.started_at);
  c.detect_goal_met = c.time_to_detect <= goals.detect;
  if (inc.resolved_at) {
    c.time_to_fix = std::max(Duration{0}, *inc.resolved_at - inc.started_at);
    c.fix_goal_met = *c.time_to_fix <= goals.fix;
  }
  return c;
}

bool DebriefRequired(const Policy& policy, const Incident& inc) {
  if (!policy.DebriefRequiredFor(inc.severity)) return false;
  if (policy.skip_auto_resolved && inc.auto_resolved()) return false;
  return true;
}

DebriefView DebriefOf(const Policy& policy, const Incident& inc, Time now) {
  DebriefView v;
  if (inc.resolved_at) v.due_at = *inc.resolved_at + policy.debrief_due_within;
  if (inc.debrief().debrief_completed_at) {
    v.status = DebriefStatus::kDone;
    v.completed_at = inc.debrief().debrief_completed_at;
    v.on_time = !v.due_at || *inc.debrief().debrief_completed_at <= *v.due_at;
  } else if (inc.debrief().debrief_waived_at) {
    v.status = DebriefStatus::kWaived;
  } else if (!DebriefRequired(policy, inc)) {
    v.status = DebriefStatus::kNotRequired;
  } else if (v.due_at && now > *v.due_at) {
    v.status = DebriefStatus::kOverdue;
  } else {
    v.status = DebriefStatus::kPending;
  }
  return v;
}

CheckpointView CheckpointAt(const Policy& policy, const Incident& inc, Time now) {
  CheckpointView v;
  if (!inc.debrief().debrief_completed_at) return v;  // not due before the debrief
  v.due_at = *inc.debrief().debrief_completed_at + policy.checkpoint_after;
  if (inc.debrief().checkpoint_completed_at) {
    v.status = CheckpointStatus::kDone;
    v.completed_at = inc.debrief().checkpoint_completed_at;
  } else if (now > *v.due_at) {
    v.status = CheckpointStatus::kOverdue;
  } else {
    v.status = CheckpointStatus::kPending;
  }
  return v;
}

}  // namespace debriefd
