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

namespace {

bool Required(const Policy& policy, const Incident& inc, bool required_for_severity) {
  return required_for_severity && !(policy.skip_auto_resolved && inc.auto_resolved());
}

// `required_for_severity` is called only for a debrief neither done nor waived.
template <typename RequiredForSeverity>
DebriefView DebriefStatusOf(const Policy& policy, const Incident& inc, Time now, RequiredForSeverity required_for_severity) {
  DebriefView v;
  if (inc.resolved_at) v.due_at = *inc.resolved_at + policy.debrief_due_within;
  if (inc.debrief().debrief_completed_at) {
    v.status = DebriefStatus::kDone;
    v.completed_at = inc.debrief().debrief_completed_at;
    v.on_time = !v.due_at || *inc.debrief().debrief_completed_at <= *v.due_at;
  } else if (inc.debrief().debrief_waived_at) {
    v.status = DebriefStatus::kWaived;
  } else if (!Required(policy, inc, required_for_severity())) {
    v.status = DebriefStatus::kNotRequired;
  } else if (v.due_at && now > *v.due_at) {
    v.status = DebriefStatus::kOverdue;
  } else {
    v.status = DebriefStatus::kPending;
  }
  return v;
}

}  // namespace

bool DebriefRequired(const Policy& policy, const Incident& inc) {
  return Required(policy, inc, policy.DebriefRequiredFor(inc.severity));
}

DebriefView DebriefOf(const Policy& policy, const Incident& inc, Time now) {
  return DebriefStatusOf(policy, inc, now, [&] { return policy.DebriefRequiredFor(inc.severity); });
}

DebriefView DebriefOf(const Policy& policy, const Incident& inc, Time now, bool required_for_severity) {
  return DebriefStatusOf(policy, inc, now, [required_for_severity] { return required_for_severity; });
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
