// GET /: where the team stands (docs/pages.md, "The home page").
#include <algorithm>
#include <span>

#include "exporters/pages/common.h"
#include "exporters/report/model.h"
#include "exporters/report/text.h"

namespace debriefd {
namespace {

using ctemplate::TemplateDictionary;

// Debriefs due within this long are "due soon".
constexpr Duration kDueSoon = std::chrono::hours(48);
// Rows per list: the page stays a glance (and fast) at any history size; the
// rest is counted, and the list page or the API has them all.
constexpr size_t kRows = 25;

// Shows "and N more" under a list of `total` rows cut at kRows.
void More(TemplateDictionary& d, const char* section, size_t total) {
  if (total <= kRows) return;
  d.AddSectionDictionary(section)->SetIntValue("COUNT", static_cast<long>(total - kRows));
}

std::string Share(const std::optional<double>& ratio) { return ratio ? report::Percent(*ratio) : "–"; }

void SetItemLink(TemplateDictionary& row, const std::string& url) {
  if (url.empty()) {
    row.ShowSection("NO_URL");
  } else {
    pages::SetLink(row, "URL", url);
  }
}

}  // namespace

std::string RenderHomePage(const IncidentTracker& t, Time now, const PageOptions& options) {
  pages::Page page("Where we stand", options, now);
  TemplateDictionary& d = page.content("home.tpl");

  // The goals beside last quarter's: the quarterly review's own figures.
  const ReportRange quarter = ParseQuarter(pages::QuarterLabelOf(now)).value();
  const Report review = BuildReport(t, now, quarter);
  d.SetValue("QUARTER", review.range.label);
  d.SetValue("PREVIOUS_QUARTER", review.previous_range.label);
  d.SetValue("DETECT_NOW", Share(review.summary.detect_goal_attainment));
  d.SetValue("DETECT_BEFORE", Share(review.previous_summary.detect_goal_attainment));
  d.SetValue("FIX_NOW", Share(review.summary.fix_goal_attainment));
  d.SetValue("FIX_BEFORE", Share(review.previous_summary.fix_goal_attainment));
  d.SetIntValue("REPEATS", static_cast<long>(review.summary.repeats));
  d.SetIntValue("REPEATS_BEFORE", static_cast<long>(review.previous_summary.repeats));
  d.SetValue("SOON", pages::DisplayDuration(kDueSoon));

  struct Due {
    const Incident* inc;
    Time due;
    const char* status;
  };
  std::vector<const Incident*> open;
  std::vector<Due> debriefs, checkpoints;
  for (const Incident& inc : t.incidents()) {
    if (inc.open) open.push_back(&inc);
    const DebriefView dv = t.DebriefOf(inc, now);
    if (dv.due_at && (dv.status == DebriefStatus::kOverdue ||
                      (dv.status == DebriefStatus::kPending && !inc.open && *dv.due_at - now <= kDueSoon))) {
      debriefs.push_back({&inc, *dv.due_at, ToString(dv.status)});
    }
    const CheckpointView cv = t.CheckpointAt(inc, now);
    if (cv.due_at && (cv.status == CheckpointStatus::kOverdue || cv.status == CheckpointStatus::kPending)) {
      checkpoints.push_back({&inc, *cv.due_at, ToString(cv.status)});
    }
  }
  // Newest first; overdue (earliest due) first.
  std::sort(open.begin(), open.end(), [](const Incident* a, const Incident* b) { return a->started_at > b->started_at; });
  auto by_due = [](const Due& a, const Due& b) { return a.due < b.due; };
  std::sort(debriefs.begin(), debriefs.end(), by_due);
  std::sort(checkpoints.begin(), checkpoints.end(), by_due);

  d.SetIntValue("OPEN_COUNT", static_cast<long>(open.size()));
  if (open.empty()) d.ShowSection("NO_OPEN");
  if (!open.empty()) {
    TemplateDictionary* s = d.AddSectionDictionary("OPEN");
    for (const Incident* inc : std::span(open).first(std::min(open.size(), kRows))) {
      TemplateDictionary* row = s->AddSectionDictionary("ROW");
      pages::SetId(*row, "ID", inc->id);
      row->SetValue("TITLE", inc->title);
      row->SetValue("SERVICE", inc->service);
      row->SetValue("SEVERITY", inc->severity);
      row->SetValue("STARTED", pages::DisplayTime(inc->started_at));
      row->SetValue("AGE", pages::DisplayDuration(now - inc->started_at));
    }
  }
  if (debriefs.empty()) d.ShowSection("NO_DEBRIEFS");
  if (!debriefs.empty()) {
    TemplateDictionary* s = d.AddSectionDictionary("DEBRIEFS");
    for (const Due& due : std::span(debriefs).first(std::min(debriefs.size(), kRows))) {
      TemplateDictionary* row = s->AddSectionDictionary("ROW");
      pages::SetId(*row, "ID", due.inc->id);
      row->SetValue("TITLE", due.inc->title);
      row->SetValue("SERVICE", due.inc->service);
      row->SetValue("STATUS", due.status);
      row->SetValue("DUE", pages::DisplayTime(due.due));
      row->SetValue("WHEN", due.due < now ? pages::DisplayDuration(now - due.due) + " ago"
                                          : "in " + pages::DisplayDuration(due.due - now));
    }
  }
  if (checkpoints.empty()) d.ShowSection("NO_CHECKPOINTS");
  if (!checkpoints.empty()) {
    TemplateDictionary* s = d.AddSectionDictionary("CHECKPOINTS");
    for (const Due& due : std::span(checkpoints).first(std::min(checkpoints.size(), kRows))) {
      TemplateDictionary* row = s->AddSectionDictionary("ROW");
      pages::SetId(*row, "ID", due.inc->id);
      row->SetValue("TITLE", due.inc->title);
      row->SetValue("STATUS", due.status);
      row->SetValue("DUE", pages::DisplayTime(due.due));
    }
  }

  std::vector<const ActionItem*> items;
  for (const auto& [id, item] : t.action_items()) {
    if (item.open()) items.push_back(&item);
  }
  std::sort(items.begin(), items.end(), [now](const ActionItem* a, const ActionItem* b) {
    if (a->OverdueAt(now) != b->OverdueAt(now)) return a->OverdueAt(now);
    if (a->due_at != b->due_at) return a->due_at < b->due_at;
    return a->id < b->id;
  });
  if (items.empty()) d.ShowSection("NO_ITEMS");
  if (!items.empty()) {
    TemplateDictionary* s = d.AddSectionDictionary("ITEMS");
    for (const ActionItem* item : std::span(items).first(std::min(items.size(), kRows))) {
      TemplateDictionary* row = s->AddSectionDictionary("ROW");
      pages::SetId(*row, "ID", item->id);
      row->SetValue("TITLE", item->title);
      row->SetValue("SERVICE", item->service);
      row->SetValue("DUE", pages::DisplayTime(item->due_at));
      row->SetValue("STATE", item->OverdueAt(now) ? "overdue" : "open");
      if (item->OverdueAt(now)) row->ShowSection("OVERDUE");
      if (item->linked()) {
        pages::SetId(*row->AddSectionDictionary("LINKED"), "INCIDENT", item->incident_id);
      } else {
        row->ShowSection("UNLINKED");
      }
      SetItemLink(*row, item->url);
    }
  }

  bool any_repeat = false;
  size_t repeat_count = 0;
  TemplateDictionary* repeats = nullptr;
  for (auto it = t.incidents().rbegin(); it != t.incidents().rend(); ++it) {
    const Incident& inc = *it;
    if (!inc.repeat_of || inc.started_at < quarter.from || inc.started_at >= quarter.to) continue;
    if (++repeat_count > kRows) continue;
    if (!any_repeat) repeats = d.AddSectionDictionary("REPEAT_LIST");
    any_repeat = true;
    TemplateDictionary* row = repeats->AddSectionDictionary("ROW");
    pages::SetId(*row, "ID", inc.id);
    row->SetValue("TITLE", inc.title);
    pages::SetId(*row, "REPEAT_OF", *inc.repeat_of);
    row->SetValue("STARTED", pages::DisplayTime(inc.started_at));
  }
  if (!any_repeat) d.ShowSection("NO_REPEATS");
  More(d, "MORE_OPEN", open.size());
  More(d, "MORE_DEBRIEFS", debriefs.size());
  More(d, "MORE_CHECKPOINTS", checkpoints.size());
  More(d, "MORE_ITEMS", items.size());
  More(d, "MORE_REPEATS", repeat_count);
  return page.Render();
}

}  // namespace debriefd
