#pragma once
// The table of report formats, and the one call that renders a report in any
// of them: RenderReport(tracker, now, range, format). Callers that must not
// hold the state lock while rendering split it in two: BuildReport (under the
// lock) and RenderReport(report, format) (outside it). The monthly review of
// action items goes the same way: BuildMonthlyReport (monthly.h) under the
// lock, RenderMonthlyReport(report, format) outside it.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"
#include "exporters/report/format.h"
#include "exporters/report/monthly.h"
#include "exporters/report/range.h"

namespace debriefd {

// Every format, in table order.
const std::vector<const ReportFormat*>& ReportFormats();
// By name or alias; nullptr when unknown.
const ReportFormat* FindReportFormat(std::string_view name);
// By name or alias; InvalidArgument on "format" naming the known formats.
Result<const ReportFormat*> ParseReportFormat(std::string_view name);
// "csv, json, md, html, openmetrics".
std::string ReportFormatNames();

// "debriefd-2026-Q3.csv"; only [A-Za-z0-9._-] survive from the label.
std::string ReportFileName(const ReportRange& range, const ReportFormat& format);

// A report request from query parameters (GET /api/v1/reports/quarterly):
// `quarter` or `from` and `to` as for ReportRangeFrom, and `format` (default
// json). Unknown parameters are rejected, naming the parameter.
struct ReportRequest {
  ReportRange range;
  const ReportFormat* format = nullptr;
};
Result<ReportRequest> ParseReportQuery(const std::map<std::string, std::string>& query);

// Builds what `format` needs and renders it.
std::string RenderReport(const IncidentTracker& tracker, Time now, const ReportRange& range,
                         const ReportFormat& format);
// Renders a report built with format.contents.
std::string RenderReport(const Report& report, const ReportFormat& format);

// --- The monthly review of action items (monthly.h) ---

// The formats with a render_monthly, in table order: "csv, json, md, html".
std::string MonthlyReportFormatNames();
// By name or alias; InvalidArgument on "format" when unknown or when the
// format has no monthly review, naming the formats that have one.
Result<const ReportFormat*> ParseMonthlyReportFormat(std::string_view name);

// "debriefd-2026-11.md".
std::string ReportFileName(const ReportMonth& month, const ReportFormat& format);

// A monthly review request from query parameters (GET
// /api/v1/reports/monthly): `month` as for ParseMonth (judged at `now`), and
// `format` (default json). Unknown parameters are rejected, naming the
// parameter; then the format, then the month.
struct MonthlyReportRequest {
  ReportMonth month;
  const ReportFormat* format = nullptr;
};
Result<MonthlyReportRequest> ParseMonthlyReportQuery(const std::map<std::string, std::string>& query, Time now);

// Builds the monthly review and renders it; `format` must have a render_monthly.
std::string RenderMonthlyReport(const IncidentTracker& tracker, Time now, const ReportMonth& month,
                                const ReportFormat& format);
std::string RenderMonthlyReport(const MonthlyReport& report, const ReportFormat& format);

}  // namespace debriefd
