// Report ranges: calendar quarters, explicit from/to, and the range a report
// compares with.
#include "exporters/report/range.h"

#include <cstdio>

namespace debriefd {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr Duration kDay = std::chrono::hours(24);

Time QuarterStart(int year, int quarter) {
  return std::chrono::time_point_cast<Duration>(
      sys_days{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(quarter * 3 - 2)} / 1});
}

std::string QuarterLabel(int year, int quarter) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-Q%d", year, quarter);
  return buf;
}

std::string DateText(Time t) { return FormatRfc3339(t).substr(0, 10); }

bool IsMidnight(Time t) { return t == floor<days>(t); }

// The calendar quarter [from, to) is exactly, if any: (year, quarter).
std::optional<std::pair<int, int>> QuarterOf(Time from, Time to) {
  if (!IsMidnight(from)) return std::nullopt;
  year_month_day ymd{floor<days>(from)};
  unsigned m = static_cast<unsigned>(ymd.month());
  if (static_cast<unsigned>(ymd.day()) != 1 || (m - 1) % 3 != 0) return std::nullopt;
  int year = static_cast<int>(ymd.year());
  int q = static_cast<int>((m - 1) / 3 + 1);
  Time end = q == 4 ? QuarterStart(year + 1, 1) : QuarterStart(year, q + 1);
  if (end != to) return std::nullopt;
  return std::pair{year, q};
}

ReportRange MakeRange(Time from, Time to) {
  ReportRange r;
  r.from = from;
  r.to = to;
  if (auto q = QuarterOf(from, to)) {
    r.label = QuarterLabel(q->first, q->second);
    r.quarter = true;
  } else if (IsMidnight(from) && IsMidnight(to)) {
    r.label = DateText(from) + ".." + DateText(to - kDay);
  } else {
    r.label = FormatRfc3339(from) + ".." + FormatRfc3339(to);
  }
  return r;
}

// Parameters name their field; the source, "report", is added once here.

bool IsDate(std::string_view s) { return s.size() == 10 && s[4] == '-' && s[7] == '-'; }

// An RFC 3339 time or a YYYY-MM-DD date; `date` tells which it was.
std::optional<Time> ParseTimeOrDate(std::string_view s, bool* date) {
  *date = IsDate(s);
  if (*date) return ParseRfc3339(std::string(s) + "T00:00:00Z");
  return ParseRfc3339(s);
}

}  // namespace

Status BadReportParameter(std::string field, std::string reason) {
  return Status::InvalidArgument(std::move(field), std::move(reason)).WithSource("report");
}

Result<ReportRange> ParseQuarter(std::string_view s) {
  auto bad = [&] {
    return BadReportParameter(
        "quarter", "\"" + std::string(s.substr(0, 32)) + "\" is not a quarter like 2026-Q3");
  };
  if (s.size() != 7 || s[4] != '-' || (s[5] != 'Q' && s[5] != 'q') || s[6] < '1' || s[6] > '4') return bad();
  int year = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (s[i] < '0' || s[i] > '9') return bad();
    year = year * 10 + (s[i] - '0');
  }
  if (year < 1970) return bad();
  int q = s[6] - '0';
  Time from = QuarterStart(year, q);
  Time to = q == 4 ? QuarterStart(year + 1, 1) : QuarterStart(year, q + 1);
  return MakeRange(from, to);
}

Result<ReportRange> ReportRangeFrom(std::optional<std::string_view> quarter,
                                    std::optional<std::string_view> from_text,
                                    std::optional<std::string_view> to_text) {
  if (quarter) {
    if (from_text || to_text) {
      return BadReportParameter(from_text ? "from" : "to",
                                     "give either quarter or from and to, not both");
    }
    return ParseQuarter(*quarter);
  }
  if (!from_text && !to_text) {
    return BadReportParameter("quarter",
                                   "missing; give a quarter like 2026-Q3, "
                                   "or from and to");
  }
  if (!from_text) return BadReportParameter("from", "missing (to is given)");
  if (!to_text) return BadReportParameter("to", "missing (from is given)");
  bool from_date = false, to_date = false;
  std::optional<Time> from = ParseTimeOrDate(*from_text, &from_date);
  if (!from) return BadReportParameter("from", "not RFC 3339 or YYYY-MM-DD");
  std::optional<Time> to = ParseTimeOrDate(*to_text, &to_date);
  if (!to) return BadReportParameter("to", "not RFC 3339 or YYYY-MM-DD");
  if (to_date) *to += kDay;  // a date includes the whole day
  if (*to <= *from) return BadReportParameter("to", "must be after from");
  using namespace std::chrono;
  if (year_month_day{floor<days>(*from)}.year() < year{1970}) {
    return BadReportParameter("from", "must be 1970 or later");
  }
  return MakeRange(*from, *to);
}

ReportRange PreviousRange(const ReportRange& range) {
  if (auto q = QuarterOf(range.from, range.to)) {
    auto [year, quarter] = *q;
    return quarter == 1 ? MakeRange(QuarterStart(year - 1, 4), range.from)
                        : MakeRange(QuarterStart(year, quarter - 1), range.from);
  }
  return MakeRange(range.from - (range.to - range.from), range.from);
}

}  // namespace debriefd
