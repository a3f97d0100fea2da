#pragma once
// The monthly review of action items: what was opened and closed in a
// calendar month (UTC), what was still open at its end, and whether the
// incidents behind the items repeated. docs/reports.md ("Monthly review")
// defines every figure; this header is the contract the formats render.
//
// "At the month's end" is `end` = min(first instant of the next month, now):
// a past month is judged as it stood when it ended, the current month as it
// stands now. A step (opened, closed, reopened, withdrawn) belongs to the
// month in which its time falls, so a step at exactly 00:00Z on the first of
// the next month is not part of this month's state.
//
// Like the quarterly Report, a MonthlyReport refers to nothing in the tracker
// once built: build it under the state lock, render it outside it.
//
// Parsing of user-supplied parameters returns InvalidArgument with the field
// ("month") and never throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"
#include "domain/time.h"
#include "domain/tracker.h"

namespace debriefd {

struct ReportMonth {
  Time from{};        // the first day, 00:00Z (inclusive)
  Time to{};          // the first day of the next month, 00:00Z (exclusive)
  std::string label;  // "2026-11"
};

// "2026-11" -> [2026-11-01T00:00:00Z, 2026-12-01T00:00:00Z). Exactly YYYY-MM
// (month 01 to 12, year 1970 or later). A month that begins after `now` has
// nothing to review yet and is rejected too; the current month is accepted.
Result<ReportMonth> ParseMonth(std::string_view text, Time now);

// One action item as the review lists it.
struct MonthlyItem {
  std::string id;
  std::string title;
  std::string url;          // may be empty
  std::string service;      // may be empty (an unlinked issue of an unmapped project)
  std::string incident_id;  // empty: unlinked
  std::string source;       // "events", "jira", ...
  Time opened_at{};         // its latest opening at the month's end
  Time due_at{};
  int64_t age_days = 0;  // whole days from opened_at to `end`
  bool overdue = false;  // due_at < end (open items only)
  // Open items: its incident repeated by the month's end. Closed ones
  // (closed_then_repeated): it repeated after the item's close, up to now.
  bool repeated = false;
  std::string repeated_by;          // the first such later incident; empty when none
  std::optional<Time> repeated_at;  // that incident's detected_at
  std::optional<Time> closed_at;    // closed items: the close that counts (the last by `end`)
};

struct MonthlySummary {
  uint64_t opened = 0;    // items with an opened step in the month
  uint64_t closed = 0;    // items with a closed step in the month that are closed at `end`
  uint64_t open = 0;      // items open at `end` (== items.size())
  uint64_t overdue = 0;   // of the open ones, due before `end`
  uint64_t unlinked = 0;  // of the open ones, naming no known incident
  uint64_t repeated = 0;  // of the open ones, whose incident repeated by `end`
  uint64_t closed_then_repeated = 0;  // of the closed ones, whose incident repeated after the close
};

struct MonthlyServiceGroup {
  std::string service;
  std::vector<size_t> items;  // indices into MonthlyReport::items, in its order
};

struct MonthlyReport {
  ReportMonth month;
  Time generated_at{};  // the `now` it was built at
  Time end{};           // min(month.to, now): what "at the month's end" means
  bool month_over = true;  // false for the current month (end == now)
  MonthlySummary summary;
  // Open at `end`: overdue first, then the oldest opening first, then by id.
  std::vector<MonthlyItem> items;
  std::vector<MonthlyServiceGroup> services;  // most open items first, then by name
  std::vector<size_t> unlinked;               // indices into items, in its order
  std::vector<size_t> repeated;               // indices into items, in its order
  // Closed in the month and still closed at `end`, whose incident repeated
  // after the close: by close time, then id.
  std::vector<MonthlyItem> closed_then_repeated;
};

// The review of `month` as seen at `now`. A month that begins after `now`
// (which ParseMonth rejects) gives an empty report.
MonthlyReport BuildMonthlyReport(const IncidentTracker& tracker, Time now, const ReportMonth& month);

}  // namespace debriefd
