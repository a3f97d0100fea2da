// CSV (RFC 4180): a header and one record per incident (the monthly review:
// per open action item), CRLF line breaks.
#include "exporters/report/format.h"
#include "exporters/report/text.h"

namespace debriefd {
namespace {

using report::Cells;
using report::kColumns;

// A text cell. Text that a spreadsheet would run as a formula (it begins
// with =, +, -, @, a tab or a carriage return: OWASP's "CSV injection") is
// prefixed with an apostrophe, which spreadsheets show as text. Titles come
// from anyone who can edit an issue or an alert rule.
void CsvField(std::string& out, std::string_view s, bool text = true) {
  const bool formula = text && !s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos;
  if (!formula && s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string Render(const Report& r) {
  std::string out;
  out.reserve(256 * (r.rows.size() + 1));
  for (size_t i = 0; i < kColumns; ++i) {
    if (i) out += ',';
    out += kReportColumns[i];
  }
  out += "\r\n";
  for (const ReportRow& row : r.rows) {
    auto cells = Cells(row);
    for (size_t i = 0; i < kColumns; ++i) {
      if (i) out += ',';
      CsvField(out, cells[i].text, cells[i].type == report::Cell::kString);
    }
    out += "\r\n";
  }
  return out;
}

// The monthly review's columns, in docs/reports.md's order.
constexpr const char* kMonthlyColumns[] = {"id",        "title",  "url",      "service", "incident_id",
                                           "opened_at", "due_at", "age_days", "overdue", "repeated"};

std::string RenderMonthly(const MonthlyReport& r) {
  std::string out;
  out.reserve(200 * (r.items.size() + 1));
  for (size_t i = 0; i < std::size(kMonthlyColumns); ++i) {
    if (i) out += ',';
    out += kMonthlyColumns[i];
  }
  out += "\r\n";
  for (const MonthlyItem& item : r.items) {
    for (std::string_view field : {std::string_view(item.id), std::string_view(item.title),
                                   std::string_view(item.url), std::string_view(item.service),
                                   std::string_view(item.incident_id)}) {
      CsvField(out, field);
      out += ',';
    }
    out += FormatRfc3339(item.opened_at);
    out += ',';
    out += FormatRfc3339(item.due_at);
    out += ',';
    out += std::to_string(item.age_days);
    out += ',';
    out += report::Bool(item.overdue);
    out += ',';
    out += report::Bool(item.repeated);
    out += "\r\n";
  }
  return out;
}

}  // namespace

extern const ReportFormat kFormat_csv;
const ReportFormat kFormat_csv{
    .name = "csv",
    .alias = "",
    .content_type = "text/csv; charset=utf-8; header=present",
    .extension = "csv",
    .description = "one row per incident, for spreadsheets",
    .render = Render,
    .render_monthly = RenderMonthly,
};

}  // namespace debriefd
