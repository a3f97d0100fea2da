// HTML: one self-contained page (inline CSS and SVG, no scripts, fonts or
// network), readable on screen and printable.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "exporters/report/format.h"
#include "exporters/report/html.h"
#include "exporters/report/text.h"

namespace debriefd {
namespace report::html {


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

}  // namespace report::html

namespace {

using report::html::DistributionChart;
using report::html::Esc;
using report::html::WeeklyChart;
using std::chrono::days;
using std::chrono::floor;
using std::chrono::year_month_day;
using namespace report;

constexpr Duration kDay = std::chrono::hours(24);
constexpr Duration kWeek = 7 * kDay;

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

std::string Render(const Report& r) {
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

extern const ReportFormat kFormat_html;
const ReportFormat kFormat_html{
    .name = "html",
    .alias = "",
    .content_type = "text/html; charset=utf-8",
    .extension = "html",
    .description = "one self-contained page with charts, to share or print",
    .render = Render,
};

}  // namespace debriefd
