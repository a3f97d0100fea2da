#include "exporters/report/formats.h"

namespace debriefd {

// The format table: one line per format. Each names `kFormat_<name>`,
// defined in exporters/report/<name>.cc.
#define DEBRIEFD_REPORT_FORMATS(X) \
  X(csv)                           \
  X(json)                          \
  X(markdown)                      \
  X(html)                          \
  X(openmetrics)

#define DEBRIEFD_DECLARE_FORMAT(name) extern const ReportFormat kFormat_##name;
DEBRIEFD_REPORT_FORMATS(DEBRIEFD_DECLARE_FORMAT)

const std::vector<const ReportFormat*>& ReportFormats() {
#define DEBRIEFD_FORMAT_ENTRY(name) &kFormat_##name,
  static const std::vector<const ReportFormat*> kAll = {DEBRIEFD_REPORT_FORMATS(DEBRIEFD_FORMAT_ENTRY)};
  return kAll;
}

const ReportFormat* FindReportFormat(std::string_view name) {
  if (name.empty()) return nullptr;
  for (const ReportFormat* f : ReportFormats()) {
    if (f->name == name || f->alias == name) return f;
  }
  return nullptr;
}

std::string ReportFormatNames() {
  std::string out;
  for (const ReportFormat* f : ReportFormats()) {
    if (!out.empty()) out += ", ";
    out += f->name;
  }
  return out;
}

Result<const ReportFormat*> ParseReportFormat(std::string_view name) {
  if (const ReportFormat* f = FindReportFormat(name)) return f;
  std::string message = "\"";  // appended: GCC 12 warns falsely on a literal + std::string
  message += name.substr(0, 32);
  message += "\" is not one of ";
  message += ReportFormatNames();
  return BadReportParameter("format", message);
}

namespace {

// "debriefd-<label>.<ext>"; only [A-Za-z0-9._-] survive from the label.
std::string FileName(std::string_view label, const ReportFormat& format) {
  std::string name = "debriefd-";
  for (char c : label) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '-' || c == '_';
    name += keep ? c : '-';
  }
  name += '.';
  name += format.extension;
  return name;
}

}  // namespace

std::string ReportFileName(const ReportRange& range, const ReportFormat& format) {
  return FileName(range.label, format);
}

std::string ReportFileName(const ReportMonth& month, const ReportFormat& format) {
  return FileName(month.label, format);
}

Result<ReportRequest> ParseReportQuery(const std::map<std::string, std::string>& query) {
  for (const auto& [key, value] : query) {
    if (key.empty()) continue;  // "?" or "&&"
    if (key != "quarter" && key != "from" && key != "to" && key != "format") {
      return BadReportParameter(key.substr(0, 64), "unknown query parameter (known: quarter, from, to, format)");
    }
  }
  auto get = [&](const char* key) -> std::optional<std::string_view> {
    auto it = query.find(key);
    if (it == query.end()) return std::nullopt;
    return std::string_view(it->second);
  };
  ReportRequest req;
  req.format = FindReportFormat("json");
  if (auto f = get("format")) {
    Result<const ReportFormat*> format = ParseReportFormat(*f);
    if (!format.ok()) return format.status();
    req.format = *format;
  }
  Result<ReportRange> range = ReportRangeFrom(get("quarter"), get("from"), get("to"));
  if (!range.ok()) return range.status();
  req.range = std::move(range.value());
  return req;
}

std::string RenderReport(const IncidentTracker& tracker, Time now, const ReportRange& range,
                         const ReportFormat& format) {
  return format.render(BuildReport(tracker, now, range, format.contents));
}

std::string RenderReport(const Report& report, const ReportFormat& format) { return format.render(report); }

std::string MonthlyReportFormatNames() {
  std::string out;
  for (const ReportFormat* f : ReportFormats()) {
    if (f->render_monthly == nullptr) continue;
    if (!out.empty()) out += ", ";
    out += f->name;
  }
  return out;
}

Result<const ReportFormat*> ParseMonthlyReportFormat(std::string_view name) {
  const ReportFormat* f = FindReportFormat(name);
  if (f != nullptr && f->render_monthly != nullptr) return f;
  std::string reason = "\"";
  reason += name.substr(0, 32);
  reason += f == nullptr ? "\" is not one of " : "\" has no monthly review; use one of ";
  reason += MonthlyReportFormatNames();
  return BadReportParameter("format", std::move(reason));
}

Result<MonthlyReportRequest> ParseMonthlyReportQuery(const std::map<std::string, std::string>& query, Time now) {
  for (const auto& [key, value] : query) {
    if (key.empty()) continue;  // "?" or "&&"
    if (key != "month" && key != "format") {
      return BadReportParameter(key.substr(0, 64), "unknown query parameter (known: month, format)");
    }
  }
  MonthlyReportRequest req;
  req.format = FindReportFormat("json");
  if (auto it = query.find("format"); it != query.end()) {
    Result<const ReportFormat*> format = ParseMonthlyReportFormat(it->second);
    if (!format.ok()) return format.status();
    req.format = *format;
  }
  auto it = query.find("month");
  if (it == query.end()) return BadReportParameter("month", "missing; give a month like 2026-11");
  Result<ReportMonth> month = ParseMonth(it->second, now);
  if (!month.ok()) return month.status();
  req.month = std::move(month.value());
  return req;
}

std::string RenderMonthlyReport(const IncidentTracker& tracker, Time now, const ReportMonth& month,
                                const ReportFormat& format) {
  return format.render_monthly(BuildMonthlyReport(tracker, now, month));
}

std::string RenderMonthlyReport(const MonthlyReport& report, const ReportFormat& format) {
  return format.render_monthly(report);
}

}  // namespace debriefd
