#pragma once
// The JSON of incidents, changes and action items, as GET /api/v1/incidents
// and /api/v1/action-items return them, written from the one per-incident
// view (domain/incident_view.h). Strings of JSON text, so that readers of
// this header need no JSON library.

#include <string>
#include <vector>

#include "domain/incident_view.h"

namespace debriefd {

// One incident; `detail` adds its alerts and its timeline.
std::string IncidentJson(const IncidentTracker& tracker, const Incident& inc, Time now, bool detail);
// {"incidents": [...]} of the given incidents, without detail.
std::string IncidentListJson(const IncidentTracker& tracker, const std::vector<const Incident*>& incidents,
                             Time now);
// {"action_items": [...]}.
std::string ActionItemListJson(const std::vector<const ActionItem*>& items, Time now);

}  // namespace debriefd
