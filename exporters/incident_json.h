#pragma once
// The JSON of incidents, changes and action items, as GET /api/v1/incidents
// and /api/v1/action-items return them, written from the one per-incident
// view (domain/incident_view.h). Strings of JSON text, so that readers of
// this header need no JSON library.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/incident_view.h"
#include "domain/status.h"

namespace debriefd {

// One incident; `detail` adds its alerts and its timeline.
std::string IncidentJson(const IncidentTracker& tracker, const Incident& inc, Time now, bool detail);
// {"incidents": [...]} of the given incidents, without detail.
std::string IncidentListJson(const IncidentTracker& tracker, const std::vector<const Incident*>& incidents,
                             Time now);
// GET /api/v1/incidents: which incidents, and which page of them.
//
// Pages list incidents newest first, in the order debriefd opened them (a
// reopened incident keeps its place). A page ends with a cursor that names
// the last incident it listed; the next page continues after that incident,
// so incidents opened between two pages never shift the later pages: they
// appear on a new first page, and nothing is listed twice or skipped.
inline constexpr size_t kIncidentPageDefault = 100;
inline constexpr size_t kIncidentPageMax = 1000;

struct IncidentListQuery {
  std::optional<bool> open;  // state=open|resolved
  std::optional<std::string> service;
  std::optional<std::string> severity;
  std::optional<Time> since;  // on started_at
  std::optional<DebriefStatus> debrief;
  size_t limit = kIncidentPageDefault;  // 1..kIncidentPageMax
  std::string cursor;                   // as a page gave it; empty: the first page
};

// The query of GET /api/v1/incidents; InvalidArgument naming the parameter
// for an unknown parameter or a bad value (a cursor that is not one debriefd
// writes is caught here; one that names no incident, by IncidentListPageJson).
Result<IncidentListQuery> ParseIncidentListQuery(const std::map<std::string, std::string>& query);

// {"incidents": [...], "next_cursor": "..." | null}: one page of the
// incidents that match, without detail; next_cursor is null on the last page.
// InvalidArgument("cursor") when the cursor names no incident of `tracker`.
// Costs the page plus the incidents skipped over for the filters: call under
// the state lock.
Result<std::string> IncidentListPageJson(const IncidentTracker& tracker, const IncidentListQuery& query, Time now);

// {"action_items": [...]}.
std::string ActionItemListJson(const std::vector<const ActionItem*>& items, Time now);

}  // namespace debriefd
