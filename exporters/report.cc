#include "exporters/report.h"

namespace debriefd {

Result<ReportRange> ParseQuarter(std::string_view quarter) {
  return Status::InvalidArgument("quarter", "report: quarter: not implemented");
}

Result<ReportFormat> ParseReportFormat(std::string_view format) {
  return Status::InvalidArgument("format", "report: format: not implemented");
}

const char* ContentType(ReportFormat) { return "text/plain"; }
const char* FileExtension(ReportFormat) { return "txt"; }

std::string RenderReport(const IncidentTracker&, Time, const ReportRange&, ReportFormat) { return ""; }

}  // namespace debriefd
