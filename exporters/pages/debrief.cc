// GET /incidents/{id}/debrief.md: the debrief document pre-filled from the
// incident (docs/pages.md, "The debrief document"), as Markdown to paste into
// the team's wiki, or as an HTML page (?format=html).
//
// Both forms come from one filling of the same variables (FillDocument), so
// they cannot say different things; only the templates differ.
#include <cctype>
#include <cstdio>

#include "exporters/pages/common.h"
#include "exporters/report/text.h"

namespace debriefd {
namespace {

using ctemplate::TemplateDictionary;
using report::MarkdownDestination;
using report::MarkdownText;

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// "2 weeks", "10 days", "36 hours": the checkpoint's distance from the debrief.
std::string PeriodText(Duration d) {
  static constexpr const char* kWords[] = {"zero", "one", "two", "three", "four", "five", "six",
                                           "seven", "eight", "nine", "ten", "eleven", "twelve"};
  const int64_t hours = std::chrono::duration_cast<std::chrono::hours>(d).count();
  auto count = [&](int64_t n, const char* unit) {
    std::string out = n >= 0 && n <= 12 ? kWords[n] : std::to_string(n);
    out += ' ';
    out += unit;
    if (n != 1) out += 's';
    return out;
  };
  if (d == std::chrono::hours(hours)) {
    if (hours > 0 && hours % (24 * 7) == 0) return count(hours / (24 * 7), "week");
    if (hours > 0 && hours % 24 == 0) return count(hours / 24, "day");
  }
  return pages::GoalText(d);
}

// The document's values. ctemplate escapes the HTML form for where each value
// lands; it has no Markdown context, so for the Markdown form every value is
// escaped here, as it is set. The dictionary is written only through this
// class, so no value can reach the Markdown template unescaped.
class Doc {
 public:
  Doc(TemplateDictionary* dict, bool markdown, const PageOptions& options)
      : dict_(dict), markdown_(markdown), options_(&options) {}

  void Text(const std::string& name, std::string_view value) {
    dict_->SetValue(name, markdown_ ? MarkdownText(value) : std::string(value));
  }
  void Show(const std::string& section) { dict_->ShowSection(section); }
  // Shows `section` with its VALUE.
  void Value(const std::string& section, std::string_view value) {
    Doc(dict_->AddSectionDictionary(section), markdown_, *options_).Text("VALUE", value);
  }
  Doc Add(const std::string& section) { return Doc(dict_->AddSectionDictionary(section), markdown_, *options_); }

  // An untrusted url: `name`_LINK (a link) only for http and https, else
  // `name`_TEXT (the url as text); `name`_NONE when there is none.
  void Url(const std::string& name, const std::string& url) {
    if (url.empty()) return Show(name + "_NONE");
    const bool link = report::IsWebUrl(url);
    if (markdown_) {
      dict_->SetValue(name, link ? MarkdownDestination(url) : MarkdownText(url));
    } else {
      dict_->SetValue(name, url);
    }
    Show(link ? name + "_LINK" : name + "_TEXT");
  }

  // The page of incident `id`. The HTML page is served by debriefd, so its
  // links are relative to the server (with external_url's path); a pasted
  // Markdown document links only when external_url says where debriefd is.
  void IncidentLink(const std::string& name, const std::string& id) {
    std::string path = "/incidents/";
    path += pages::UrlPathSegment(id);
    if (!markdown_) {
      dict_->SetValue(name, pages::BasePath(*options_) + path);
      return Show(name + "_LINK");
    }
    const std::string base = pages::AbsoluteBase(*options_);
    if (!report::IsWebUrl(base)) return Show(name + "_NONE");
    dict_->SetValue(name, MarkdownDestination(base + path));
    Show(name + "_LINK");
  }

 private:
  TemplateDictionary* dict_;
  bool markdown_;
  const PageOptions* options_;
};

const char* AnswerClass(std::optional<bool> yes) {
  if (!yes) return "unknown";
  return *yes ? "yes" : "no";
}

void FillDocument(Doc d, const IncidentTracker& t, const Incident& inc, Time now) {
  const IncidentView v = ViewOf(t, inc, now);
  const pages::Answers answers = pages::AnswersOf(v, now);

  // Facts.
  d.Text("TITLE", inc.title);
  d.Text("ID", inc.id);
  d.IncidentLink("INCIDENT", inc.id);
  d.Text("SERVICE", inc.service);
  d.Text("SEVERITY", inc.severity);
  d.Text("KEY", inc.key);
  d.Text("STATE", inc.open ? "open" : "resolved");
  d.Text("GENERATED_AT", pages::DisplayTime(now));
  d.Text("STARTED", pages::DisplayTime(v.clocking.started_at));
  d.Text("DETECTED", pages::DisplayTime(inc.detected_at));
  if (inc.resolved_at && !inc.open) {
    d.Value("RESOLVED", pages::DisplayTime(*inc.resolved_at));
  } else {
    d.Show("NOT_RESOLVED");
  }
  d.Text("DEBRIEF_STATUS", ToString(v.debrief.status));
  if (v.debrief.due_at && !v.debrief.completed_at) d.Value("DEBRIEF_DUE", pages::DisplayTime(*v.debrief.due_at));
  if (v.debrief.completed_at) d.Value("DEBRIEF_DONE", pages::DisplayTime(*v.debrief.completed_at));
  d.Url("DEBRIEF_URL", inc.debrief().debrief_url);
  if (inc.debrief().debrief_waived_at) d.Value("WAIVED", inc.debrief().debrief_waive_reason);

  // The three questions.
  d.Text("DETECT_QUESTION", answers.detect_question);
  d.Text("DETECT_ANSWER", answers.detect);
  d.Text("DETECT_CLASS", AnswerClass(answers.detect_met));
  d.Text("FIX_QUESTION", answers.fix_question);
  d.Text("FIX_ANSWER", answers.fix);
  d.Text("FIX_CLASS", AnswerClass(answers.fix_met));
  d.Text("ACT_ANSWER", answers.act);
  // Only "it resolved by itself" is a signal (a noisy alert), as on the incident page.
  d.Text("ACT_CLASS", answers.acted ? (*answers.acted ? "acted" : "no") : "unknown");
  d.Text("GOAL_DETECT", pages::GoalText(v.goals.detect));
  d.Text("GOAL_FIX", pages::GoalText(v.goals.fix));

  // The timeline from the real start.
  for (const pages::Step& s : pages::TimelineOf(t, v)) {
    Doc row = d.Add("STEP");
    row.Text("TIME", pages::DisplayTime(s.time));
    row.Text("OFFSET", pages::Offset(s.time - v.clocking.started_at));
    row.Text("WHAT", s.what);
    row.Text("KIND", s.kind);
    row.Text("DETAIL", s.detail);
    row.Url("URL", s.url);
  }

  // Impact: what the debrief recorded, else a blank to fill in.
  const std::optional<Impact>& impact = inc.debrief().impact;
  auto impact_row = [&](const char* label, std::optional<std::string> value) {
    Doc row = d.Add("IMPACT_ROW");
    row.Text("LABEL", label);
    if (value && !value->empty()) {
      row.Value("HAS_VALUE", *value);
    } else {
      row.Show("TO_FILL");
    }
  };
  impact_row("Customers affected", impact && impact->customers_affected
                                       ? std::optional(Number(*impact->customers_affected))
                                       : std::nullopt);
  impact_row("Cost", impact && impact->cost ? std::optional(Number(*impact->cost)) : std::nullopt);
  impact_row("Summary", impact ? std::optional(impact->summary) : std::nullopt);

  // The cause: confirmed by the debrief, else suspected.
  const ChangeEvent* cause = v.confirmed_cause ? v.confirmed_cause : v.suspected_cause;
  if (cause != nullptr) {
    Doc c = d.Add("CAUSE");
    c.Text("CAUSE_STATE", v.confirmed_cause ? "Confirmed by the debrief" : "Suspected");
    std::string text = cause->kind.empty() ? "change" : cause->kind;
    text += ' ';
    text += cause->id;
    text += " of ";
    text += cause->service;
    if (!cause->version.empty()) {
      text += " (";
      text += cause->version;
      text += ')';
    }
    c.Text("CAUSE_TEXT", text);
    c.Url("CAUSE_URL", cause->url);
    c.Text("CAUSE_TIME", pages::DisplayTime(cause->time));
    c.Text("CAUSE_OFFSET", pages::Offset(cause->time - v.clocking.started_at));
    if (!cause->description.empty()) c.Value("CAUSE_DESCRIPTION", cause->description);
  } else {
    Doc c = d.Add("NO_CAUSE");
    c.Text("WINDOW", pages::GoalText(t.policy().cause_window));
  }

  // "Never twice": what it repeats, and the earlier incidents with its key
  // (the latest 20, as on the incident page: a document to paste stays short).
  if (inc.repeat_of) {
    Doc r = d.Add("REPEAT");
    r.Text("REPEAT_OF", *inc.repeat_of);
    r.IncidentLink("REPEAT_OF_URL", *inc.repeat_of);
  }
  const pages::SameKey same = pages::SameKeyOf(t, inc);
  if (same.earlier.empty()) {
    d.Show("NO_EARLIER");
  } else {
    Doc e = d.Add("EARLIER");
    if (same.earlier_total > same.earlier.size()) {
      e.Add("EARLIER_MORE").Text("COUNT", std::to_string(same.earlier_total - same.earlier.size()));
    }
    // Newest first: the last time is the one the reader remembers.
    for (const Incident* other : same.earlier) {
      Doc row = e.Add("EARLIER_ROW");
      row.Text("ID", other->id);
      row.IncidentLink("URL", other->id);
      row.Text("TITLE", other->title);
      row.Text("STARTED", pages::DisplayTime(t.ClockOf(*other).started_at));
      row.Text("DEBRIEF", ToString(t.DebriefOf(*other, now).status));
      row.Text("ITEMS_OPEN", std::to_string(ViewOf(t, *other, now).action_items_open));
    }
  }

  // Action items.
  if (v.action_items.empty()) {
    d.Show("NO_ITEMS");
    // How an issue becomes this incident's action item (docs/debrief-loop.md).
    const Policy& policy = t.policy();
    std::string incident_label = policy.action_item_incident_label;
    if (size_t at = incident_label.find("{id}"); at != std::string::npos) incident_label.replace(at, 4, inc.id);
    d.Text("ITEM_LABEL", policy.action_item_label);
    d.Text("ITEM_INCIDENT_LABEL", incident_label);
  } else {
    Doc items = d.Add("ITEMS");
    for (const ActionItem* item : v.action_items) {
      Doc row = items.Add("ITEM");
      row.Text("ID", item->id);
      row.Text("TITLE", item->title);
      row.Text("STATE", item->OverdueAt(now) ? "overdue" : ToString(item->state()));
      row.Text("DUE", pages::DisplayTime(item->due_at));
      row.Url("URL", item->url);
    }
  }

  // The checkpoint that reviews them.
  const std::string period = PeriodText(t.policy().checkpoint_after);
  d.Text("CHECKPOINT_STATUS", ToString(v.checkpoint.status));
  d.Text("CHECKPOINT_PERIOD", period);
  if (v.checkpoint.completed_at) {
    Doc c = d.Add("CHECKPOINT_DONE");
    c.Text("VALUE", pages::DisplayTime(*v.checkpoint.completed_at));
    if (!inc.debrief().checkpoint_notes.empty()) c.Value("NOTES", inc.debrief().checkpoint_notes);
  } else if (v.checkpoint.due_at) {
    d.Value("CHECKPOINT_DUE", pages::DisplayTime(*v.checkpoint.due_at));
  } else {
    d.Show("CHECKPOINT_LATER");
  }
}

}  // namespace

std::string RenderDebriefMarkdown(const IncidentTracker& t, const Incident& inc, Time now,
                                  const PageOptions& options) {
  TemplateDictionary dict("debrief.md");
  FillDocument(Doc(&dict, true, options), t, inc, now);
  return pages::Expand("debrief.md.tpl", dict);
}

std::string RenderDebriefHtml(const IncidentTracker& t, const Incident& inc, Time now, const PageOptions& options) {
  std::string title = "Debrief: ";
  title += inc.title;
  title += " (";
  title += inc.id;
  title += ')';
  pages::Page page(title, options, now);
  TemplateDictionary& content = page.content("debrief.html.tpl");
  FillDocument(Doc(&content, false, options), t, inc, now);
  // The same document as Markdown, to copy into the wiki.
  std::string markdown = pages::BasePath(options);
  markdown += "/incidents/";
  markdown += pages::UrlPathSegment(inc.id);
  markdown += "/debrief.md";
  content.SetValue("MARKDOWN_URL", markdown);
  return page.Render();
}

}  // namespace debriefd
