#pragma once
// Clocking and the debrief loop's status, as pure functions of the policy,
// one incident and (where it matters) the time of asking. docs/clocking.md
// states every rule.

#include "domain/incident.h"
#include "domain/policy.h"

namespace debriefd {

// Time to detect and to fix against the goals of the incident's severity.
// Neither is ever negative.
Clocking ClockOf(const Policy& policy, const Incident& inc);

// Whether the incident's severity needs a debrief (and, with
// debrief.skip_auto_resolved, whether a person acted).
bool DebriefRequired(const Policy& policy, const Incident& inc);

// The debrief's status at `now`: due debrief.due_within after resolution.
DebriefView DebriefOf(const Policy& policy, const Incident& inc, Time now);
// The same, with policy.DebriefRequiredFor(inc.severity) given: for a walk
// over every incident that asks the policy once per severity.
DebriefView DebriefOf(const Policy& policy, const Incident& inc, Time now, bool required_for_severity);

// The checkpoint's status at `now`: due debrief.checkpoint_after after the debrief.
CheckpointView CheckpointAt(const Policy& policy, const Incident& inc, Time now);

}  // namespace debriefd
