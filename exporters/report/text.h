#pragma once
// What the report formats share (text.cc): numbers, durations and
// percentages for people, the figure table that compares ranges, the typed
// cells of one row, and the limit on long lists. Internal to exporters/report.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "exporters/report/model.h"

namespace debriefd::report {

// Milliseconds as seconds: "300", "12.5", "-0.25".
std::string SecondsText(int64_t ms);
std::string SecondsText(Duration d);
// The shortest text that reads back as the same double.
std::string NumberText(double v);
// "45s", "4m 10s", "1h 5m", "2d 3h": two units at most, for people.
std::string HumanDuration(int64_t ms);
std::string HumanDuration(Duration d);
// "83%", "83.3%".
std::string Percent(double ratio);
// "2026-07-03 10:00" (UTC), for tables read by people.
std::string ShortTime(Time t);
inline const char* Bool(bool b) { return b ? "true" : "false"; }

// Links. Only http and https urls are ever linked, in any format: a
// `javascript:` or `data:` url would run when clicked. The scheme is matched
// in any case.
bool IsWebUrl(std::string_view url);
// Appends "%XX" for one byte.
void PercentEncode(std::string& out, unsigned char byte);
// Inline Markdown text, safe in a paragraph, a list item, a heading or a
// table cell: no line breaks (a newline would end the cell or start a block),
// and every character that could open markup escaped with a backslash, so
// that a title like `[x](javascript:alert(1))` or `<script>` stays text.
std::string MarkdownText(std::string_view s);
// A link destination `[text](here)`: empty (an inert link) unless the url is
// http or https; what would end the destination or a table cell (space,
// parentheses, `|`), or could be read as markup, is percent-encoded, so the
// url still names the same resource.
std::string MarkdownDestination(std::string_view url);

// One summary figure, for the tables that compare ranges.
enum class FigureKind { kCount, kRatio, kSeconds };
enum class Better { kHigher, kLower, kNeither };

struct Figure {
  const char* name;   // the JSON key
  const char* label;  // for people
  FigureKind kind;
  Better better;
  std::optional<int64_t> integer;  // counts, or milliseconds for kSeconds
  std::optional<double> ratio;
  bool headline;  // shown in the comparison tables (the rest is JSON only)

  bool has_value() const { return kind == FigureKind::kRatio ? ratio.has_value() : integer.has_value(); }
};

// Every figure of a summary, in the order of docs/reports.md.
std::vector<Figure> Figures(const ReportSummary& s);
// current − previous; no value when either has none.
Figure Difference(const Figure& cur, const Figure& prev);
// A figure for people: "83.3%", "4m 10s", "12"; "–" without a value.
std::string HumanFigure(const Figure& f);
// A difference for people: "+3", "−12.5 pp", "+1m 20s", "±0".
std::string HumanDifference(const Figure& d);
// "good", "bad" or "" for a difference, by which direction is better.
const char* Tone(const Figure& d);

// One row as the report's columns: typed for JSON, text for CSV and Markdown.
struct Cell {
  enum Type { kNull, kString, kNumber, kBool };
  Type type = kNull;
  std::string text;  // empty for kNull
};
inline constexpr size_t kColumns = std::size(kReportColumns);
std::array<Cell, kColumns> Cells(const ReportRow& r);

// The lists of overdue debriefs and open action items show the first
// kListLimit in Markdown and HTML; the JSON export has them all.
inline constexpr size_t kListLimit = 50;
template <typename T>
std::span<const T> Head(const std::vector<T>& v) {
  return std::span<const T>(v.data(), std::min(v.size(), kListLimit));
}
// "… and 3 more; the JSON export lists them all." when the list is longer.
std::string MoreText(size_t total, std::string_view before, std::string_view after);

}  // namespace debriefd::report
