// HTML: one self-contained page (inline CSS and SVG, no scripts, fonts or
// network), readable on screen and printable; the quarterly review and the
// monthly review of action items.
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
      if (IsWebUrl(item.url)) {
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



// --- The monthly review -------------------------------------------------------
// Built by appending: GCC 12 warns (falsely, -Wrestrict) about some chains of
// `"literal" + std::string`.

// The page's head and the top of its body: the month and when it was judged.
void MonthlyHead(std::string& out, const MonthlyReport& r) {
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "img-src data:\">"
      "<title>Action items ";
  Esc(out, r.month.label);
  out += " · debriefd</title><style>";
  out += kCss;
  out += "</style></head><body><main>";
  out += "<header class=\"top\"><div><h1>Action items: monthly review<small>";
  Esc(out, r.month.label);
  out += "</small></h1><div class=\"muted\">";
  out += r.month_over ? "As they stood at the end of the month, " : "As they stand now, ";
  out += ShortTime(r.end);
  out += r.month_over ? " UTC" : " UTC: the month is not over yet";
  out += "</div></div><div class=\"meta\">Generated by debriefd<br>";
  out += ShortTime(r.generated_at);
  out += " UTC</div></header>";
}

// "<h2>Unlinked items (3)</h2>"; `text` is HTML (escaped by the caller).
void CountedHeading(std::string& out, std::string_view tag, std::string_view text, size_t n) {
  out += '<';
  out += tag;
  out += '>';
  out += text;
  out += " (";
  out += std::to_string(n);
  out += ")</";
  out += tag;
  out += '>';
}

// An item's id, linked to its page when that is an http(s) url: a
// `javascript:` url from a tracker must not become a link.
void ItemIdTd(std::string& out, const MonthlyItem& item) {
  out += "<td class=\"id\">";
  if (IsWebUrl(item.url)) {
    out += "<a href=\"";
    Esc(out, item.url);
    out += "\">";
    Esc(out, item.id);
    out += "</a>";
  } else {
    Esc(out, item.id);
  }
  out += "</td>";
}

void ServiceText(std::string& out, const std::string& service) {
  if (service.empty()) {
    out += "<span class=\"muted\">(no service)</span>";
  } else {
    Esc(out, service);
  }
}

void IncidentTd(std::string& out, const MonthlyItem& item) {
  if (item.incident_id.empty()) {
    out += "<td class=\"muted\">unlinked</td>";
    return;
  }
  out += "<td class=\"id\">";
  Esc(out, item.incident_id);
  out += "</td>";
}

void OpenItemsTable(std::string& out, const MonthlyReport& r, const std::vector<size_t>& which, bool service) {
  out += "<div class=\"scroll\"><table><thead><tr><th>Item</th><th>Title</th>";
  if (service) out += "<th>Service</th>";
  out +=
      "<th>Incident</th><th>Opened</th><th>Due</th><th class=\"num\">Age (days)</th><th>Overdue</th>"
      "<th>Incident repeated</th></tr></thead><tbody>";
  for (size_t i : which) {
    const MonthlyItem& item = r.items[i];
    out += "<tr>";
    ItemIdTd(out, item);
    out += "<td class=\"title\">";
    Esc(out, item.title);
    out += "</td>";
    if (service) {
      out += "<td>";
      ServiceText(out, item.service);
      out += "</td>";
    }
    IncidentTd(out, item);
    out += TimeTd(item.opened_at);
    out += TimeTd(item.due_at);
    out += "<td class=\"num\">";
    out += std::to_string(item.age_days);
    out += "</td>";
    if (item.overdue) {
      out += "<td class=\"bad\">overdue ";
      out += HumanDuration(r.end - item.due_at);
      out += "</td>";
    } else {
      out += "<td class=\"muted\">no</td>";
    }
    if (item.repeated) {
      out += "<td class=\"bad\">yes: <span class=\"id\">";
      Esc(out, item.repeated_by);
      out += "</span></td>";
    } else {
      out += "<td class=\"muted\">no</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
}

struct MonthlyFigure {
  const char* name;   // the JSON key; the tile's and the summary row's id
  const char* label;  // for people
  const char* definition;
  uint64_t value;
};

std::vector<MonthlyFigure> MonthlyFigures(const MonthlySummary& s) {
  return {
      {"opened", "Opened", "items opened in the month", s.opened},
      {"closed", "Closed", "items closed in the month and still closed at its end", s.closed},
      {"open", "Open", "items open at the month's end", s.open},
      {"overdue", "Overdue", "of the open items, those past their due time", s.overdue},
      {"unlinked", "Unlinked", "of the open items, those that name no known incident", s.unlinked},
      {"repeated", "Incident repeated", "of the open items, those whose incident happened again by the month's end",
       s.repeated},
      {"closed_then_repeated", "Closed, then repeated",
       "items closed in the month whose incident happened again after the close, up to now",
       s.closed_then_repeated},
  };
}

void MonthlySummaryParts(std::string& out, const MonthlyReport& r) {
  const std::vector<MonthlyFigure> figures = MonthlyFigures(r.summary);
  out += "<div class=\"tiles\">";
  for (const MonthlyFigure& f : figures) {
    if (std::string_view(f.name) == "closed_then_repeated") continue;  // six tiles to a row
    out += "<div class=\"tile\" id=\"figure-";
    out += f.name;
    out += "\"><div class=\"label\">";
    out += f.label;
    out += "</div><div class=\"value\">";
    out += std::to_string(f.value);
    out += "</div></div>";
  }
  out += "</div>";

  out += "<section><h2>Summary</h2><table><thead><tr><th>Figure</th><th class=\"num\">";
  Esc(out, r.month.label);
  out += "</th><th>What it counts</th></tr></thead><tbody>";
  for (const MonthlyFigure& f : figures) {
    out += "<tr id=\"summary-";
    out += f.name;
    out += "\"><td>";
    out += f.label;
    out += "</td><td class=\"num\"><b>";
    out += std::to_string(f.value);
    out += "</b></td><td class=\"muted\">";
    out += f.definition;
    out += "</td></tr>";
  }
  out += "</tbody></table></section>";
}

constexpr const char* kMonthlyNotes = R"html(<section class="notes"><h2>How to read this review</h2><dl>
<dt>The month's end</dt><dd>The first instant of the next month, UTC; for the current month, the time of the review. An item's state there follows from its steps (opened, closed, reopened, withdrawn) up to that time.</dd>
<dt>Closed</dt><dd>Closed in the month and still closed at its end: an item reopened before the month ended counts only if it was closed again.</dd>
<dt>Age</dt><dd>Whole days from the item's latest opening to the month's end. Overdue: due before the month's end.</dd>
<dt>Repeated</dt><dd>Another incident with the same grouping key as the item's incident was detected after it (for closed items: after the item was closed) — the fix did not hold, or was not done yet.</dd>
</dl></section>)html";

std::string RenderMonthly(const MonthlyReport& r) {
  std::string out;
  out.reserve(800 * r.items.size() + 30000);
  MonthlyHead(out, r);
  MonthlySummaryParts(out, r);

  out += "<section class=\"long\">";
  CountedHeading(out, "h2", "Open items by service", r.items.size());
  if (r.items.empty()) {
    out += r.month_over ? "<p class=\"empty\">Nothing to review: no action item was open at the end of the month.</p>"
                        : "<p class=\"empty\">Nothing to review: no action item is open.</p>";
  }
  for (const MonthlyServiceGroup& g : r.services) {
    std::string service;
    ServiceText(service, g.service);
    CountedHeading(out, "h3", service, g.items.size());
    OpenItemsTable(out, r, g.items, false);
  }
  out += "</section>";

  out += "<section class=\"long\">";
  CountedHeading(out, "h2", "Unlinked items", r.unlinked.size());
  if (r.unlinked.empty()) {
    out += "<p class=\"empty\">None: every open item names an incident.</p>";
  } else {
    OpenItemsTable(out, r, r.unlinked, true);
  }
  out += "</section>";

  out += "<section class=\"long\">";
  CountedHeading(out, "h2", "Items whose incident repeated", r.repeated.size());
  if (r.repeated.empty()) {
    out += "<p class=\"empty\">None: no open item's incident repeated.</p>";
  } else {
    OpenItemsTable(out, r, r.repeated, true);
  }
  out += "</section>";

  out += "<section class=\"long\">";
  CountedHeading(out, "h2", "Closed this month, then repeated", r.closed_then_repeated.size());
  if (r.closed_then_repeated.empty()) {
    out += "<p class=\"empty\">None: no incident behind an item closed this month has repeated since.</p>";
  } else {
    out +=
        "<div class=\"scroll\"><table><thead><tr><th>Item</th><th>Title</th><th>Service</th><th>Incident</th>"
        "<th>Closed</th><th>Repeated by</th><th>Detected</th></tr></thead><tbody>";
    for (const MonthlyItem& item : r.closed_then_repeated) {
      out += "<tr>";
      ItemIdTd(out, item);
      out += "<td class=\"title\">";
      Esc(out, item.title);
      out += "</td><td>";
      ServiceText(out, item.service);
      out += "</td>";
      IncidentTd(out, item);
      out += TimeTd(item.closed_at);
      out += "<td class=\"id\">";
      Esc(out, item.repeated_by);
      out += "</td>";
      out += TimeTd(item.repeated_at);
      out += "</tr>";
    }
    out += "</tbody></table></div>";
  }
  out += "</section>";

  out += kMonthlyNotes;
  out += "<footer>debriefd monthly review of action items · ";
  Esc(out, r.month.label);
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
    .render_monthly = RenderMonthly,
};

}  // namespace debriefd
