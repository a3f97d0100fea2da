#pragma once
// The one per-incident view: everything a reader shows about one incident at
// a given moment (clocking against its goals, causes, debrief and checkpoint
// status, its action items). The API's incident JSON and the report's rows
// are both written from it, so they cannot disagree.

#include <cstdint>
#include <vector>

#include "domain/incident.h"
#include "domain/policy.h"
#include "domain/tracker.h"

namespace debriefd {

struct IncidentView {
  const Incident* incident = nullptr;  // points into the tracker
  Clocking clocking;
  Goals goals;
  const ChangeEvent* suspected_cause = nullptr;  // nullptr: none
  const ChangeEvent* confirmed_cause = nullptr;  // nullptr: none confirmed, or unknown
  bool debrief_required = false;
  DebriefView debrief;
  CheckpointView checkpoint;
  std::vector<const ActionItem*> action_items;  // in the order they were opened
  uint64_t action_items_open = 0;
  uint64_t action_items_closed = 0;
};

// The view of `inc` at `now`. Its pointers are valid while the tracker is
// not changed (IngestService::Read holds the state lock for that long).
IncidentView ViewOf(const IncidentTracker& tracker, const Incident& inc, Time now);

}  // namespace debriefd
