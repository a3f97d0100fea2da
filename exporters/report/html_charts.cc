// The HTML report's charts: inline SVG, no scripts.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "exporters/report/html.h"
#include "exporters/report/text.h"

namespace debriefd::report::html {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::year_month_day;
using namespace report;

constexpr Duration kDay = std::chrono::hours(24);
constexpr Duration kWeek = 7 * kDay;

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

}  // namespace

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


}  // namespace debriefd::report::html
