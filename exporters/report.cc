// The review exports, in this order: range parameters, the model
// (BuildReport), the figure table and formatting every format shares, then
// CSV, JSON, Markdown, HTML with its SVG charts, and OpenMetrics.
#include "exporters/report.h"

#include "domain/incident_view.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <span>

namespace debriefd {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr Duration kDay = std::chrono::hours(24);
constexpr Duration kWeek = 7 * kDay;

Time QuarterStart(int year, int quarter) {
  return std::chrono::time_point_cast<Duration>(
      sys_days{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(quarter * 3 - 2)} / 1});
}

std::string QuarterLabel(int year, int quarter) {
  char buf[16];
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
Status BadParameter(std::string field, std::string reason) {
  return Status::InvalidArgument(std::move(field), std::move(reason)).WithSource("report");
}

bool IsDate(std::string_view s) { return s.size() == 10 && s[4] == '-' && s[7] == '-'; }

// An RFC 3339 time or a YYYY-MM-DD date; `date` tells which it was.
std::optional<Time> ParseTimeOrDate(std::string_view s, bool* date) {
  *date = IsDate(s);
  if (*date) return ParseRfc3339(std::string(s) + "T00:00:00Z");
  return ParseRfc3339(s);
}

}  // namespace

// ---------------------------------------------------------------------------
// Parameters.

Result<ReportRange> ParseQuarter(std::string_view s) {
  auto bad = [&] {
    return BadParameter(
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

Result<ReportFormat> ParseReportFormat(std::string_view s) {
  if (s == "csv") return ReportFormat::kCsv;
  if (s == "json") return ReportFormat::kJson;
  if (s == "md" || s == "markdown") return ReportFormat::kMarkdown;
  if (s == "html") return ReportFormat::kHtml;
  if (s == "openmetrics") return ReportFormat::kOpenMetrics;
  return BadParameter("format", "\"" + std::string(s.substr(0, 32)) +
                                               "\" is not one of csv, json, md, html, openmetrics");
}

Result<ReportRange> ReportRangeFrom(std::optional<std::string_view> quarter,
                                    std::optional<std::string_view> from_text,
                                    std::optional<std::string_view> to_text) {
  if (quarter) {
    if (from_text || to_text) {
      return BadParameter(from_text ? "from" : "to",
                                     "give either quarter or from and to, not both");
    }
    return ParseQuarter(*quarter);
  }
  if (!from_text && !to_text) {
    return BadParameter("quarter",
                                   "missing; give a quarter like 2026-Q3, "
                                   "or from and to");
  }
  if (!from_text) return BadParameter("from", "missing (to is given)");
  if (!to_text) return BadParameter("to", "missing (from is given)");
  bool from_date = false, to_date = false;
  std::optional<Time> from = ParseTimeOrDate(*from_text, &from_date);
  if (!from) return BadParameter("from", "not RFC 3339 or YYYY-MM-DD");
  std::optional<Time> to = ParseTimeOrDate(*to_text, &to_date);
  if (!to) return BadParameter("to", "not RFC 3339 or YYYY-MM-DD");
  if (to_date) *to += kDay;  // a date includes the whole day
  if (*to <= *from) return BadParameter("to", "must be after from");
  using namespace std::chrono;
  if (year_month_day{floor<days>(*from)}.year() < year{1970}) {
    return BadParameter("from", "must be 1970 or later");
  }
  return MakeRange(*from, *to);
}

Result<ReportRequest> ParseReportQuery(const std::map<std::string, std::string>& query) {
  for (const auto& [key, value] : query) {
    if (key.empty()) continue;  // "?" or "&&"
    if (key != "quarter" && key != "from" && key != "to" && key != "format") {
      std::string k = key.substr(0, 64);
      return BadParameter(
          k, "unknown query parameter (known: quarter, from, to, format)");
    }
  }
  auto get = [&](const char* key) -> std::optional<std::string_view> {
    auto it = query.find(key);
    if (it == query.end()) return std::nullopt;
    return std::string_view(it->second);
  };
  ReportRequest req;
  if (auto f = get("format")) {
    Result<ReportFormat> format = ParseReportFormat(*f);
    if (!format.ok()) return format.status();
    req.format = *format;
  }
  Result<ReportRange> range = ReportRangeFrom(get("quarter"), get("from"), get("to"));
  if (!range.ok()) return range.status();
  req.range = std::move(range.value());
  return req;
}

ReportRange PreviousRange(const ReportRange& range) {
  if (auto q = QuarterOf(range.from, range.to)) {
    auto [year, quarter] = *q;
    return quarter == 1 ? MakeRange(QuarterStart(year - 1, 4), range.from)
                        : MakeRange(QuarterStart(year, quarter - 1), range.from);
  }
  return MakeRange(range.from - (range.to - range.from), range.from);
}

const char* ContentType(ReportFormat format) {
  switch (format) {
    case ReportFormat::kCsv:
      return "text/csv; charset=utf-8; header=present";
    case ReportFormat::kJson:
      return "application/json";
    case ReportFormat::kMarkdown:
      return "text/markdown; charset=utf-8";
    case ReportFormat::kHtml:
      return "text/html; charset=utf-8";
    case ReportFormat::kOpenMetrics:
      return "application/openmetrics-text; version=1.0.0; charset=utf-8";
  }
  return "application/octet-stream";
}

const char* FileExtension(ReportFormat format) {
  switch (format) {
    case ReportFormat::kCsv:
      return "csv";
    case ReportFormat::kJson:
      return "json";
    case ReportFormat::kMarkdown:
      return "md";
    case ReportFormat::kHtml:
      return "html";
    case ReportFormat::kOpenMetrics:
      return "om.txt";
  }
  return "txt";
}

std::string ReportFileName(const ReportRange& range, ReportFormat format) {
  std::string name = "debriefd-";
  for (char c : range.label) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '-' || c == '_';
    name += keep ? c : '-';
  }
  return name + "." + FileExtension(format);
}

// ---------------------------------------------------------------------------
// The model.

std::optional<Duration> NearestRank(const std::vector<Duration>& sorted, int p) {
  if (sorted.empty() || p <= 0) return std::nullopt;
  // rank = ceil(p/100 * n), in integers.
  size_t n = sorted.size();
  size_t rank = (static_cast<size_t>(p) * n + 99) / 100;
  rank = std::clamp<size_t>(rank, 1, n);
  return sorted[rank - 1];
}

namespace {

ReportRow MakeRow(const IncidentTracker& t, const Incident& inc, Time now) {
  const IncidentView v = ViewOf(t, inc, now);
  ReportRow row;
  row.incident_id = inc.id;
  row.service = inc.service;
  row.severity = inc.severity;
  row.title = inc.title;
  row.started_at = v.clocking.started_at;
  row.detected_at = inc.detected_at;
  row.resolved_at = inc.resolved_at;
  row.time_to_detect = v.clocking.time_to_detect;
  row.time_to_fix = v.clocking.time_to_fix;
  row.detect_goal_met = v.clocking.detect_goal_met;
  row.fix_goal_met = v.clocking.fix_goal_met;
  if (v.suspected_cause) row.suspected_cause = v.suspected_cause->id;
  if (v.confirmed_cause) row.confirmed_cause = v.confirmed_cause->id;
  row.debrief_status = v.debrief.status;
  row.debrief_completed_at = v.debrief.completed_at;
  row.debrief_on_time = v.debrief.on_time;
  row.debrief_due_at = v.debrief.due_at;
  row.debrief_required = v.debrief_required;
  row.action_items_open = v.action_items_open;
  row.action_items_closed = v.action_items_closed;
  row.repeat_of = inc.repeat_of.value_or("");
  row.auto_resolved = inc.auto_resolved();
  return row;
}

// Accumulates the figures of one range (or service), then Finish()es them.
class SummaryBuilder {
 public:
  void Add(const ReportRow& row) {
    ReportSummary& s = s_;
    ++s.incidents;
    ttd_.push_back(row.time_to_detect);
    if (row.detect_goal_met) ++s.detect_goal_met;
    if (row.time_to_fix) {
      ++s.incidents_resolved;
      ttf_.push_back(*row.time_to_fix);
      if (row.fix_goal_met.value_or(false)) ++s.fix_goal_met;
    }
    if (row.debrief_required) ++s.debriefs_required;
    switch (row.debrief_status) {
      case DebriefStatus::kDone:
        ++(row.debrief_on_time.value_or(true) ? s.debriefs_on_time : s.debriefs_late);
        break;
      case DebriefStatus::kWaived:
        ++s.debriefs_waived;
        break;
      case DebriefStatus::kOverdue:
        ++s.debriefs_missing;
        break;
      case DebriefStatus::kPending:
        ++s.debriefs_pending;
        break;
      case DebriefStatus::kNotRequired:
        break;
    }
    s.action_items_opened += row.action_items_open + row.action_items_closed;
    s.action_items_closed += row.action_items_closed;
    if (!row.repeat_of.empty()) ++s.repeats;
    if (row.auto_resolved) ++s.auto_resolved;
    if (!row.confirmed_cause.empty()) ++s.confirmed_causes;
  }
  void AddChange() { ++s_.changes; }

  ReportSummary Finish() {
    ReportSummary s = s_;
    auto ratio = [](uint64_t num, uint64_t den) -> std::optional<double> {
      if (den == 0) return std::nullopt;
      return static_cast<double>(num) / static_cast<double>(den);
    };
    s.detect_goal_attainment = ratio(s.detect_goal_met, s.incidents);
    s.fix_goal_attainment = ratio(s.fix_goal_met, s.incidents_resolved);
    s.change_failure_rate = ratio(s.confirmed_causes, s.changes);
    std::sort(ttd_.begin(), ttd_.end());
    std::sort(ttf_.begin(), ttf_.end());
    s.time_to_detect_p50 = NearestRank(ttd_, 50);
    s.time_to_detect_p90 = NearestRank(ttd_, 90);
    s.time_to_fix_p50 = NearestRank(ttf_, 50);
    s.time_to_fix_p90 = NearestRank(ttf_, 90);
    return s;
  }

 private:
  ReportSummary s_;
  std::vector<Duration> ttd_, ttf_;
};

bool In(Time t, const ReportRange& r) { return t >= r.from && t < r.to; }

}  // namespace

Report BuildReport(const IncidentTracker& t, Time now, const ReportRange& range) {
  Report r;
  r.range = range;
  r.previous_range = PreviousRange(range);
  r.generated_at = now;
  SummaryBuilder current, previous;
  std::map<std::string, SummaryBuilder> by_service;
  for (const Incident& inc : t.incidents()) {
    const bool in_current = In(inc.started_at, range);
    if (!in_current && !In(inc.started_at, r.previous_range)) continue;
    ReportRow row = MakeRow(t, inc, now);
    if (!in_current) {
      previous.Add(row);
      continue;
    }
    current.Add(row);
    by_service[row.service].Add(row);
    if (!r.goals.count(row.severity)) r.goals[row.severity] = t.policy().GoalsFor(row.severity);
    for (const std::string& id : inc.action_item_ids) {
      auto it = t.action_items().find(id);
      if (it == t.action_items().end() || !it->second.open()) continue;
      const ActionItem& item = it->second;
      r.open_action_items.push_back({item.id, item.incident_id, item.service, item.title, item.url,
                                     item.opened_at, item.due_at, item.OverdueAt(now)});
    }
    r.rows.push_back(std::move(row));
  }
  for (const ChangeEvent& c : t.changes()) {
    if (In(c.time, range)) {
      current.AddChange();
      by_service[c.service].AddChange();
    } else if (In(c.time, r.previous_range)) {
      previous.AddChange();
    }
  }
  std::sort(r.rows.begin(), r.rows.end(), [](const ReportRow& a, const ReportRow& b) {
    return a.started_at != b.started_at ? a.started_at < b.started_at : a.incident_id < b.incident_id;
  });
  r.summary = current.Finish();
  r.previous_summary = previous.Finish();
  for (auto& [service, builder] : by_service) r.services.push_back({service, builder.Finish()});
  std::stable_sort(r.services.begin(), r.services.end(),
                   [](const ServiceSummary& a, const ServiceSummary& b) {
                     return a.summary.incidents > b.summary.incidents;
                   });
  for (size_t i = 0; i < r.rows.size(); ++i) {
    if (r.rows[i].debrief_status == DebriefStatus::kOverdue) r.overdue_debriefs.push_back(i);
  }
  std::stable_sort(r.overdue_debriefs.begin(), r.overdue_debriefs.end(),
                   [&](size_t a, size_t b) { return r.rows[a].debrief_due_at < r.rows[b].debrief_due_at; });
  std::sort(r.open_action_items.begin(), r.open_action_items.end(),
            [](const OpenActionItem& a, const OpenActionItem& b) {
              if (a.overdue != b.overdue) return a.overdue;
              if (a.due_at != b.due_at) return a.due_at < b.due_at;
              return a.id < b.id;
            });
  return r;
}

// ---------------------------------------------------------------------------
// Formatting shared by every format.

namespace {

// Milliseconds as seconds: "300", "12.5", "-0.25".
std::string SecondsText(int64_t ms) { return FormatSeconds(Duration(ms)); }
std::string SecondsText(Duration d) { return SecondsText(d.count()); }

// The shortest text that reads back as the same double.
std::string NumberText(double v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// "45s", "4m 10s", "1h 5m", "2d 3h": two units at most, for people.
std::string HumanDuration(int64_t ms) {
  std::string sign;
  if (ms < 0) {
    sign = "−";
    ms = -ms;
  }
  if (ms < 10'000 && ms % 1000 != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
    return sign + buf;
  }
  int64_t s = (ms + 500) / 1000;
  auto two = [&](int64_t big, const char* bu, int64_t small, const char* su) {
    std::string out = sign + std::to_string(big) + bu;
    if (small != 0) out += " " + std::to_string(small) + su;
    return out;
  };
  if (s < 60) return sign + std::to_string(s) + "s";
  if (s < 3600) return two(s / 60, "m", s % 60, "s");
  if (s < 86400) return two(s / 3600, "h", (s % 3600) / 60, "m");
  return two(s / 86400, "d", (s % 86400) / 3600, "h");
}
std::string HumanDuration(Duration d) { return HumanDuration(d.count()); }

std::string Percent(double ratio) {
  char buf[16];
  double pct = ratio * 100.0;
  if (std::fabs(pct - std::round(pct)) < 0.05) {
    std::snprintf(buf, sizeof buf, "%.0f%%", pct);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f%%", pct);
  }
  return buf;
}

// "2026-07-03 10:00" (UTC), for tables read by people.
std::string ShortTime(Time t) {
  std::string s = FormatRfc3339(t);
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

const char* Bool(bool b) { return b ? "true" : "false"; }

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

std::vector<Figure> Figures(const ReportSummary& s) {
  auto count = [](uint64_t v) { return std::optional<int64_t>(static_cast<int64_t>(v)); };
  auto ms = [](const std::optional<Duration>& d) {
    return d ? std::optional<int64_t>(d->count()) : std::nullopt;
  };
  using K = FigureKind;
  using B = Better;
  return {
      {"incidents", "Incidents", K::kCount, B::kLower, count(s.incidents), {}, true},
      {"incidents_resolved",
       "Incidents resolved",
       K::kCount,
       B::kNeither,
       count(s.incidents_resolved),
       {},
       false},
      {"detect_goal_met",
       "Detected within goal",
       K::kCount,
       B::kNeither,
       count(s.detect_goal_met),
       {},
       false},
      {"fix_goal_met", "Fixed within goal", K::kCount, B::kNeither, count(s.fix_goal_met), {}, false},
      {"detect_goal_attainment",
       "Detect goal attainment",
       K::kRatio,
       B::kHigher,
       {},
       s.detect_goal_attainment,
       true},
      {"fix_goal_attainment", "Fix goal attainment", K::kRatio, B::kHigher, {}, s.fix_goal_attainment, true},
      {"time_to_detect_p50_seconds",
       "Time to detect, p50",
       K::kSeconds,
       B::kLower,
       ms(s.time_to_detect_p50),
       {},
       true},
      {"time_to_detect_p90_seconds",
       "Time to detect, p90",
       K::kSeconds,
       B::kLower,
       ms(s.time_to_detect_p90),
       {},
       true},
      {"time_to_fix_p50_seconds",
       "Time to fix, p50",
       K::kSeconds,
       B::kLower,
       ms(s.time_to_fix_p50),
       {},
       true},
      {"time_to_fix_p90_seconds",
       "Time to fix, p90",
       K::kSeconds,
       B::kLower,
       ms(s.time_to_fix_p90),
       {},
       true},
      {"debriefs_required",
       "Debriefs required",
       K::kCount,
       B::kNeither,
       count(s.debriefs_required),
       {},
       true},
      {"debriefs_on_time", "Debriefs on time", K::kCount, B::kHigher, count(s.debriefs_on_time), {}, true},
      {"debriefs_late", "Debriefs late", K::kCount, B::kLower, count(s.debriefs_late), {}, true},
      {"debriefs_missing",
       "Debriefs missing (overdue)",
       K::kCount,
       B::kLower,
       count(s.debriefs_missing),
       {},
       true},
      {"debriefs_waived", "Debriefs waived", K::kCount, B::kNeither, count(s.debriefs_waived), {}, false},
      {"debriefs_pending",
       "Debriefs not yet due",
       K::kCount,
       B::kNeither,
       count(s.debriefs_pending),
       {},
       false},
      {"action_items_opened",
       "Action items opened",
       K::kCount,
       B::kNeither,
       count(s.action_items_opened),
       {},
       true},
      {"action_items_closed",
       "Action items closed",
       K::kCount,
       B::kHigher,
       count(s.action_items_closed),
       {},
       true},
      {"repeats", "Repeats", K::kCount, B::kLower, count(s.repeats), {}, true},
      {"auto_resolved", "Auto-resolved", K::kCount, B::kNeither, count(s.auto_resolved), {}, true},
      {"changes", "Changes", K::kCount, B::kNeither, count(s.changes), {}, true},
      {"confirmed_causes",
       "Incidents with a confirmed cause",
       K::kCount,
       B::kLower,
       count(s.confirmed_causes),
       {},
       false},
      {"change_failure_rate", "Change failure rate", K::kRatio, B::kLower, {}, s.change_failure_rate, true},
  };
}

// current − previous; no value when either has none.
Figure Difference(const Figure& cur, const Figure& prev) {
  Figure d = cur;
  d.integer.reset();
  d.ratio.reset();
  if (cur.integer && prev.integer) d.integer = *cur.integer - *prev.integer;
  if (cur.ratio && prev.ratio) d.ratio = *cur.ratio - *prev.ratio;
  return d;
}

// A figure for people: "83.3%", "4m 10s", "12"; "–" without a value.
std::string HumanFigure(const Figure& f) {
  if (!f.has_value()) return "–";
  switch (f.kind) {
    case FigureKind::kCount:
      return std::to_string(*f.integer);
    case FigureKind::kRatio:
      return Percent(*f.ratio);
    case FigureKind::kSeconds:
      return HumanDuration(*f.integer);
  }
  return "";
}

// A difference for people: "+3", "−12.5 pp", "+1m 20s", "±0".
std::string HumanDifference(const Figure& d) {
  if (!d.has_value()) return "–";
  switch (d.kind) {
    case FigureKind::kCount:
      if (*d.integer == 0) return "±0";
      return (*d.integer > 0 ? "+" : "−") + std::to_string(std::llabs(*d.integer));
    case FigureKind::kRatio: {
      double pp = *d.ratio * 100.0;
      if (std::fabs(pp) < 0.05) return "±0 pp";
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.1f pp", pp > 0 ? "+" : "−", std::fabs(pp));
      return buf;
    }
    case FigureKind::kSeconds:
      if (*d.integer == 0) return "±0";
      return (*d.integer > 0 ? "+" : "") + HumanDuration(*d.integer);
  }
  return "";
}

// "good", "bad" or "" for a difference, by which direction is better.
const char* Tone(const Figure& d) {
  if (!d.has_value() || d.better == Better::kNeither) return "";
  double v = d.kind == FigureKind::kRatio ? *d.ratio : static_cast<double>(*d.integer);
  if (std::fabs(v) < 1e-9) return "";
  bool up = v > 0;
  return up == (d.better == Better::kHigher) ? "good" : "bad";
}

}  // namespace

// ---------------------------------------------------------------------------
// Cells: one row as the report's columns, typed for JSON and as text for CSV
// and Markdown.

namespace {

struct Cell {
  enum Type { kNull, kString, kNumber, kBool };
  Type type = kNull;
  std::string text;  // empty for kNull
};

Cell Str(std::string s) { return {Cell::kString, std::move(s)}; }
Cell OptStr(const std::string& s) { return s.empty() ? Cell{} : Str(s); }
Cell Num(std::string s) { return {Cell::kNumber, std::move(s)}; }
Cell BoolCell(bool b) { return {Cell::kBool, Bool(b)}; }
Cell OptBool(const std::optional<bool>& b) { return b ? BoolCell(*b) : Cell{}; }
Cell TimeCell(const std::optional<Time>& t) { return t ? Str(FormatRfc3339(*t)) : Cell{}; }

constexpr size_t kColumns = std::size(kReportColumns);

std::array<Cell, kColumns> Cells(const ReportRow& r) {
  return {Str(r.incident_id),
          Str(r.service),
          Str(r.severity),
          Str(r.title),
          TimeCell(r.started_at),
          TimeCell(r.detected_at),
          TimeCell(r.resolved_at),
          Num(SecondsText(r.time_to_detect)),
          r.time_to_fix ? Num(SecondsText(*r.time_to_fix)) : Cell{},
          BoolCell(r.detect_goal_met),
          OptBool(r.fix_goal_met),
          OptStr(r.suspected_cause),
          OptStr(r.confirmed_cause),
          Str(ToString(r.debrief_status)),
          TimeCell(r.debrief_completed_at),
          OptBool(r.debrief_on_time),
          Num(std::to_string(r.action_items_open)),
          Num(std::to_string(r.action_items_closed)),
          OptStr(r.repeat_of),
          BoolCell(r.auto_resolved)};
}

// ---------------------------------------------------------------------------
// CSV (RFC 4180): a header and one record per incident, CRLF line breaks.

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

std::string RenderCsv(const Report& r) {
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

// ---------------------------------------------------------------------------
// JSON, written directly: numbers as people write them (300, 0.75), one
// incident per line.

void JsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// A small streaming writer. Containers opened with `inline_` = true (and all
// they contain) stay on one line.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject(bool inline_ = false) { Open('{', inline_); }
  void EndObject() { Close('}'); }
  void BeginArray(bool inline_ = false) { Open('[', inline_); }
  void EndArray() { Close(']'); }
  void Key(std::string_view k) {
    Separate();
    JsonString(out_, k);
    out_ += ": ";
    after_key_ = true;
  }
  void String(std::string_view s) {
    Separate();
    JsonString(out_, s);
  }
  void Raw(std::string_view text) {
    Separate();
    out_ += text;
  }
  void Null() { Raw("null"); }
  void Value(const Cell& c) {
    switch (c.type) {
      case Cell::kNull:
        Null();
        break;
      case Cell::kString:
        String(c.text);
        break;
      case Cell::kNumber:
      case Cell::kBool:
        Raw(c.text);
        break;
    }
  }
  void Field(std::string_view k, std::string_view v) {
    Key(k);
    String(v);
  }
  void FieldRaw(std::string_view k, std::string_view v) {
    Key(k);
    Raw(v);
  }

 private:
  struct Level {
    bool inline_;
    bool empty = true;
  };
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (levels_.empty()) return;
    Level& l = levels_.back();
    if (!l.empty) out_ += l.inline_ ? ", " : ",";
    if (!l.inline_) Newline(levels_.size());
    l.empty = false;
  }
  void Open(char c, bool inline_) {
    Separate();
    bool parent_inline = !levels_.empty() && levels_.back().inline_;
    out_ += c;
    levels_.push_back({inline_ || parent_inline});
  }
  void Close(char c) {
    Level l = levels_.back();
    levels_.pop_back();
    if (!l.inline_ && !l.empty) Newline(levels_.size());
    out_ += c;
    if (levels_.empty()) out_ += '\n';
  }
  void Newline(size_t depth) {
    out_ += '\n';
    out_.append(2 * depth, ' ');
  }

  std::string& out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

void JsonFigure(JsonWriter& w, const Figure& f) {
  w.Key(f.name);
  if (!f.has_value()) return w.Null();
  switch (f.kind) {
    case FigureKind::kCount:
      return w.Raw(std::to_string(*f.integer));
    case FigureKind::kRatio:
      return w.Raw(NumberText(*f.ratio));
    case FigureKind::kSeconds:
      return w.Raw(SecondsText(*f.integer));
  }
}

void JsonSummary(JsonWriter& w, const std::vector<Figure>& figures, bool inline_) {
  w.BeginObject(inline_);
  for (const Figure& f : figures) JsonFigure(w, f);
  w.EndObject();
}

void JsonRange(JsonWriter& w, const ReportRange& r) {
  w.BeginObject(true);
  w.Field("label", r.label);
  w.Field("from", FormatRfc3339(r.from));
  w.Field("to", FormatRfc3339(r.to));
  w.EndObject();
}

std::string RenderJson(const Report& r) {
  std::string out;
  out.reserve(600 * (r.rows.size() + 4));
  JsonWriter w(out);
  w.BeginObject();
  w.Key("range");
  JsonRange(w, r.range);
  w.Key("previous_range");
  JsonRange(w, r.previous_range);
  w.Field("generated_at", FormatRfc3339(r.generated_at));
  w.Key("goals");
  w.BeginObject();
  for (const auto& [severity, g] : r.goals) {
    w.Key(severity);
    w.BeginObject(true);
    w.FieldRaw("detect_seconds", SecondsText(g.detect));
    w.FieldRaw("fix_seconds", SecondsText(g.fix));
    w.EndObject();
  }
  w.EndObject();

  std::vector<Figure> cur = Figures(r.summary), prev = Figures(r.previous_summary), diff;
  for (size_t i = 0; i < cur.size(); ++i) diff.push_back(Difference(cur[i], prev[i]));
  w.Key("summary");
  JsonSummary(w, cur, false);
  w.Key("previous_summary");
  JsonSummary(w, prev, false);
  w.Key("difference");
  JsonSummary(w, diff, false);

  w.Key("services");
  w.BeginArray();
  for (const ServiceSummary& s : r.services) {
    w.BeginObject(true);
    w.Field("service", s.service);
    w.Key("summary");
    JsonSummary(w, Figures(s.summary), true);
    w.EndObject();
  }
  w.EndArray();

  w.Key("overdue_debriefs");
  w.BeginArray();
  for (size_t i : r.overdue_debriefs) {
    const ReportRow& row = r.rows[i];
    w.BeginObject(true);
    w.Field("incident_id", row.incident_id);
    w.Field("service", row.service);
    w.Field("severity", row.severity);
    w.Field("title", row.title);
    w.Field("due_at", FormatRfc3339(*row.debrief_due_at));
    w.FieldRaw("overdue_seconds", SecondsText(r.generated_at - *row.debrief_due_at));
    w.EndObject();
  }
  w.EndArray();

  w.Key("open_action_items");
  w.BeginArray();
  for (const OpenActionItem& item : r.open_action_items) {
    w.BeginObject(true);
    w.Field("id", item.id);
    w.Field("incident_id", item.incident_id);
    w.Field("service", item.service);
    w.Field("title", item.title);
    w.Field("url", item.url);
    w.Field("opened_at", FormatRfc3339(item.opened_at));
    w.Field("due_at", FormatRfc3339(item.due_at));
    w.FieldRaw("overdue", Bool(item.overdue));
    w.EndObject();
  }
  w.EndArray();

  w.Key("incidents");
  w.BeginArray();
  for (const ReportRow& row : r.rows) {
    auto cells = Cells(row);
    w.BeginObject(true);
    for (size_t i = 0; i < kColumns; ++i) {
      w.Key(kReportColumns[i]);
      w.Value(cells[i]);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

// ---------------------------------------------------------------------------
// Markdown (GitHub-flavoured): headings and pipe tables that paste into a wiki.

// The lists of overdue debriefs and open action items show the first
// kListLimit in Markdown and HTML; the JSON export has them all.
constexpr size_t kListLimit = 50;

template <typename T>
std::span<const T> Head(const std::vector<T>& v) {
  return std::span<const T>(v.data(), std::min(v.size(), kListLimit));
}

std::string MoreText(size_t total, std::string_view before, std::string_view after) {
  if (total <= kListLimit) return "";
  return std::string(before) + "… and " + std::to_string(total - kListLimit) +
         " more; the JSON export lists them all." + std::string(after);
}

// One table cell: no line breaks, and punctuation that would start markup
// (or end the cell) escaped.
std::string MdCell(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\r':
        break;
      case '\n':
        out += ' ';
        break;
      case '|':
      case '\\':
      case '*':
      case '_':
      case '`':
      case '[':
      case ']':
      case '<':
      case '>':
      case '#':
      case '~':
      case '&':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

void MdRow(std::string& out, const std::vector<std::string>& cells) {
  out += '|';
  for (const std::string& c : cells) {
    out += ' ';
    out += c.empty() ? " " : c;
    out += " |";
  }
  out += '\n';
}

// `align`: one of 'l' or 'r' per column.
void MdHeader(std::string& out, const std::vector<std::string>& names, std::string_view align) {
  MdRow(out, names);
  out += '|';
  for (size_t i = 0; i < names.size(); ++i) out += i < align.size() && align[i] == 'r' ? " ---: |" : " --- |";
  out += '\n';
}

std::string RenderMarkdown(const Report& r) {
  std::string out;
  out.reserve(300 * (r.rows.size() + 10));
  const std::string& cur_label = r.range.label;
  const std::string& prev_label = r.previous_range.label;
  out += "# Reliability review " + MdCell(cur_label) + "\n\n";
  out += "Incidents that started from " + FormatRfc3339(r.range.from) + " until (not including) " +
         FormatRfc3339(r.range.to) + ", compared with " + MdCell(prev_label) + ". Generated by debriefd at " +
         FormatRfc3339(r.generated_at) + "; times are UTC.\n\n";

  out += "## Summary\n\n";
  MdHeader(out, {"Figure", MdCell(cur_label), MdCell(prev_label), "Change"}, "lrrr");
  std::vector<Figure> cur = Figures(r.summary), prev = Figures(r.previous_summary);
  for (size_t i = 0; i < cur.size(); ++i) {
    if (!cur[i].headline) continue;
    MdRow(out, {cur[i].label, HumanFigure(cur[i]), HumanFigure(prev[i]),
                HumanDifference(Difference(cur[i], prev[i]))});
  }
  out +=
      "\nPercentiles use the nearest-rank method; attainment is the share of incidents with a value "
      "that met their severity's goal.\n\n";

  out += "## Overdue debriefs\n\n";
  if (r.overdue_debriefs.empty()) {
    out += "None.\n\n";
  } else {
    MdHeader(out, {"Incident", "Service", "Severity", "Title", "Due", "Overdue by"}, "llllrr");
    for (size_t i : Head(r.overdue_debriefs)) {
      const ReportRow& row = r.rows[i];
      MdRow(out, {MdCell(row.incident_id), MdCell(row.service), MdCell(row.severity), MdCell(row.title),
                  ShortTime(*row.debrief_due_at), HumanDuration(r.generated_at - *row.debrief_due_at)});
    }
    out += MoreText(r.overdue_debriefs.size(), "\n", "\n");
    out += '\n';
  }

  out += "## Open action items\n\n";
  if (r.open_action_items.empty()) {
    out += "None.\n\n";
  } else {
    MdHeader(out, {"Item", "Incident", "Service", "Title", "Opened", "Due", "Overdue"}, "lllllll");
    for (const OpenActionItem& item : Head(r.open_action_items)) {
      std::string title = MdCell(item.title);
      if (!item.url.empty() && item.url.find_first_of(" ()<>") == std::string::npos) {
        title = "[" + title + "](" + MdCell(item.url) + ")";
      }
      MdRow(out, {MdCell(item.id), MdCell(item.incident_id), MdCell(item.service), title,
                  ShortTime(item.opened_at), ShortTime(item.due_at), item.overdue ? "**yes**" : "no"});
    }
    out += MoreText(r.open_action_items.size(), "\n", "\n");
    out += '\n';
  }

  out += "## By service\n\n";
  if (r.services.empty()) {
    out += "No incidents or changes.\n\n";
  } else {
    MdHeader(out,
             {"Service", "Incidents", "Detect goal", "Fix goal", "TTD p50", "TTD p90", "TTF p50", "TTF p90",
              "Debriefs on time", "Late", "Missing", "Action items closed", "Repeats", "Changes",
              "Change failure rate"},
             "lrrrrrrrrrrrrrr");
    for (const ServiceSummary& s : r.services) {
      std::vector<Figure> f = Figures(s.summary);
      auto get = [&](std::string_view name) {
        for (const Figure& x : f) {
          if (name == x.name) return HumanFigure(x);
        }
        return std::string();
      };
      MdRow(out, {MdCell(s.service), get("incidents"), get("detect_goal_attainment"),
                  get("fix_goal_attainment"), get("time_to_detect_p50_seconds"),
                  get("time_to_detect_p90_seconds"), get("time_to_fix_p50_seconds"),
                  get("time_to_fix_p90_seconds"), get("debriefs_on_time"), get("debriefs_late"),
                  get("debriefs_missing"), get("action_items_closed") + " of " + get("action_items_opened"),
                  get("repeats"), get("changes"), get("change_failure_rate")});
    }
    out += '\n';
  }

  out += "## Incidents\n\n";
  if (r.rows.empty()) {
    out += "No incidents started in this range.\n";
  } else {
    std::vector<std::string> names(std::begin(kReportColumns), std::end(kReportColumns));
    for (std::string& n : names) n = MdCell(n);
    MdHeader(out, names, "lllllllrrlllllllrrll");
    std::vector<std::string> cells(kColumns);
    for (const ReportRow& row : r.rows) {
      auto c = Cells(row);
      for (size_t i = 0; i < kColumns; ++i) cells[i] = MdCell(c[i].text);
      MdRow(out, cells);
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// HTML: one self-contained page (inline CSS and SVG, no scripts, fonts or
// network), readable on screen and printable.

namespace {

void Esc(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}
std::string Esc(std::string_view s) {
  std::string out;
  Esc(out, s);
  return out;
}

// Coordinates with one decimal, for compact SVG.
std::string F(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

// "Jul 6", for axis labels.
std::string MonthDay(Time t) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  year_month_day ymd{floor<days>(t)};
  return std::string(kMonths[static_cast<unsigned>(ymd.month()) - 1]) + " " +
         std::to_string(static_cast<unsigned>(ymd.day()));
}

constexpr const char* kCss = R"css(
:root{--ink:#1c2433;--muted:#5d6878;--line:#e2e6ec;--bg:#f4f6f9;--card:#fff;--detect:#2f6fde;--fix:#0d9488;
--good:#1d8a4c;--bad:#c53a2f;--warn:#b86e00;--met:#5cb884;--missed:#e27063;--mixed:#e6b04a}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
main{max-width:1280px;margin:0 auto;padding:28px 24px 40px}
header.top{display:flex;justify-content:space-between;align-items:flex-end;gap:24px;border-bottom:3px solid var(--ink);padding-bottom:14px}
h1{font-size:27px;margin:0;letter-spacing:-.01em}
h1 small{font-size:15px;font-weight:500;color:var(--muted);margin-left:8px}
h2{font-size:17px;margin:0 0 12px}
h3{font-size:14px;margin:16px 0 8px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.meta{color:var(--muted);font-size:12.5px;text-align:right}
.tiles{display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:12px;margin-top:18px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.tile .label{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.04em;white-space:nowrap}
.tile .value{font-size:26px;font-weight:650;margin:2px 0;font-variant-numeric:tabular-nums}
.tile .prev{font-size:12px;color:var(--muted);white-space:nowrap}
.delta{white-space:nowrap;margin-left:4px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin-top:18px}
.good{color:var(--good);font-weight:600}.bad{color:var(--bad);font-weight:600}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:11.5px;color:var(--muted);font-weight:600;background:#f8f9fb}
.num{text-align:right;white-space:nowrap}
.nowrap{white-space:nowrap}
a{color:#1f5bc4}
.muted{color:var(--muted)}
.id{font-family:"DejaVu Sans Mono",ui-monospace,Menlo,Consolas,monospace;font-size:.92em;white-space:nowrap}
.badge{display:inline-block;padding:0 7px;border-radius:999px;font-size:11px;font-weight:600;white-space:nowrap}
.b-done{background:#e3f3e9;color:#1d7442}.b-overdue{background:#fbe4e1;color:#ad2c22}
.b-pending{background:#fcf0d9;color:#8f5600}.b-waived,.b-not_required{background:#eceff3;color:#5d6878}
.yes{color:var(--good)}.no{color:var(--bad)}
.attention td.late{color:var(--bad);font-weight:600}
.empty{color:var(--muted);font-style:italic;margin:4px 0}
.legend{display:flex;gap:18px;font-size:12.5px;color:var(--muted);margin:-4px 0 6px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
.scroll{overflow-x:auto}
section.incidents{padding:16px 14px}
table.incidents{font-size:10px}
table.incidents td{padding:4px 3px}
table.incidents th{padding:5px 3px;font-size:9.5px}
table.incidents td.title{min-width:120px;max-width:170px}
table.incidents .badge{font-size:10px;padding:0 5px}
table.incidents .id{white-space:normal}
table.services{font-size:12.5px}
th.num{white-space:normal}
svg{display:block;width:100%;height:auto}
svg text{font-family:inherit;fill:var(--ink)}
.notes{color:var(--muted);font-size:12px;line-height:1.5}
.notes dt{font-weight:600;color:var(--ink);margin-top:6px}
.notes dd{margin:0 0 0 0}
footer{color:var(--muted);font-size:12px;margin-top:22px;text-align:center}
@media print{
@page{size:A4 landscape;margin:11mm}
body{background:#fff;font-size:11px}
main{max-width:none;padding:0}
.tiles{gap:8px}
.tile .value{font-size:20px}
.tile .prev,.tile .label{white-space:normal}
section,.tile{border-color:#cfd5dd;break-inside:avoid;border-radius:6px}
section.long{break-inside:auto}
table.incidents{font-size:8px}
table.incidents th{font-size:7.5px}
table.incidents td.title{min-width:90px;max-width:130px}
table.incidents .badge{font-size:7.5px;padding:0 3px}
table.services{font-size:10px}
.scroll{overflow:visible}
thead{display:table-header-group}
tr{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
)css";

const Figure& FigureNamed(const std::vector<Figure>& figures, std::string_view name) {
  for (const Figure& f : figures) {
    if (name == f.name) return f;
  }
  return figures.front();
}

void Tile(std::string& out, const std::vector<Figure>& cur, const std::vector<Figure>& prev,
          std::string_view name, std::string_view label, const std::string& prev_label) {
  const Figure& c = FigureNamed(cur, name);
  const Figure& p = FigureNamed(prev, name);
  Figure d = Difference(c, p);
  out += "<div class=\"tile\"><div class=\"label\">";
  Esc(out, label);
  out += "</div><div class=\"value\">" + Esc(HumanFigure(c)) + "</div><div class=\"prev\">";
  Esc(out, prev_label);
  out += ": " + Esc(HumanFigure(p));
  if (d.has_value()) {
    const char* tone = Tone(d);
    out += std::string(" <span class=\"delta ") + tone + "\">" + Esc(HumanDifference(d)) + "</span>";
  }
  out += "</div></div>";
}

// Weekly buckets of the range (wider when the range is long), by start time.
struct WeekBucket {
  Time from{};
  uint64_t incidents = 0, detect_met = 0, resolved = 0, fix_met = 0;
};

std::vector<WeekBucket> WeeklyBuckets(const Report& r, Duration* step_out) {
  Duration length = r.range.to - r.range.from;
  int64_t weeks = (length + kWeek - Duration(1)) / kWeek;
  int64_t factor = std::max<int64_t>(1, (weeks + 59) / 60);  // at most 60 buckets
  Duration step = kWeek * factor;
  size_t n = static_cast<size_t>((length + step - Duration(1)) / step);
  std::vector<WeekBucket> buckets(n);
  for (size_t i = 0; i < n; ++i) buckets[i].from = r.range.from + step * static_cast<int64_t>(i);
  for (const ReportRow& row : r.rows) {
    size_t i = std::min(n - 1, static_cast<size_t>((row.started_at - r.range.from) / step));
    WeekBucket& b = buckets[i];
    ++b.incidents;
    if (row.detect_goal_met) ++b.detect_met;
    if (row.fix_goal_met) {
      ++b.resolved;
      if (*row.fix_goal_met) ++b.fix_met;
    }
  }
  *step_out = step;
  return buckets;
}

void WeeklyChart(std::string& out, const Report& r) {
  Duration step{};
  std::vector<WeekBucket> buckets = WeeklyBuckets(r, &step);
  const double W = 1100, H = 270, L = 50, R = 50, T = 12, B = 40;
  const double pw = W - L - R, ph = H - T - B;
  const double slot = pw / static_cast<double>(buckets.size());
  uint64_t max_n = 1;
  for (const WeekBucket& b : buckets) max_n = std::max(max_n, b.incidents);

  out +=
      "<div class=\"legend\"><span><i style=\"background:var(--detect);border-radius:50%\"></i>Detected "
      "within goal</span>"
      "<span><i style=\"background:var(--fix)\"></i>Fixed within goal</span>"
      "<span><i style=\"background:#e3e8ef\"></i>Incidents started (right axis)</span></div>";
  out += "<svg viewBox=\"0 0 " + F(W) + " " + F(H) +
         "\" role=\"img\" aria-label=\"Weekly goal attainment\" xmlns=\"http://www.w3.org/2000/svg\">";
  // Incident bars, behind everything.
  for (size_t i = 0; i < buckets.size(); ++i) {
    const WeekBucket& b = buckets[i];
    if (b.incidents == 0) continue;
    double h = ph * static_cast<double>(b.incidents) / static_cast<double>(max_n);
    out += "<rect x=\"" + F(L + slot * (i + 0.18)) + "\" y=\"" + F(T + ph - h) + "\" width=\"" +
           F(slot * 0.64) + "\" height=\"" + F(h) + "\" rx=\"2\" fill=\"#e3e8ef\"><title>" +
           Esc(MonthDay(b.from)) + ": " + std::to_string(b.incidents) + " incidents</title></rect>";
  }
  // Grid and axes.
  for (int pct = 0; pct <= 100; pct += 25) {
    double y = T + ph * (1 - pct / 100.0);
    out += "<line x1=\"" + F(L) + "\" x2=\"" + F(L + pw) + "\" y1=\"" + F(y) + "\" y2=\"" + F(y) +
           "\" stroke=\"" + (pct == 0 ? "#9aa4b2" : "#e2e6ec") + "\" stroke-width=\"1\"/>";
    out += "<text x=\"" + F(L - 8) + "\" y=\"" + F(y + 4) +
           "\" font-size=\"11\" text-anchor=\"end\" fill=\"#5d6878\">" + std::to_string(pct) + "%</text>";
  }
  std::vector<uint64_t> ticks = {0, max_n};
  if (max_n >= 4) ticks.insert(ticks.begin() + 1, max_n / 2);
  for (uint64_t v : ticks) {
    double y = T + ph * (1 - static_cast<double>(v) / static_cast<double>(max_n));
    out += "<text x=\"" + F(L + pw + 8) + "\" y=\"" + F(y + 4) + "\" font-size=\"11\" fill=\"#8a94a3\">" +
           std::to_string(v) + "</text>";
  }
  size_t every = std::max<size_t>(1, (buckets.size() + 12) / 13);
  for (size_t i = 0; i < buckets.size(); i += every) {
    out += "<text x=\"" + F(L + slot * (i + 0.5)) + "\" y=\"" + F(T + ph + 18) +
           "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5d6878\">" + Esc(MonthDay(buckets[i].from)) +
           "</text>";
  }
  out += "<text x=\"" + F(L + pw / 2) + "\" y=\"" + F(H - 4) +
         "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#8a94a3\">" +
         (step == kWeek ? std::string("week starting") : "period of " + FormatDuration(step) + " starting") +
         " (UTC)</text>";
  // One line per goal; a week without incidents (or resolutions) leaves a gap.
  auto series = [&](const char* color, const char* what, double dx, bool square, auto num, auto den) {
    std::string points, dots;
    auto flush = [&] {
      if (std::count(points.begin(), points.end(), ',') > 1) {
        out += "<polyline fill=\"none\" stroke=\"" + std::string(color) +
               "\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"" + points + "\"/>";
      }
      points.clear();
    };
    for (size_t i = 0; i < buckets.size(); ++i) {
      uint64_t d = den(buckets[i]);
      if (d == 0) {
        flush();
        continue;
      }
      double ratio = static_cast<double>(num(buckets[i])) / static_cast<double>(d);
      double x = L + slot * (i + 0.5) + dx, y = T + ph * (1 - ratio);
      points += F(x) + "," + F(y) + " ";
      std::string title = "<title>" + Esc(MonthDay(buckets[i].from)) + ": " + what + " " +
                          std::to_string(num(buckets[i])) + " of " + std::to_string(d) + " (" +
                          Percent(ratio) + ")</title>";
      if (square) {
        dots += "<rect x=\"" + F(x - 3.6) + "\" y=\"" + F(y - 3.6) +
                "\" width=\"7.2\" height=\"7.2\" fill=\"" + color + "\">" + title + "</rect>";
      } else {
        dots += "<circle cx=\"" + F(x) + "\" cy=\"" + F(y) + "\" r=\"4\" fill=\"" + color + "\">" + title +
                "</circle>";
      }
    }
    flush();
    out += dots;
  };
  // The two series sit slightly apart so that equal values stay visible.
  const double dx = std::min(4.0, slot * 0.12);
  series(
      "var(--detect)", "detected within goal", -dx, false, [](const WeekBucket& b) { return b.detect_met; },
      [](const WeekBucket& b) { return b.incidents; });
  series(
      "var(--fix)", "fixed within goal", dx, true, [](const WeekBucket& b) { return b.fix_met; },
      [](const WeekBucket& b) { return b.resolved; });
  out += "</svg>";
}

// Bins of the distribution charts: upper bounds in seconds; the last bin is
// everything above a week.
constexpr int64_t kBinBounds[] = {15,   30,   60,    120,   300,   600,    900,   1800,
                                  3600, 7200, 14400, 28800, 86400, 259200, 604800};
constexpr size_t kBins = std::size(kBinBounds) + 1;

size_t BinOf(Duration d) {
  double s = Seconds(d);
  size_t i = 0;
  while (i < std::size(kBinBounds) && s > static_cast<double>(kBinBounds[i])) ++i;
  return i;
}

std::string BoundLabel(int64_t s) { return FormatDuration(std::chrono::seconds(s)); }

// x of a duration on the binned axis (log-interpolated inside a bin).
double BinX(double seconds, double x0, double bw) {
  double lo = 0;
  for (size_t i = 0; i < std::size(kBinBounds); ++i) {
    double hi = static_cast<double>(kBinBounds[i]);
    if (seconds <= hi) {
      double frac = (i == 0 || lo <= 0) ? seconds / hi : std::log(seconds / lo) / std::log(hi / lo);
      return x0 + bw * (static_cast<double>(i) + frac);
    }
    lo = hi;
  }
  return x0 + bw * (static_cast<double>(kBins) - 0.5);
}

// Histograms of time to detect (or fix) per severity, against each severity's goal.
void DistributionChart(std::string& out, const Report& r, bool fix) {
  struct RowData {
    std::string severity;
    Duration goal{};
    std::vector<uint64_t> bins = std::vector<uint64_t>(kBins, 0);
    std::vector<Duration> values;
    uint64_t unresolved = 0;
  };
  std::vector<RowData> rows;
  for (const auto& [severity, goals] : r.goals) {
    RowData d;
    d.severity = severity;
    d.goal = fix ? goals.fix : goals.detect;
    rows.push_back(std::move(d));
  }
  auto find = [&](const std::string& sev) -> RowData& {
    for (RowData& d : rows) {
      if (d.severity == sev) return d;
    }
    return rows.front();
  };
  for (const ReportRow& row : r.rows) {
    RowData& d = find(row.severity);
    std::optional<Duration> v = fix ? row.time_to_fix : std::optional<Duration>(row.time_to_detect);
    if (!v) {
      ++d.unresolved;
      continue;
    }
    ++d.bins[BinOf(*v)];
    d.values.push_back(*v);
  }
  const double W = 1100, x0 = 210, x1 = W - 16, RH = 92, top = 4, axis = 30;
  const double bw = (x1 - x0) / static_cast<double>(kBins);
  const double H = top + RH * static_cast<double>(rows.size()) + axis;
  out += "<svg viewBox=\"0 0 " + F(W) + " " + F(H) + "\" role=\"img\" aria-label=\"" +
         (fix ? "Time to fix" : "Time to detect") + " by severity\" xmlns=\"http://www.w3.org/2000/svg\">";
  for (size_t k = 0; k < rows.size(); ++k) {
    RowData& d = rows[k];
    std::sort(d.values.begin(), d.values.end());
    const double y0 = top + RH * static_cast<double>(k), base = y0 + RH - 12, bar_max = RH - 48;
    if (k > 0)
      out +=
          "<line x1=\"0\" x2=\"" + F(W) + "\" y1=\"" + F(y0) + "\" y2=\"" + F(y0) + "\" stroke=\"#eef0f3\"/>";
    // Labels on the left.
    out += "<text x=\"0\" y=\"" + F(y0 + 26) + "\" font-size=\"14\" font-weight=\"650\">" + Esc(d.severity) +
           "</text>";
    out += "<text x=\"0\" y=\"" + F(y0 + 44) +
           "\" font-size=\"11.5\" fill=\"#5d6878\">n=" + std::to_string(d.values.size());
    if (d.unresolved > 0) {
      out += " <tspan fill=\"#b86e00\">(" + std::to_string(d.unresolved) + " not resolved)</tspan>";
    }
    out += "</text>";
    if (!d.values.empty()) {
      out += "<text x=\"0\" y=\"" + F(y0 + 60) + "\" font-size=\"11.5\" fill=\"#5d6878\">p50 " +
             HumanDuration(*NearestRank(d.values, 50)) + " · p90 " +
             HumanDuration(*NearestRank(d.values, 90)) + "</text>";
    }
    uint64_t max_n = 1;
    for (uint64_t n : d.bins) max_n = std::max(max_n, n);
    const double goal_s = Seconds(d.goal);
    out += "<line x1=\"" + F(x0) + "\" x2=\"" + F(x1) + "\" y1=\"" + F(base) + "\" y2=\"" + F(base) +
           "\" stroke=\"#9aa4b2\"/>";
    for (size_t i = 0; i < kBins; ++i) {
      if (d.bins[i] == 0) continue;
      double lo = i == 0 ? 0 : static_cast<double>(kBinBounds[i - 1]);
      double hi = i < std::size(kBinBounds) ? static_cast<double>(kBinBounds[i]) : INFINITY;
      const char* fill = hi <= goal_s ? "var(--met)" : lo >= goal_s ? "var(--missed)" : "var(--mixed)";
      double h = std::max(2.0, bar_max * static_cast<double>(d.bins[i]) / static_cast<double>(max_n));
      double x = x0 + bw * static_cast<double>(i) + 3;
      out += "<rect x=\"" + F(x) + "\" y=\"" + F(base - h) + "\" width=\"" + F(bw - 6) + "\" height=\"" +
             F(h) + "\" rx=\"2\" fill=\"" + fill + "\"><title>" + std::to_string(d.bins[i]) +
             " incidents</title></rect>";
      out += "<text x=\"" + F(x + (bw - 6) / 2) + "\" y=\"" + F(base - h - 4) +
             "\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#3b4452\">" + std::to_string(d.bins[i]) +
             "</text>";
    }
    double gx = BinX(goal_s, x0, bw);
    out += "<line x1=\"" + F(gx) + "\" x2=\"" + F(gx) + "\" y1=\"" + F(y0 + 4) + "\" y2=\"" + F(base + 4) +
           "\" stroke=\"#1c2433\" stroke-width=\"1.6\" stroke-dasharray=\"5 3\"/>";
    out += "<text x=\"" + F(gx + 5) + "\" y=\"" + F(y0 + 15) +
           "\" font-size=\"11\" font-weight=\"600\" paint-order=\"stroke\" stroke=\"#fff\" "
           "stroke-width=\"3\">goal " +
           Esc(FormatDuration(d.goal)) + "</text>";
  }
  // The shared axis.
  const double ya = top + RH * static_cast<double>(rows.size());
  out += "<text x=\"" + F(x0) + "\" y=\"" + F(ya + 4) +
         "\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#5d6878\">0</text>";
  for (size_t i = 0; i < std::size(kBinBounds); ++i) {
    out += "<text x=\"" + F(x0 + bw * static_cast<double>(i + 1)) + "\" y=\"" + F(ya + 4) +
           "\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#5d6878\">" + BoundLabel(kBinBounds[i]) +
           "</text>";
  }
  out += "<text x=\"" + F(x1) + "\" y=\"" + F(ya + 22) +
         "\" font-size=\"10.5\" text-anchor=\"end\" fill=\"#8a94a3\">" +
         std::string(fix ? "time to fix" : "time to detect") +
         " (bins end at the marks; the last holds everything over 7d)</text>";
  out += "</svg>";
}

std::string YesNo(const std::optional<bool>& b) {
  if (!b) return "<span class=\"muted\">–</span>";
  return *b ? "<span class=\"yes\">yes</span>" : "<span class=\"no\">no</span>";
}

std::string TimeTd(const std::optional<Time>& t) {
  if (!t) return "<td class=\"muted\">–</td>";
  return "<td class=\"nowrap\" title=\"" + FormatRfc3339(*t) + "\">" + ShortTime(*t) + "</td>";
}

// Date over time, narrow enough for the 20-column incident table.
std::string StackedTimeTd(const std::optional<Time>& t) {
  if (!t) return "<td class=\"muted\">–</td>";
  std::string s = FormatRfc3339(*t);
  return "<td class=\"nowrap\" title=\"" + s + "\">" + s.substr(0, 10) + "<br><span class=\"muted\">" +
         s.substr(11, 5) + "</span></td>";
}

std::string DurationTd(const std::optional<Duration>& d) {
  if (!d) return "<td class=\"num muted\">–</td>";
  return "<td class=\"num\" title=\"" + SecondsText(*d) + " s\">" + HumanDuration(*d) + "</td>";
}

std::string Badge(DebriefStatus s) {
  std::string name = ToString(s);
  std::string text = name;
  std::replace(text.begin(), text.end(), '_', ' ');
  return "<span class=\"badge b-" + name + "\">" + text + "</span>";
}

void SummarySection(std::string& out, const Report& r) {
  std::vector<Figure> cur = Figures(r.summary), prev = Figures(r.previous_summary);
  out += "<section><h2>Summary</h2><table><thead><tr><th>Figure</th><th class=\"num\">";
  Esc(out, r.range.label);
  out += "</th><th class=\"num\">";
  Esc(out, r.previous_range.label);
  out += "</th><th class=\"num\">Change</th></tr></thead><tbody>";
  for (size_t i = 0; i < cur.size(); ++i) {
    if (!cur[i].headline) continue;
    Figure d = Difference(cur[i], prev[i]);
    out += "<tr><td>";
    Esc(out, cur[i].label);
    out += "</td><td class=\"num\"><b>" + Esc(HumanFigure(cur[i])) + "</b></td><td class=\"num muted\">" +
           Esc(HumanFigure(prev[i])) + "</td><td class=\"num " + Tone(d) + "\">" + Esc(HumanDifference(d)) +
           "</td></tr>";
  }
  out += "</tbody></table></section>";
}

void AttentionSection(std::string& out, const Report& r) {
  out += "<section class=\"attention long\"><h2>Needs attention</h2>";
  out += "<h3>Overdue debriefs (" + std::to_string(r.overdue_debriefs.size()) + ")</h3>";
  if (r.overdue_debriefs.empty()) {
    out += "<p class=\"empty\">None: every required debrief is done, waived or not yet due.</p>";
  } else {
    out +=
        "<table><thead><tr><th>Incident</th><th>Service</th><th>Severity</th><th>Title</th><th>Resolved</th>"
        "<th>Debrief due</th><th class=\"num\">Overdue by</th></tr></thead><tbody>";
    for (size_t i : Head(r.overdue_debriefs)) {
      const ReportRow& row = r.rows[i];
      out += "<tr><td class=\"id\">" + Esc(row.incident_id) + "</td><td>" + Esc(row.service) + "</td><td>" +
             Esc(row.severity) + "</td><td>" + Esc(row.title) + "</td>" + TimeTd(row.resolved_at) +
             TimeTd(row.debrief_due_at) + "<td class=\"num late\">" +
             HumanDuration(r.generated_at - *row.debrief_due_at) + "</td></tr>";
    }
    out += "</tbody></table>" + MoreText(r.overdue_debriefs.size(), "<p class=\"empty\">", "</p>");
  }
  out += "<h3>Open action items (" + std::to_string(r.open_action_items.size()) + ")</h3>";
  if (r.open_action_items.empty()) {
    out += "<p class=\"empty\">None: every action item of these incidents is closed.</p>";
  } else {
    out +=
        "<table><thead><tr><th>Item</th><th>Incident</th><th>Service</th><th>Title</th><th>Opened</th>"
        "<th>Due</th><th class=\"num\">Status</th></tr></thead><tbody>";
    for (const OpenActionItem& item : Head(r.open_action_items)) {
      out += "<tr><td class=\"id\">" + Esc(item.id) + "</td><td class=\"id\">" + Esc(item.incident_id) +
             "</td><td>" + Esc(item.service) + "</td><td>";
      if (!item.url.empty() && (item.url.rfind("https://", 0) == 0 || item.url.rfind("http://", 0) == 0)) {
        out += "<a href=\"" + Esc(item.url) + "\">" + Esc(item.title) + "</a>";
      } else {
        Esc(out, item.title);
      }
      out += "</td>" + TimeTd(item.opened_at) + TimeTd(item.due_at);
      out += item.overdue
                 ? "<td class=\"num late\">overdue " + HumanDuration(r.generated_at - item.due_at) + "</td>"
                 : "<td class=\"num\">open</td>";
      out += "</tr>";
    }
    out += "</tbody></table>" + MoreText(r.open_action_items.size(), "<p class=\"empty\">", "</p>");
  }
  out += "</section>";
}

void ServiceSection(std::string& out, const Report& r) {
  out += "<section><h2>By service</h2>";
  if (r.services.empty()) {
    out += "<p class=\"empty\">No incidents or changes in this range.</p></section>";
    return;
  }
  out +=
      "<div class=\"scroll\"><table class=\"services\"><thead><tr><th>Service</th><th "
      "class=\"num\">Incidents</th>"
      "<th class=\"num\">Detect goal</th><th class=\"num\">Fix goal</th><th class=\"num\">TTD p50</th>"
      "<th class=\"num\">TTD p90</th><th class=\"num\">TTF p50</th><th class=\"num\">TTF p90</th>"
      "<th class=\"num\">Debriefs on time</th><th class=\"num\">Late</th><th class=\"num\">Missing</th>"
      "<th class=\"num\">Action items closed</th><th class=\"num\">Repeats</th><th class=\"num\">Changes</th>"
      "<th class=\"num\">Change failure rate</th></tr></thead><tbody>";
  for (const ServiceSummary& s : r.services) {
    std::vector<Figure> f = Figures(s.summary);
    auto td = [&](std::string_view name) {
      return "<td class=\"num\">" + Esc(HumanFigure(FigureNamed(f, name))) + "</td>";
    };
    out += "<tr><td><b>" + Esc(s.service) + "</b></td>" + td("incidents") + td("detect_goal_attainment") +
           td("fix_goal_attainment") + td("time_to_detect_p50_seconds") + td("time_to_detect_p90_seconds") +
           td("time_to_fix_p50_seconds") + td("time_to_fix_p90_seconds") + td("debriefs_on_time") +
           td("debriefs_late") + td("debriefs_missing") + "<td class=\"num\">" +
           std::to_string(s.summary.action_items_closed) + " of " +
           std::to_string(s.summary.action_items_opened) + "</td>" + td("repeats") + td("changes") +
           td("change_failure_rate") + "</tr>";
  }
  out += "</tbody></table></div></section>";
}

void IncidentSection(std::string& out, const Report& r) {
  out += "<section class=\"incidents long\"><h2>Incidents (" + std::to_string(r.rows.size()) + ")</h2>";
  if (r.rows.empty()) {
    out += "<p class=\"empty\">No incidents started in this range.</p></section>";
    return;
  }
  out += "<div class=\"scroll\"><table class=\"incidents\"><thead><tr>";
  for (const char* name : kReportColumns) {
    std::string n = Esc(name);
    std::string wrapped;
    for (char c : n) {
      wrapped += c;
      if (c == '_') wrapped += "<wbr>";
    }
    bool num = std::string_view(name).find("seconds") != std::string_view::npos ||
               std::string_view(name).rfind("action_items", 0) == 0;
    out += std::string("<th") + (num ? " class=\"num\"" : "") + ">" + wrapped + "</th>";
  }
  out += "</tr></thead><tbody>";
  for (const ReportRow& row : r.rows) {
    out += "<tr><td class=\"id\">" + Esc(row.incident_id) + "</td><td>" + Esc(row.service) + "</td><td>" +
           Esc(row.severity) + "</td><td class=\"title\">" + Esc(row.title) + "</td>";
    out += StackedTimeTd(row.started_at) + StackedTimeTd(row.detected_at) + StackedTimeTd(row.resolved_at);
    out += DurationTd(row.time_to_detect) + DurationTd(row.time_to_fix);
    out += "<td>" + YesNo(row.detect_goal_met) + "</td><td>" + YesNo(row.fix_goal_met) + "</td>";
    out += "<td class=\"id\">" + Esc(row.suspected_cause) + "</td><td class=\"id\">" +
           Esc(row.confirmed_cause) + "</td>";
    out += "<td>" + Badge(row.debrief_status) + "</td>" + StackedTimeTd(row.debrief_completed_at) + "<td>" +
           YesNo(row.debrief_on_time) + "</td>";
    out += "<td class=\"num\">" + std::to_string(row.action_items_open) + "</td><td class=\"num\">" +
           std::to_string(row.action_items_closed) + "</td>";
    out += "<td class=\"id\">" + Esc(row.repeat_of) + "</td><td>" +
           (row.auto_resolved ? std::string("yes") : std::string("<span class=\"muted\">no</span>")) +
           "</td></tr>";
  }
  out += "</tbody></table></div></section>";
}

constexpr const char* kNotes = R"html(<section class="notes"><h2>How to read this report</h2><dl>
<dt>Which incidents</dt><dd>An incident belongs to the range in which it started (UTC), using the start a debrief corrected or confirmed. Previous figures use the same rules for the previous range.</dd>
<dt>Goal attainment</dt><dd>The share of incidents detected (or fixed) within their severity's goal, over the incidents that have a value: every incident for detection, resolved incidents for fixing.</dd>
<dt>Percentiles</dt><dd>Nearest-rank method: sort the n values and take the one at rank ceil(p/100 × n). Time to fix counts resolved incidents only.</dd>
<dt>Debriefs</dt><dd>Required: the incident's severity needs a debrief (waived ones included). On time and late: completed debriefs, at or after their due time. Missing: required, neither completed nor waived, and past due at the time of the report.</dd>
<dt>Action items</dt><dd>The items of these incidents, whenever they were opened; closed means closed by the time of the report.</dd>
<dt>Change failure rate</dt><dd>Incidents of the range whose debrief confirmed a causing change, divided by the change events recorded in the range.</dd>
</dl></section>)html";

std::string RenderHtml(const Report& r) {
  std::string out;
  out.reserve(2000 * r.rows.size() + 40000);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "img-src data:\">"
      "<title>Reliability review ";
  Esc(out, r.range.label);
  out += " · debriefd</title><style>";
  out += kCss;
  out += "</style></head><body><main>";
  out += "<header class=\"top\"><div><h1>Reliability review<small>";
  Esc(out, r.range.label);
  out += "</small></h1><div class=\"muted\">Incidents that started from " + ShortTime(r.range.from) +
         " until " + ShortTime(r.range.to) + " UTC, compared with ";
  Esc(out, r.previous_range.label);
  out += "</div></div><div class=\"meta\">Generated by debriefd<br>" + ShortTime(r.generated_at) +
         " UTC</div></header>";

  std::vector<Figure> cur = Figures(r.summary), prev = Figures(r.previous_summary);
  out += "<div class=\"tiles\">";
  for (auto [name, label] : {std::pair{"incidents", "Incidents"},
                             {"detect_goal_attainment", "Detected in goal"},
                             {"fix_goal_attainment", "Fixed in goal"},
                             {"time_to_fix_p50_seconds", "Time to fix p50"},
                             {"debriefs_missing", "Debriefs missing"},
                             {"change_failure_rate", "Change failure rate"}}) {
    Tile(out, cur, prev, name, label, r.previous_range.label);
  }
  out += "</div>";
  SummarySection(out, r);
  AttentionSection(out, r);

  out += "<section><h2>Weekly goal attainment</h2>";
  if (r.rows.empty()) {
    out += "<p class=\"empty\">No incidents started in this range.</p>";
  } else {
    WeeklyChart(out, r);
  }
  out += "</section>";
  for (bool fix : {false, true}) {
    out +=
        std::string("<section><h2>") + (fix ? "Time to fix" : "Time to detect") + " against the goals</h2>";
    if (r.rows.empty()) {
      out += "<p class=\"empty\">No incidents started in this range.</p>";
    } else {
      out +=
          "<div class=\"legend\"><span><i style=\"background:var(--met)\"></i>within goal</span>"
          "<span><i style=\"background:var(--missed)\"></i>over goal</span>"
          "<span><i style=\"background:var(--mixed)\"></i>bin spans the goal</span></div>";
      DistributionChart(out, r, fix);
    }
    out += "</section>";
  }
  ServiceSection(out, r);
  IncidentSection(out, r);
  out += kNotes;
  out += "<footer>debriefd reliability review · ";
  Esc(out, r.range.label);
  out += "</footer></main></body></html>\n";
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// OpenMetrics: the counters of /metrics as they grew, one sample per change,
// stamped with the time of the event that changed them, for
// `promtool tsdb create-blocks-from openmetrics`.

namespace {

// Seconds since the epoch, with milliseconds when there are any.
std::string OmTimestamp(Time t) {
  int64_t ms = t.time_since_epoch().count();
  int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int64_t frac = ms - s * 1000;
  std::string out = std::to_string(s);
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac));
    out += buf;
  }
  return out;
}

void OmEscape(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

std::string OmLabels(std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += out.empty() ? "" : ",";
    out += k;
    out += "=\"";
    OmEscape(out, v);
    out += '"';
  }
  return out;
}

void OmHeader(std::string& out, const char* name, const char* type, const char* help) {
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += "\n# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += '\n';
}

// Events of one series, and the times at which to write samples: a zero just
// before the first event, or the value carried into the range at its start.
template <typename Event, typename State, typename Apply, typename Write>
void OmSeries(std::vector<std::pair<Time, Event>>& events, const ReportRange& range, State state, Apply apply,
              Write write) {
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (events.empty() || events.front().first >= range.to) return;
  size_t i = 0;
  bool carried = false;
  for (; i < events.size() && events[i].first < range.from; ++i) {
    apply(state, events[i].second);
    carried = true;
  }
  if (i == events.size() || events[i].first >= range.to) {
    if (carried) write(range.from, state);
    return;
  }
  if (carried) {
    if (events[i].first > range.from) write(range.from, state);
  } else if (events[i].first - Duration(1) >= range.from) {
    write(events[i].first - Duration(1), state);  // the counter was zero until then
  }
  while (i < events.size() && events[i].first < range.to) {
    Time t = events[i].first;
    for (; i < events.size() && events[i].first == t; ++i) apply(state, events[i].second);
    write(t, state);
  }
}

struct OmCounter {
  OmCounter(const char* n, const char* h) : name(n), help(h) {}
  const char* name;  // without _total
  const char* help;
  std::map<std::string, std::vector<std::pair<Time, uint64_t>>> series;  // labels -> (time, increment)

  void Add(std::string labels, Time t, uint64_t n = 1) { series[std::move(labels)].push_back({t, n}); }

  void Render(std::string& out, const ReportRange& range) {
    OmHeader(out, name, "counter", help);
    for (auto& [labels, events] : series) {
      OmSeries(
          events, range, uint64_t{0}, [](uint64_t& s, uint64_t n) { s += n; },
          [&](Time t, uint64_t v) {
            out += name;
            out += "_total{" + labels + "} " + std::to_string(v) + " " + OmTimestamp(t) + "\n";
          });
    }
  }
};

struct OmHistogram {
  OmHistogram(const char* n, const char* h, std::vector<double> b) : name(n), help(h), bounds(std::move(b)) {}
  const char* name;
  const char* help;
  std::vector<double> bounds;
  std::map<std::string, std::vector<std::pair<Time, Duration>>> series;  // labels -> (time, observation)

  struct State {
    std::vector<uint64_t> counts;  // per bucket, last is +Inf; not cumulative
    int64_t sum_ms = 0;
    uint64_t count = 0;
  };

  void Render(std::string& out, const ReportRange& range) {
    OmHeader(out, name, "histogram", help);
    std::vector<std::string> les;
    for (double b : bounds) les.push_back(NumberText(b));
    les.push_back("+Inf");
    for (auto& [labels, events] : series) {
      State init{std::vector<uint64_t>(bounds.size() + 1, 0)};
      OmSeries(
          events, range, init,
          [&](State& s, Duration v) {
            double x = Seconds(v);
            size_t i = std::lower_bound(bounds.begin(), bounds.end(), x) - bounds.begin();
            ++s.counts[i];
            s.sum_ms += v.count();
            ++s.count;
          },
          [&](Time t, const State& s) {
            std::string ts = OmTimestamp(t);
            uint64_t cumulative = 0;
            for (size_t i = 0; i < les.size(); ++i) {
              cumulative += s.counts[i];
              out += name;
              out += "_bucket{" + labels + ",le=\"" + les[i] + "\"} " + std::to_string(cumulative) + " " +
                     ts + "\n";
            }
            out += name;
            out += "_count{" + labels + "} " + std::to_string(s.count) + " " + ts + "\n";
            out += name;
            out += "_sum{" + labels + "} " + SecondsText(s.sum_ms) + " " + ts + "\n";
          });
    }
  }
};

}  // namespace

std::string RenderOpenMetrics(const IncidentTracker& t, const ReportRange& range) {
  const Policy& policy = t.policy();
  OmCounter incidents{"debriefd_incidents", "Incidents opened."};
  OmCounter repeats{"debriefd_incident_repeats",
                    "Incidents that repeated an earlier incident of the same key within repeats.window."};
  OmCounter counted{"debriefd_incidents_counted",
                    "Incidents observed into the time-to-detect and time-to-fix histograms."};
  OmCounter goals{"debriefd_incident_goal",
                  "Incidents that met or missed the detect and fix goals of their severity."};
  OmCounter cause{"debriefd_incident_suspected_cause",
                  "Counted incidents that had a suspected cause (a change to the service shortly before)."};
  OmCounter auto_resolved{"debriefd_incidents_auto_resolved",
                          "Counted incidents that resolved with no action by a person."};
  OmCounter debriefs{"debriefd_debriefs", "Debriefs completed, on time or late."};
  OmCounter changes{"debriefd_changes", "Change events (deploys, config, feature flags, infra)."};
  OmHistogram ttd{"debriefd_incident_time_to_detect_seconds",
                  "Time from an incident's start to its detection, observed once it has stayed resolved past "
                  "alerts.reopen_within.",
                  t.bucket_bounds()};
  OmHistogram ttf{
      "debriefd_incident_time_to_fix_seconds",
      "Time from an incident's start to its resolution, observed once it has stayed resolved past "
      "alerts.reopen_within.",
      t.bucket_bounds()};

  for (const Incident& inc : t.incidents()) {
    const std::string ss = OmLabels({{"service", inc.service}, {"severity", inc.severity}});
    // Opened (and a repeat) when detected; counted into the histograms and
    // goals once it stayed resolved past reopen_within, as /metrics does.
    incidents.Add(ss, inc.detected_at);
    if (inc.repeat_of) repeats.Add(ss, inc.detected_at);
    if (inc.counted && inc.resolved_at) {
      Time at = *inc.resolved_at + policy.reopen_within;
      Clocking clk = t.ClockOf(inc);
      counted.Add(ss, at);
      goals.Add(OmLabels({{"service", inc.service},
                          {"severity", inc.severity},
                          {"goal", "detect"},
                          {"result", clk.detect_goal_met ? "met" : "missed"}}),
                at);
      ttd.series[ss].push_back({at, clk.time_to_detect});
      if (clk.time_to_fix) {
        goals.Add(OmLabels({{"service", inc.service},
                            {"severity", inc.severity},
                            {"goal", "fix"},
                            {"result", clk.fix_goal_met.value_or(false) ? "met" : "missed"}}),
                  at);
        ttf.series[ss].push_back({at, *clk.time_to_fix});
      }
      if (t.SuspectedCause(inc) != nullptr) cause.Add(ss, at);
      if (inc.auto_resolved()) auto_resolved.Add(ss, at);
    }
    if (inc.debrief_completed_at) {
      DebriefView d = t.DebriefOf(inc, *inc.debrief_completed_at);
      debriefs.Add(OmLabels({{"service", inc.service},
                             {"severity", inc.severity},
                             {"result", d.on_time.value_or(true) ? "on_time" : "late"}}),
                   *inc.debrief_completed_at);
    }
  }
  for (const ChangeEvent& c : t.changes())
    changes.Add(OmLabels({{"service", c.service}, {"kind", c.kind}}), c.time);

  std::string out;
  out.reserve(200 * 40 * t.incidents().size() + 4096);
  for (OmCounter* c : {&incidents, &repeats, &counted, &goals, &cause, &auto_resolved, &debriefs, &changes}) {
    c->Render(out, range);
  }
  ttd.Render(out, range);
  ttf.Render(out, range);
  out += "# EOF\n";
  return out;
}

std::string RenderReport(const Report& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::kCsv:
      return RenderCsv(report);
    case ReportFormat::kJson:
      return RenderJson(report);
    case ReportFormat::kMarkdown:
      return RenderMarkdown(report);
    case ReportFormat::kHtml:
      return RenderHtml(report);
    case ReportFormat::kOpenMetrics:
      break;
  }
  return "";
}

std::string RenderReport(const IncidentTracker& tracker, Time now, const ReportRange& range,
                         ReportFormat format) {
  if (format == ReportFormat::kOpenMetrics) return RenderOpenMetrics(tracker, range);
  return RenderReport(BuildReport(tracker, now, range), format);
}

}  // namespace debriefd
