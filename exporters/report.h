#pragma once
// Quarterly (or any range) review exports: CSV, JSON, Markdown, HTML and
// OpenMetrics, computed from the tracker's state. docs/reports.md defines every
// figure.
//
// An incident belongs to the range in which it started (Incident::started_at,
// UTC, which already includes the corrections a debrief recorded). Everything
// that depends on the current time (overdue debriefs, open action items) is
// judged at the `now` passed in, so the same tracker and `now` always give the
// same report. Pure functions of their arguments; thread-safe as long as the
// tracker is not changed meanwhile (IngestService::Read holds its lock).
//
// Parsing of user-supplied parameters returns InvalidArgument with the field
// ("quarter", "from", "to", "format") and never throws.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"
#include "domain/tracker.h"

namespace debriefd {

enum class ReportFormat { kCsv, kJson, kMarkdown, kHtml, kOpenMetrics };

struct ReportRange {
  Time from{};           // inclusive
  Time to{};             // exclusive
  std::string label;     // "2026-Q3", or "2026-07-01..2026-09-30"
  bool quarter = false;  // a calendar quarter: its previous range is the previous quarter
};

// "2026-Q3" -> [2026-07-01T00:00:00Z, 2026-10-01T00:00:00Z). Also "2026-q3".
Result<ReportRange> ParseQuarter(std::string_view quarter);
// "csv" | "json" | "md" (or "markdown") | "html" | "openmetrics".
Result<ReportFormat> ParseReportFormat(std::string_view format);

// A range from the options of `debriefd report` or the query of
// GET /api/v1/reports/quarterly: either `quarter`, or both `from` and `to`.
// `from` and `to` are RFC 3339 times or YYYY-MM-DD dates (UTC midnight). A
// date as `to` includes that whole day; an RFC 3339 `to` is exclusive. A
// range that is exactly one calendar quarter is labelled as that quarter.
Result<ReportRange> ReportRangeFrom(std::optional<std::string_view> quarter,
                                    std::optional<std::string_view> from, std::optional<std::string_view> to);

// A report request from query parameters (GET /api/v1/reports/quarterly):
// `quarter` or `from` and `to` as for ReportRangeFrom, and `format` (default
// json). Unknown parameters are rejected, naming the parameter.
struct ReportRequest {
  ReportRange range;
  ReportFormat format = ReportFormat::kJson;
};
Result<ReportRequest> ParseReportQuery(const std::map<std::string, std::string>& query);

// The range a report compares with: the previous calendar quarter for a
// quarter, otherwise the range of equal length that ends where `range` starts.
ReportRange PreviousRange(const ReportRange& range);

const char* ContentType(ReportFormat format);
const char* FileExtension(ReportFormat format);
// "debriefd-2026-Q3.csv"; only [A-Za-z0-9._-] survive from the label.
std::string ReportFileName(const ReportRange& range, ReportFormat format);

// --- The computed report ---------------------------------------------------------

// One incident, one row: exactly the report's columns (kReportColumns), typed.
struct ReportRow {
  std::string incident_id;
  std::string service;
  std::string severity;
  std::string title;
  Time started_at{};
  Time detected_at{};
  std::optional<Time> resolved_at;
  Duration time_to_detect{};
  std::optional<Duration> time_to_fix;  // absent while unresolved
  bool detect_goal_met = false;
  std::optional<bool> fix_goal_met;  // absent while unresolved
  std::string suspected_cause;       // change id; empty when none
  std::string confirmed_cause;       // change id; empty when none
  DebriefStatus debrief_status = DebriefStatus::kPending;
  std::optional<Time> debrief_completed_at;
  std::optional<bool> debrief_on_time;  // set once completed
  uint64_t action_items_open = 0;
  uint64_t action_items_closed = 0;
  std::string repeat_of;  // empty when not a repeat
  bool auto_resolved = false;

  // Not columns, but used by the summary and the HTML lists.
  bool debrief_required = false;
  std::optional<Time> debrief_due_at;
};

// clang-format off
inline constexpr const char* kReportColumns[] = {
    "incident_id", "service", "severity", "title",
    "started_at", "detected_at", "resolved_at",
    "time_to_detect_seconds", "time_to_fix_seconds", "detect_goal_met", "fix_goal_met",
    "suspected_cause", "confirmed_cause",
    "debrief_status", "debrief_completed_at", "debrief_on_time",
    "action_items_open", "action_items_closed", "repeat_of", "auto_resolved"};
// clang-format on

// The figures of one range (or one service within it). docs/reports.md has the
// definitions; absent optionals are `null` ("no value": nothing to divide by,
// nothing to rank).
struct ReportSummary {
  uint64_t incidents = 0;
  uint64_t incidents_resolved = 0;
  uint64_t detect_goal_met = 0;                  // incidents detected within their severity's goal
  uint64_t fix_goal_met = 0;                     // resolved incidents fixed within their goal
  std::optional<double> detect_goal_attainment;  // detect_goal_met / incidents
  std::optional<double> fix_goal_attainment;     // fix_goal_met / incidents_resolved
  std::optional<Duration> time_to_detect_p50, time_to_detect_p90;  // nearest rank
  std::optional<Duration> time_to_fix_p50, time_to_fix_p90;        // nearest rank, resolved only
  uint64_t debriefs_required = 0;  // incidents whose severity needs a debrief (waived included)
  uint64_t debriefs_on_time = 0;   // debriefs completed at or before their due time
  uint64_t debriefs_late = 0;      // debriefs completed after their due time
  uint64_t debriefs_missing = 0;   // required, not completed or waived, past due at `now`
  uint64_t debriefs_waived = 0;
  uint64_t debriefs_pending = 0;     // required, not completed or waived, not yet due at `now`
  uint64_t action_items_opened = 0;  // items of the range's incidents
  uint64_t action_items_closed = 0;  // of those, closed by `now`
  uint64_t repeats = 0;
  uint64_t auto_resolved = 0;
  uint64_t changes = 0;                       // change events whose time lies in the range
  uint64_t confirmed_causes = 0;              // incidents whose debrief confirmed a causing change
  std::optional<double> change_failure_rate;  // confirmed_causes / changes
};

struct ServiceSummary {
  std::string service;
  ReportSummary summary;
};

// An open action item of one of the range's incidents.
struct OpenActionItem {
  std::string id, incident_id, service, title, url;
  Time opened_at{}, due_at{};
  bool overdue = false;
};

struct Report {
  ReportRange range;
  ReportRange previous_range;
  Time generated_at{};
  std::vector<ReportRow> rows;  // by started_at, then incident id
  ReportSummary summary;
  ReportSummary previous_summary;
  std::vector<ServiceSummary> services;           // most incidents first, then by name
  std::vector<size_t> overdue_debriefs;           // indices into rows; longest overdue first
  std::vector<OpenActionItem> open_action_items;  // overdue first, then by due time
  std::map<std::string, Goals> goals;             // the goals of every severity in rows
};

// Computes the report of `range` as seen at `now`. The Report refers to
// nothing in the tracker once returned.
Report BuildReport(const IncidentTracker& tracker, Time now, const ReportRange& range);

// Nearest-rank percentile of `values` (sorted ascending): the value at rank
// ceil(p/100 * n), 1-based; nullopt when empty. p in (0, 100].
std::optional<Duration> NearestRank(const std::vector<Duration>& sorted, int p);

// Renders the report of `range` as seen at `now`.
std::string RenderReport(const IncidentTracker& tracker, Time now, const ReportRange& range,
                         ReportFormat format);
// Renders an already built report (not OpenMetrics, which needs the tracker's
// whole history).
std::string RenderReport(const Report& report, ReportFormat format);
// The history of counters as OpenMetrics samples stamped with their real
// times, cumulative from the first event, for samples within `range`.
std::string RenderOpenMetrics(const IncidentTracker& tracker, const ReportRange& range);

}  // namespace debriefd
