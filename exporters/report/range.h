#pragma once
// The range a report covers. An incident belongs to the range in which it
// started (Incident::started_at, UTC, which already includes the corrections a
// debrief recorded).
//
// Parsing of user-supplied parameters returns InvalidArgument with the field
// ("quarter", "from", "to") and never throws.

#include <optional>
#include <string>
#include <string_view>

#include "domain/status.h"
#include "domain/time.h"

namespace debriefd {

struct ReportRange {
  Time from{};           // inclusive
  Time to{};             // exclusive
  std::string label;     // "2026-Q3", or "2026-07-01..2026-09-30"
  bool quarter = false;  // a calendar quarter: its previous range is the previous quarter
};

// "2026-Q3" -> [2026-07-01T00:00:00Z, 2026-10-01T00:00:00Z). Also "2026-q3".
Result<ReportRange> ParseQuarter(std::string_view quarter);
// A range from the options of `debriefd report` or the query of
// GET /api/v1/reports/quarterly: either `quarter`, or both `from` and `to`.
// `from` and `to` are RFC 3339 times or YYYY-MM-DD dates (UTC midnight). A
// date as `to` includes that whole day; an RFC 3339 `to` is exclusive. A
// range that is exactly one calendar quarter is labelled as that quarter.
Result<ReportRange> ReportRangeFrom(std::optional<std::string_view> quarter,
                                    std::optional<std::string_view> from, std::optional<std::string_view> to);

// The range a report compares with: the previous calendar quarter for a
// quarter, otherwise the range of equal length that ends where `range` starts.
ReportRange PreviousRange(const ReportRange& range);

// InvalidArgument naming the parameter, with the source "report".
Status BadReportParameter(std::string field, std::string reason);

}  // namespace debriefd
