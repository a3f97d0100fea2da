#pragma once
// Quarterly (or any range) review exports: CSV, JSON, Markdown, HTML and
// OpenMetrics, computed from the tracker's state.

#include <string>
#include <string_view>

#include "collector/domain/status.h"
#include "collector/domain/tracker.h"

namespace debriefd {

enum class ReportFormat { kCsv, kJson, kMarkdown, kHtml, kOpenMetrics };

struct ReportRange {
  Time from{};        // inclusive
  Time to{};          // exclusive
  std::string label;  // "2026-Q3", or "2026-07-01..2026-10-01"
};

// "2026-Q3" -> [2026-07-01T00:00:00Z, 2026-10-01T00:00:00Z).
Result<ReportRange> ParseQuarter(std::string_view quarter);
Result<ReportFormat> ParseReportFormat(std::string_view format);
const char* ContentType(ReportFormat format);
const char* FileExtension(ReportFormat format);

// Renders the report of `range` as seen at `now`.
std::string RenderReport(const IncidentTracker& tracker, Time now, const ReportRange& range,
                         ReportFormat format);

}  // namespace debriefd
