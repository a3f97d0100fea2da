// GET /incidents: the list, filtered and paginated (docs/pages.md).
#include <algorithm>
#include <cstddef>

#include "exporters/pages/common.h"
#include "exporters/report/range.h"

namespace debriefd {
namespace {

using ctemplate::TemplateDictionary;

constexpr const char* kDebriefStatuses[] = {"pending", "overdue", "done", "waived", "not_required"};

Status Bad(const std::string& field, const std::string& reason) {
  Status s = Status::InvalidArgument(field, reason);
  return s;
}

}  // namespace

Result<IncidentFilter> ParseIncidentFilter(const std::map<std::string, std::string>& query) {
  IncidentFilter f;
  for (const auto& [key, value] : query) {
    if (key.empty()) continue;
    if (key == "state") {
      if (!value.empty() && value != "open" && value != "resolved") return Bad("state", "must be open or resolved");
      f.state = value;
    } else if (key == "service") {
      f.service = value;
    } else if (key == "severity") {
      f.severity = value;
    } else if (key == "debrief") {
      if (!value.empty() && !ParseDebriefStatus(value)) {
        return Bad("debrief", "must be one of pending, overdue, done, waived, not_required");
      }
      f.debrief = value;
    } else if (key == "quarter") {
      if (!value.empty() && !ParseQuarter(value).ok()) return Bad("quarter", "not a quarter like 2026-Q3");
      f.quarter = value;
    } else if (key == "page") {
      size_t page = 0;
      bool digits = !value.empty() && value.size() <= 6 &&
                    std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (digits) page = std::stoul(value);
      if (page == 0) return Bad("page", "must be a page number from 1");
      f.page = page;
    } else {
      return Bad(key.substr(0, 64), "unknown parameter (known: state, service, severity, debrief, quarter, page)");
    }
  }
  return f;
}

std::string RenderIncidentListPage(const IncidentTracker& t, Time now, const IncidentFilter& f,
                                   const PageOptions& options) {
  std::optional<ReportRange> quarter;
  if (!f.quarter.empty()) quarter = ParseQuarter(f.quarter).value();
  std::vector<const Incident*> matching;
  for (const Incident& inc : t.incidents()) {
    if (f.state == "open" && !inc.open) continue;
    if (f.state == "resolved" && inc.open) continue;
    if (!f.service.empty() && inc.service != f.service) continue;
    if (!f.severity.empty() && inc.severity != f.severity) continue;
    if (quarter && (inc.started_at < quarter->from || inc.started_at >= quarter->to)) continue;
    if (!f.debrief.empty() && ToString(t.DebriefOf(inc, now).status) != f.debrief) continue;
    matching.push_back(&inc);
  }
  const size_t pages = std::max<size_t>(1, (matching.size() + kIncidentsPerPage - 1) / kIncidentsPerPage);
  const size_t current = std::min(f.page, pages);
  const size_t first = (current - 1) * kIncidentsPerPage;
  const size_t last = std::min(matching.size(), first + kIncidentsPerPage);
  // Newest start first, and among equal starts the order they were opened:
  // only the incidents up to this page are put in order, so that a first
  // page costs one pass over the incidents even at a large history.
  std::partial_sort(matching.begin(), matching.begin() + static_cast<std::ptrdiff_t>(last), matching.end(),
                    [](const Incident* a, const Incident* b) {
                      return a->started_at != b->started_at ? a->started_at > b->started_at : a < b;
                    });

  pages::Page page("Incidents", options, now);
  TemplateDictionary& d = page.content("incidents.tpl");
  d.SetValue("STATE", f.state);
  d.SetValue("SERVICE", f.service);
  d.SetValue("SEVERITY", f.severity);
  d.SetValue("DEBRIEF", f.debrief);
  d.SetValue("QUARTER", f.quarter);
  for (const auto& [value, label] : {std::pair{"", "all"}, std::pair{"open", "open"}, std::pair{"resolved", "resolved"}}) {
    TemplateDictionary* o = d.AddSectionDictionary("STATE_OPTION");
    o->SetValue("VALUE", value);
    o->SetValue("LABEL", label);
    if (f.state == value) o->ShowSection("SELECTED");
  }
  {
    TemplateDictionary* all = d.AddSectionDictionary("DEBRIEF_OPTION");
    all->SetValue("VALUE", "");
    all->SetValue("LABEL", "any");
    if (f.debrief.empty()) all->ShowSection("SELECTED");
    for (const char* status : kDebriefStatuses) {
      TemplateDictionary* o = d.AddSectionDictionary("DEBRIEF_OPTION");
      o->SetValue("VALUE", status);
      o->SetValue("LABEL", status);
      if (f.debrief == status) o->ShowSection("SELECTED");
    }
  }
  // Every service with an incident has counters, keyed (service, severity)
  // in order: the services, sorted, without a pass over the incidents.
  const std::string* previous = nullptr;
  for (const auto& [key, c] : t.counters()) {
    if (previous != nullptr && *previous == key.first) continue;
    previous = &key.first;
    d.AddSectionDictionary("SERVICE_OPTION")->SetValue("VALUE", key.first);
  }

  d.SetValue("TOTAL", matching.size() == 1 ? "1 incident" : std::to_string(matching.size()) + " incidents");
  if (pages > 1) {
    TemplateDictionary* paged = d.AddSectionDictionary("PAGED");
    paged->SetIntValue("PAGE", static_cast<long>(current));
    paged->SetIntValue("PAGES", static_cast<long>(pages));
  }
  if (current > 1) d.AddSectionDictionary("PREV")->SetIntValue("TO_PAGE", static_cast<long>(current - 1));
  if (current < pages) d.AddSectionDictionary("NEXT")->SetIntValue("TO_PAGE", static_cast<long>(current + 1));

  if (first >= last) d.ShowSection("NO_ROWS");
  if (first < last) {
    TemplateDictionary* rows = d.AddSectionDictionary("ROWS");
    for (size_t i = first; i < last; ++i) {
      const Incident& inc = *matching[i];
      const Clocking clk = t.ClockOf(inc);
      TemplateDictionary* row = rows->AddSectionDictionary("ROW");
      pages::SetId(*row, "ID", inc.id);
      row->SetValue("TITLE", inc.title);
      row->SetValue("SERVICE", inc.service);
      row->SetValue("SEVERITY", inc.severity);
      row->SetValue("STARTED", pages::DisplayTime(inc.started_at));
      row->SetValue("DETECT", pages::DisplayDuration(clk.time_to_detect));
      row->SetValue("DETECT_CLASS", clk.detect_goal_met ? "met" : "missed");
      row->SetValue("FIX", clk.time_to_fix ? pages::DisplayDuration(*clk.time_to_fix) : "open");
      row->SetValue("FIX_CLASS", !clk.fix_goal_met ? "open" : *clk.fix_goal_met ? "met" : "missed");
      row->SetValue("DEBRIEF", ToString(t.DebriefOf(inc, now).status));
    }
  }
  return page.Render();
}

}  // namespace debriefd
