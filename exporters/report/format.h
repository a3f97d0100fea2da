#pragma once
// A report format: one file in exporters/report/ that defines a ReportFormat,
// and one line in the format table (formats.cc). Its name for --format and
// ?format=, its content type, its file extension and the CLI help all follow
// from the table. A format that can also render the monthly review of action
// items (monthly.h) sets render_monthly; the others leave it null, and asking
// for the monthly review in them is an error naming the formats that can.

#include <string>
#include <string_view>

#include "exporters/report/model.h"
#include "exporters/report/monthly.h"

namespace debriefd {

struct ReportFormat {
  std::string_view name;          // "csv": --format, ?format=
  std::string_view alias;         // another accepted name ("markdown" for md); may be empty
  std::string_view content_type;  // the HTTP Content-Type
  std::string_view extension;     // of the downloaded file, without the dot
  std::string_view description;   // one line for `debriefd report --help`
  ReportContents contents = ReportContents::kReview;  // what BuildReport must compute
  std::string (*render)(const Report& report) = nullptr;
  std::string (*render_monthly)(const MonthlyReport& report) = nullptr;  // null: no monthly review
};

}  // namespace debriefd
