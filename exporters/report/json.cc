// JSON: everything, typed, for scripts. The document is built as Boost.JSON
// values; it is laid out for people too: numbers as people write them (300,
// 0.75), one incident (and one list entry) per line.
#include <boost/json.hpp>

#include <charconv>

#include "exporters/report/format.h"
#include "exporters/report/text.h"

namespace debriefd {
namespace {

namespace json = boost::json;
using namespace report;

// Seconds from milliseconds: an integer when whole (300), else 12.5.
json::value SecondsValue(int64_t ms) {
  if (ms % 1000 == 0) return ms / 1000;
  return static_cast<double>(ms) / 1000.0;
}
json::value SecondsValue(Duration d) { return SecondsValue(d.count()); }

json::value CellValue(const Cell& c) {
  switch (c.type) {
    case Cell::kNull:
      return nullptr;
    case Cell::kString:
      return json::string(c.text);
    case Cell::kBool:
      return c.text == "true";
    case Cell::kNumber: {
      int64_t i = 0;
      auto [end, ec] = std::from_chars(c.text.data(), c.text.data() + c.text.size(), i);
      if (ec == std::errc() && end == c.text.data() + c.text.size()) return i;
      double d = 0;
      std::from_chars(c.text.data(), c.text.data() + c.text.size(), d);
      return d;
    }
  }
  return nullptr;
}

json::value FigureValue(const Figure& f) {
  if (!f.has_value()) return nullptr;
  switch (f.kind) {
    case FigureKind::kCount:
      return *f.integer;
    case FigureKind::kRatio:
      return *f.ratio;
    case FigureKind::kSeconds:
      return SecondsValue(*f.integer);
  }
  return nullptr;
}

json::object Summary(const std::vector<Figure>& figures) {
  json::object o;
  for (const Figure& f : figures) o[f.name] = FigureValue(f);
  return o;
}

json::object Range(const ReportRange& r) {
  return {{"label", r.label}, {"from", FormatRfc3339(r.from)}, {"to", FormatRfc3339(r.to)}};
}

json::object Document(const Report& r) {
  json::object doc;
  doc["range"] = Range(r.range);
  doc["previous_range"] = Range(r.previous_range);
  doc["generated_at"] = FormatRfc3339(r.generated_at);
  json::object& goals = doc["goals"].emplace_object();
  for (const auto& [severity, g] : r.goals) {
    goals[severity] = json::object{{"detect_seconds", SecondsValue(g.detect)}, {"fix_seconds", SecondsValue(g.fix)}};
  }
  std::vector<Figure> cur = Figures(r.summary), prev = Figures(r.previous_summary), diff;
  for (size_t i = 0; i < cur.size(); ++i) diff.push_back(Difference(cur[i], prev[i]));
  doc["summary"] = Summary(cur);
  doc["previous_summary"] = Summary(prev);
  doc["difference"] = Summary(diff);

  json::array& services = doc["services"].emplace_array();
  for (const ServiceSummary& s : r.services) {
    services.push_back(json::object{{"service", s.service}, {"summary", Summary(Figures(s.summary))}});
  }
  json::array& overdue = doc["overdue_debriefs"].emplace_array();
  for (size_t i : r.overdue_debriefs) {
    const ReportRow& row = r.rows[i];
    overdue.push_back(json::object{{"incident_id", row.incident_id},
                                   {"service", row.service},
                                   {"severity", row.severity},
                                   {"title", row.title},
                                   {"due_at", FormatRfc3339(*row.debrief_due_at)},
                                   {"overdue_seconds", SecondsValue(r.generated_at - *row.debrief_due_at)}});
  }
  json::array& items = doc["open_action_items"].emplace_array();
  for (const OpenActionItem& item : r.open_action_items) {
    items.push_back(json::object{{"id", item.id},
                                 {"incident_id", item.incident_id},
                                 {"service", item.service},
                                 {"title", item.title},
                                 {"url", item.url},
                                 {"opened_at", FormatRfc3339(item.opened_at)},
                                 {"due_at", FormatRfc3339(item.due_at)},
                                 {"overdue", item.overdue}});
  }
  json::array& incidents = doc["incidents"].emplace_array();
  incidents.reserve(r.rows.size());
  for (const ReportRow& row : r.rows) {
    auto cells = Cells(row);
    json::object o;
    o.reserve(kColumns);
    for (size_t i = 0; i < kColumns; ++i) o[kReportColumns[i]] = CellValue(cells[i]);
    incidents.push_back(std::move(o));
  }
  return doc;
}

// The layout: the top level and its members one per line; everything deeper,
// and the two ranges, on one line each.
bool Inline(size_t depth, std::string_view key) {
  return depth >= 2 || key == "range" || key == "previous_range";
}

void Newline(std::string& out, size_t depth) {
  out += '\n';
  out.append(2 * depth, ' ');
}

void Write(std::string& out, const json::value& v, size_t depth, bool inline_) {
  switch (v.kind()) {
    case json::kind::object: {
      const json::object& o = v.get_object();
      out += '{';
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += inline_ ? ", " : ",";
        if (!inline_) Newline(out, depth + 1);
        first = false;
        out += json::serialize(kv.key());
        out += ": ";
        Write(out, kv.value(), depth + 1, inline_ || Inline(depth + 1, kv.key()));
      }
      if (!inline_ && !o.empty()) Newline(out, depth);
      out += '}';
      break;
    }
    case json::kind::array: {
      const json::array& a = v.get_array();
      out += '[';
      bool first = true;
      for (const json::value& e : a) {
        if (!first) out += inline_ ? ", " : ",";
        if (!inline_) Newline(out, depth + 1);
        first = false;
        Write(out, e, depth + 1, inline_ || Inline(depth + 1, ""));
      }
      if (!inline_ && !a.empty()) Newline(out, depth);
      out += ']';
      break;
    }
    case json::kind::double_:
      out += NumberText(v.get_double());
      break;
    default:  // strings, integers, booleans and null as Boost.JSON writes them
      out += json::serialize(v);
  }
}

std::string Render(const Report& r) {
  std::string out;
  out.reserve(600 * (r.rows.size() + 4));
  Write(out, Document(r), 0, false);
  out += '\n';
  return out;
}

// The monthly review (docs/reports.md, "Monthly review"). The names of the
// month, summary and item members are a contract: add, never rename.
json::value OptionalTime(const std::optional<Time>& t) {
  if (!t) return nullptr;
  return json::string(FormatRfc3339(*t));
}
json::value OptionalString(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::string(s);
}

json::object OpenItem(const MonthlyItem& item) {
  return {{"id", item.id},
          {"title", item.title},
          {"url", item.url},
          {"service", item.service},
          {"incident_id", OptionalString(item.incident_id)},
          {"opened_at", FormatRfc3339(item.opened_at)},
          {"due_at", FormatRfc3339(item.due_at)},
          {"age_days", item.age_days},
          {"overdue", item.overdue},
          {"repeated", item.repeated},
          {"repeated_by", OptionalString(item.repeated_by)},
          {"source", item.source}};
}

json::object MonthlyDocument(const MonthlyReport& r) {
  json::object doc;
  doc["month"] = r.month.label;
  doc["from"] = FormatRfc3339(r.month.from);
  doc["to"] = FormatRfc3339(r.month.to);
  doc["end"] = FormatRfc3339(r.end);
  doc["generated_at"] = FormatRfc3339(r.generated_at);
  const MonthlySummary& s = r.summary;
  // Signed, like every count of the quarterly report.
  auto count = [](uint64_t n) { return static_cast<int64_t>(n); };
  doc["summary"] = json::object{{"opened", count(s.opened)},
                                {"closed", count(s.closed)},
                                {"open", count(s.open)},
                                {"overdue", count(s.overdue)},
                                {"unlinked", count(s.unlinked)},
                                {"repeated", count(s.repeated)},
                                {"closed_then_repeated", count(s.closed_then_repeated)}};
  json::array& items = doc["items"].emplace_array();
  items.reserve(r.items.size());
  for (const MonthlyItem& item : r.items) items.push_back(OpenItem(item));
  // The two subsets of the items name them by id; `items` has the rest.
  json::array& unlinked = doc["unlinked"].emplace_array();
  for (size_t i : r.unlinked) unlinked.push_back(json::string(r.items[i].id));
  json::array& repeated = doc["repeated"].emplace_array();
  for (size_t i : r.repeated) repeated.push_back(json::string(r.items[i].id));
  json::array& closed = doc["closed_then_repeated"].emplace_array();
  for (const MonthlyItem& item : r.closed_then_repeated) {
    closed.push_back(json::object{{"id", item.id},
                                  {"title", item.title},
                                  {"url", item.url},
                                  {"service", item.service},
                                  {"incident_id", OptionalString(item.incident_id)},
                                  {"closed_at", OptionalTime(item.closed_at)},
                                  {"repeated_by", OptionalString(item.repeated_by)},
                                  {"repeated_at", OptionalTime(item.repeated_at)}});
  }
  return doc;
}

std::string RenderMonthly(const MonthlyReport& r) {
  std::string out;
  out.reserve(400 * (r.items.size() + 4));
  Write(out, MonthlyDocument(r), 0, false);
  out += '\n';
  return out;
}

}  // namespace

extern const ReportFormat kFormat_json;
const ReportFormat kFormat_json{
    .name = "json",
    .alias = "",
    .content_type = "application/json",
    .extension = "json",
    .description = "everything, typed, for scripts (the default)",
    .render = Render,
    .render_monthly = RenderMonthly,
};

}  // namespace debriefd
