#pragma once
// The computed report: what every format renders. docs/reports.md defines
// every figure. Everything that depends on the current time (overdue debriefs,
// open action items) is judged at the `now` passed in, so the same tracker and
// `now` always give the same report. The Report refers to nothing in the
// tracker once built, so it can be rendered outside the state lock.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/tracker.h"
#include "exporters/report/range.h"

namespace debriefd {

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

// The counters of /metrics as they grew, for the OpenMetrics export: for each
// series (its labels in exposition syntax, e.g. `service="checkout"`), every
// increment and when it happened.
struct CounterHistory {
  std::string_view name;  // as in /metrics, e.g. "debriefd_incidents_total"
  std::string_view help;
  std::map<std::string, std::vector<std::pair<Time, uint64_t>>> series;
};
struct HistogramHistory {
  std::string_view name;  // e.g. "debriefd_incident_time_to_detect_seconds"
  std::string_view help;
  std::vector<double> bounds;  // upper bounds in seconds, without +Inf
  std::map<std::string, std::vector<std::pair<Time, Duration>>> series;  // observations
};
struct MetricHistory {
  std::vector<CounterHistory> counters;
  std::vector<HistogramHistory> histograms;
};

// What a format needs built: the review (rows, summaries, lists) or the
// counters' history.
enum class ReportContents { kReview, kHistory };

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
  MetricHistory history;                          // only with ReportContents::kHistory
};

// Computes the report of `range` as seen at `now`.
Report BuildReport(const IncidentTracker& tracker, Time now, const ReportRange& range,
                   ReportContents contents = ReportContents::kReview);

// Nearest-rank percentile of `values` (sorted ascending): the value at rank
// ceil(p/100 * n), 1-based; nullopt when empty. p in (0, 100].
std::optional<Duration> NearestRank(const std::vector<Duration>& sorted, int p);

// The counters' history (history.cc).
MetricHistory BuildMetricHistory(const IncidentTracker& tracker);

}  // namespace debriefd
