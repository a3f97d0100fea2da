// GET /incidents/{id}: the page to share (docs/pages.md, "The incident page").
#include <algorithm>
#include <cstdio>

#include "exporters/pages/common.h"

namespace debriefd {
namespace {

using pages::Step;
using ctemplate::TemplateDictionary;

const char* AnswerClass(std::optional<bool> yes) {
  if (!yes) return "unknown";
  return *yes ? "yes" : "no";
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// The inline time axis of the incident's life: from the first step (the
// cause, or the start) to its resolution or the fix goal, whichever is later.
// Steps after that (the debrief, items) are in the list below it. Only the
// moments the questions are about carry a label; every mark has a tooltip.
void SetAxis(TemplateDictionary& d, const std::vector<Step>& steps, const IncidentView& v, Time now) {
  constexpr double kLeft = 40, kRight = 960;
  const Incident& inc = *v.incident;
  const Time start = v.clocking.started_at;
  // The incident's life: the steps up to its resolution (the debrief and the
  // items come later); an open incident's axis ends at its latest step or the
  // fix goal, not at now, so that days of waiting do not squash its first hour.
  auto life = [&](const Step& s) {
    return s.kind != "debrief" && s.kind != "checkpoint" && s.kind != "item" &&
           (!inc.resolved_at || s.time <= *inc.resolved_at);
  };
  Time first = start, last = start + v.goals.fix;
  for (const Step& s : steps) {
    first = std::min(first, s.time);
    if (life(s)) last = std::max(last, s.time);
  }
  last = last + (last - first) / 20;  // room for the last label
  const double span = std::max<double>(1, static_cast<double>((last - first).count()));
  auto pos = [&](Time t) { return kLeft + (kRight - kLeft) * static_cast<double>((t - first).count()) / span; };
  for (const auto& [offset, label, color] :
       {std::tuple{v.goals.detect, "detect goal", "#9a6700"}, std::tuple{v.goals.fix, "fix goal", "#cf222e"}}) {
    TemplateDictionary* m = d.AddSectionDictionary("GOAL_MARK");
    m->SetValue("X", Number(pos(start + offset)));
    m->SetValue("LABEL", std::string(label) + " (" + pages::GoalText(offset) + ")");
    m->SetValue("COLOR", color);
  }
  int row = 0;
  for (const Step& s : steps) {
    if (s.time > last || !life(s)) continue;
    // The onset coincides with a confirmed cause: the cause's mark says it.
    if (s.kind == "onset" && !steps.empty() && steps.front().kind == "cause" && steps.front().time == s.time) continue;
    const bool labelled = s.kind == "cause" || s.kind == "detect" || s.kind == "ack" || s.kind == "mitigate" ||
                          s.kind == "resolve" || s.kind == "reopen";
    TemplateDictionary* m = d.AddSectionDictionary("AXIS_MARK");
    const double x = pos(s.time);
    m->SetValue("X", Number(x));
    m->SetValue("LABEL", s.what + " at " + pages::DisplayTime(s.time));
    const bool bad = s.kind == "cause" || s.kind == "alert" || s.kind == "reopen";
    m->SetValue("COLOR", bad ? "#cf222e" : s.kind == "resolve" ? "#1a7f37" : "#0550ae");
    if (!labelled) continue;
    // Three rows of labels, in turn, so that neighbours stay legible.
    TemplateDictionary* text = m->AddSectionDictionary("AXIS_LABEL");
    text->SetIntValue("Y", 80 + 18 * (row++ % 3));
    text->SetValue("ANCHOR", x < 140 ? "start" : x > 860 ? "end" : "middle");
    std::string word = s.what.substr(0, s.what.find(' '));
    if (s.kind == "cause") word = "cause";
    text->SetValue("SHORT", word + " " + pages::Offset(s.time - start));
  }
  d.SetIntValue("AXIS_HEIGHT", 130);
}

void SetUrl(TemplateDictionary& d, const std::string& url) {
  if (url.empty()) {
    d.ShowSection("NO_URL");
  } else {
    pages::SetLink(d, "URL", url);
  }
}

}  // namespace

std::string RenderIncidentPage(const IncidentTracker& t, const Incident& inc, Time now, const PageOptions& options) {
  const IncidentView v = ViewOf(t, inc, now);
  const pages::Answers answers = pages::AnswersOf(v, now);
  pages::Page page(inc.title + " (" + inc.id + ")", options, now);
  TemplateDictionary& d = page.content("incident.tpl");
  d.SetValue("TITLE", inc.title);
  pages::SetId(d, "ID", inc.id);
  d.SetValue("SERVICE", inc.service);
  d.SetValue("SEVERITY", inc.severity);
  d.SetValue("KEY", inc.key);
  d.SetValue("STATE", inc.open ? "open" : "resolved");
  if (inc.repeat_of) {
    d.ShowSection("REPEAT");
    pages::SetId(d, "REPEAT_OF", *inc.repeat_of);
  }
  d.SetValue("DETECT_QUESTION", answers.detect_question);
  d.SetValue("DETECT_ANSWER", answers.detect);
  d.SetValue("DETECT_CLASS", AnswerClass(answers.detect_met));
  d.SetValue("FIX_QUESTION", answers.fix_question);
  d.SetValue("FIX_ANSWER", answers.fix);
  d.SetValue("FIX_CLASS", AnswerClass(answers.fix_met));
  d.SetValue("ACT_ANSWER", answers.act);
  // "Yes, we acted" is neither good nor bad: only "it resolved by itself" is
  // the signal (a noisy alert), so it alone is marked.
  d.SetValue("ACT_CLASS", answers.acted ? (*answers.acted ? "acted" : "no") : "unknown");
  d.SetValue("GOAL_DETECT", pages::GoalText(v.goals.detect));
  d.SetValue("GOAL_FIX", pages::GoalText(v.goals.fix));
  d.SetValue("STARTED_AT", pages::DisplayTime(v.clocking.started_at));

  const std::vector<Step> steps = pages::TimelineOf(t, v);
  SetAxis(d, steps, v, now);
  for (const Step& s : steps) {
    TemplateDictionary* row = d.AddSectionDictionary("STEP");
    row->SetValue("TIME", pages::DisplayTime(s.time));
    row->SetValue("OFFSET", pages::Offset(s.time - v.clocking.started_at));
    row->SetValue("WHAT", s.what);
    row->SetValue("KIND", s.kind);
    if (!s.detail.empty()) {
      row->ShowSection("HAS_DETAIL");
      row->SetValue("DETAIL", s.detail);
    }
    SetUrl(*row, s.url);
  }

  if (inc.debrief().impact) {
    TemplateDictionary* impact = d.AddSectionDictionary("IMPACT");
    if (inc.debrief().impact->customers_affected) {
      impact->SetValueAndShowSection("VALUE", Number(*inc.debrief().impact->customers_affected), "CUSTOMERS");
    }
    if (inc.debrief().impact->cost) impact->SetValueAndShowSection("VALUE", Number(*inc.debrief().impact->cost), "COST");
    if (!inc.debrief().impact->summary.empty()) impact->SetValueAndShowSection("VALUE", inc.debrief().impact->summary, "SUMMARY");
  } else {
    d.ShowSection("NO_IMPACT");
  }

  const ChangeEvent* cause = v.confirmed_cause ? v.confirmed_cause : v.suspected_cause;
  if (cause != nullptr) {
    TemplateDictionary* c = d.AddSectionDictionary("CAUSE");
    c->SetValue("CAUSE_STATE", v.confirmed_cause ? "Confirmed by the debrief" : "Suspected");
    std::string text = cause->kind + " " + cause->id + " of " + cause->service;
    if (!cause->version.empty()) text += " (" + cause->version + ")";
    c->SetValue("CAUSE_TEXT", text);
    if (cause->url.empty()) {
      c->ShowSection("CAUSE_NO_URL");
    } else {
      pages::SetLink(*c, "CAUSE_URL", cause->url);
    }
    c->SetValue("CAUSE_TIME", pages::DisplayTime(cause->time));
    c->SetValue("CAUSE_OFFSET", pages::Offset(cause->time - v.clocking.started_at));
    if (!cause->description.empty()) c->SetValueAndShowSection("VALUE", cause->description, "CAUSE_DESCRIPTION");
  } else {
    d.ShowSection("NO_CAUSE");
  }

  // "Never twice": the earlier incidents with the same key, and whether it
  // happened again after this one (the fix did not hold, or was not done yet).
  const pages::SameKey same = pages::SameKeyOf(t, inc);
  if (!same.later.empty()) {
    TemplateDictionary* l = d.AddSectionDictionary("LATER");
    l->SetIntValue("LATER_COUNT", static_cast<long>(same.later.size()));
    pages::SetId(*l, "FIRST_LATER", same.later.front()->id);
    l->SetValue("FIRST_LATER_STARTED", pages::DisplayTime(same.later.front()->started_at));
  }
  if (same.earlier.empty()) {
    d.ShowSection("NO_EARLIER");
  } else {
    TemplateDictionary* e = d.AddSectionDictionary("EARLIER");
    e->SetIntValue("EARLIER_COUNT", static_cast<long>(same.earlier_total));
    if (same.earlier_total > same.earlier.size()) {
      e->AddSectionDictionary("EARLIER_MORE")
          ->SetIntValue("COUNT", static_cast<long>(same.earlier_total - same.earlier.size()));
    }
    for (const Incident* other : same.earlier) {
      TemplateDictionary* row = e->AddSectionDictionary("EARLIER_ROW");
      pages::SetId(*row, "ID", other->id);
      row->SetValue("TITLE", other->title);
      row->SetValue("STARTED", pages::DisplayTime(other->started_at));
      row->SetValue("DEBRIEF", ToString(t.DebriefOf(*other, now).status));
    }
  }

  d.SetValue("DEBRIEF_STATUS", ToString(v.debrief.status));
  if (v.debrief.due_at && !v.debrief.completed_at) {
    d.SetValueAndShowSection("VALUE", pages::DisplayTime(*v.debrief.due_at), "DEBRIEF_DUE");
  }
  if (v.debrief.completed_at) {
    d.SetValueAndShowSection("VALUE", pages::DisplayTime(*v.debrief.completed_at), "DEBRIEF_DONE");
  }
  pages::SetLink(d, "DEBRIEF_URL", inc.debrief().debrief_url);
  if (inc.debrief().debrief_waived_at) d.SetValueAndShowSection("VALUE", inc.debrief().debrief_waive_reason, "WAIVED");
  d.SetValue("CHECKPOINT_STATUS", ToString(v.checkpoint.status));
  if (v.checkpoint.due_at && !v.checkpoint.completed_at) {
    d.SetValueAndShowSection("VALUE", pages::DisplayTime(*v.checkpoint.due_at), "CHECKPOINT_DUE");
  }
  if (v.checkpoint.completed_at) {
    d.SetValueAndShowSection("VALUE", pages::DisplayTime(*v.checkpoint.completed_at), "CHECKPOINT_DONE");
  }
  if (!inc.debrief().checkpoint_notes.empty()) d.SetValueAndShowSection("VALUE", inc.debrief().checkpoint_notes, "CHECKPOINT_NOTES");

  if (v.action_items.empty()) {
    d.ShowSection("NO_ITEMS");
  } else {
    TemplateDictionary* items = d.AddSectionDictionary("ITEMS");
    for (const ActionItem* item : v.action_items) {
      TemplateDictionary* row = items->AddSectionDictionary("ITEM");
      pages::SetId(*row, "ID", item->id);
      row->SetValue("TITLE", item->title);
      row->SetValue("STATE", item->OverdueAt(now) ? "overdue" : ToString(item->state()));
      row->SetValue("DUE", pages::DisplayTime(item->due_at));
      SetUrl(*row, item->url);
    }
  }
  return page.Render();
}

}  // namespace debriefd
