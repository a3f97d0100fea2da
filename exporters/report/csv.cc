// CSV (RFC 4180): a header and one record per incident, CRLF line breaks.
#include "exporters/report/format.h"
#include "exporters/report/text.h"

namespace debriefd {
namespace {

using report::Cells;
using report::kColumns;

void CsvField(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
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
      CsvField(out, cells[i].text);
    }
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
};

}  // namespace debriefd
