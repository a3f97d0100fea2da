#pragma once
// The debrief pages: what debriefd shows to people (docs/pages.md).
//
//   GET /                         where the team stands now
//   GET /incidents                the list, filtered and paginated
//   GET /incidents/{id}           the page to share: the three answers, the
//                                 timeline from the real start, impact, causes,
//                                 repeats, the debrief, its checkpoint and items
//   GET /incidents/{id}/debrief.md  a debrief document pre-filled from it
//   GET /feed.atom                completed debriefs (and resolved incidents)
//
// Every page is rendered from a ctemplate template with automatic escaping
// (exporters/pages/templates/), from the same per-incident view as the API and
// the reports (domain/incident_view.h): one set of numbers. Text from events
// (titles, labels, urls) is untrusted: it is escaped for where it lands, and a
// url becomes a link only when its scheme is http or https.
//
// Renderers read the tracker: call them under the state lock (IngestService::Read).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "domain/status.h"
#include "domain/time.h"
#include "domain/tracker.h"

namespace debriefd {

struct PageOptions {
  // `external_url` from the config: where people reach debriefd
  // ("https://debriefd.example.com/ops"). Its path prefixes every link of the
  // pages; the feed and the debrief document link absolutely with it. Empty:
  // links are relative to the server's root.
  std::string external_url;
};

// GET /incidents?state=&service=&severity=&debrief=&quarter=&page=
struct IncidentFilter {
  std::string state;     // "open", "resolved" or empty (all)
  std::string service;   // exact; empty: all
  std::string severity;  // exact; empty: all
  std::string debrief;   // a debrief status (pending, overdue, done, waived, not_required); empty: all
  std::string quarter;   // "2026-Q3" (by the incident's start); empty: all
  size_t page = 1;       // 1-based; kIncidentsPerPage per page, newest first
};
inline constexpr size_t kIncidentsPerPage = 50;

// InvalidArgument naming the parameter for an unknown parameter or value.
Result<IncidentFilter> ParseIncidentFilter(const std::map<std::string, std::string>& query);

std::string RenderHomePage(const IncidentTracker& tracker, Time now, const PageOptions& options);
std::string RenderIncidentListPage(const IncidentTracker& tracker, Time now, const IncidentFilter& filter,
                                   const PageOptions& options);
std::string RenderIncidentPage(const IncidentTracker& tracker, const Incident& incident, Time now,
                               const PageOptions& options);

// The debrief document pre-filled from the incident: Markdown to paste into a
// wiki, or the same document as an HTML page (`?format=html`).
std::string RenderDebriefMarkdown(const IncidentTracker& tracker, const Incident& incident, Time now,
                                  const PageOptions& options);
std::string RenderDebriefHtml(const IncidentTracker& tracker, const Incident& incident, Time now,
                              const PageOptions& options);

// Atom 1.0: completed debriefs, newest first; with `include_incidents`,
// resolved incidents too.
std::string RenderAtomFeed(const IncidentTracker& tracker, Time now, bool include_incidents,
                           const PageOptions& options);

// The one stylesheet every page links (GET /static/style.css).
std::string_view PageStylesheet();

}  // namespace debriefd
