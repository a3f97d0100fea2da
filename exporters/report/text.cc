// Formatting every report format shares: numbers, durations and percentages
// for people, the typed cells of one row, the figure table and list limits.
#include "exporters/report/text.h"

#include <cctype>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace debriefd::report {

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
    std::string out = sign;
    out += std::to_string(big);
    out += bu;
    if (small != 0) {
      out += ' ';
      out += std::to_string(small);
      out += su;
    }
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
      return *d.integer > 0 ? HumanDuration(*d.integer).insert(0, 1, '+') : HumanDuration(*d.integer);
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

namespace {
Cell Str(std::string s) { return {Cell::kString, std::move(s)}; }
Cell OptStr(const std::string& s) { return s.empty() ? Cell{} : Str(s); }
Cell Num(std::string s) { return {Cell::kNumber, std::move(s)}; }
Cell BoolCell(bool b) { return {Cell::kBool, Bool(b)}; }
Cell OptBool(const std::optional<bool>& b) { return b ? BoolCell(*b) : Cell{}; }
Cell TimeCell(const std::optional<Time>& t) { return t ? Str(FormatRfc3339(*t)) : Cell{}; }
}  // namespace

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

std::string MoreText(size_t total, std::string_view before, std::string_view after) {
  if (total <= kListLimit) return "";
  return std::string(before) + "… and " + std::to_string(total - kListLimit) +
         " more; the JSON export lists them all." + std::string(after);
}

bool IsWebUrl(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    }
    return true;
  };
  return starts("http://") || starts("https://");
}

// `<` matters twice: it starts raw HTML and autolinks (`<javascript:...>`);
// `&` stops entity references; `|` would end a table cell.
std::string MarkdownText(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '\r':
        break;
      case '\n':
      case '\t':
        out += ' ';
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '#':
      case '|':
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

void PercentEncode(std::string& out, unsigned char u) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[u >> 4];
  out += kHex[u & 0xf];
}

std::string MarkdownDestination(std::string_view url) {
  if (!IsWebUrl(url)) return "";
  std::string out;
  out.reserve(url.size() + 8);
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '(' || c == ')' || c == '<' || c == '>' || c == '|' || c == '\\' ||
        c == '`' || c == '[' || c == ']' || c == '"' || c == '\'') {
      PercentEncode(out, u);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace debriefd::report
