#include "exporters/pages/common.h"

#include <algorithm>
#include <cstdio>
#include <mutex>

namespace debriefd::pages {
namespace {

// Registers every embedded template in ctemplate's cache once.
void LoadTemplates() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const auto& [name, text] : EmbeddedFiles()) {
      if (!name.ends_with(".tpl")) continue;
      ctemplate::StringToTemplateCache(std::string(name), text.data(), text.size(), ctemplate::DO_NOT_STRIP);
    }
  });
}

std::string Plural(int64_t n, const char* unit) {
  std::string out = std::to_string(n);
  out += ' ';
  out += unit;
  if (n != 1) out += 's';
  return out;
}

}  // namespace

std::string Expand(const std::string& name, const ctemplate::TemplateDictionary& dict) {
  LoadTemplates();
  std::string out;
  // A template that fails to load or expand is a bug in debriefd's own files,
  // caught by the page tests; the page is then empty rather than half written.
  if (!ctemplate::ExpandTemplate(name, ctemplate::DO_NOT_STRIP, &dict, &out)) return "";
  return out;
}

Page::Page(std::string title, const PageOptions& options, Time now) : dict_("page") {
  dict_.SetValue("TITLE", title);
  // Template-global: included templates see them too (an include dictionary
  // inherits nothing from its parent).
  dict_.SetTemplateGlobalValue("BASE", BasePath(options));
  dict_.SetTemplateGlobalValue("GENERATED_AT", DisplayTime(now));
}

ctemplate::TemplateDictionary& Page::content(const std::string& template_name) {
  ctemplate::TemplateDictionary* content = dict_.AddIncludeDictionary("CONTENT");
  content->SetFilename(template_name);
  return *content;
}

std::string Page::Render() const { return Expand("layout.tpl", dict_); }

std::string AbsoluteBase(const PageOptions& options) {
  std::string base = options.external_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string BasePath(const PageOptions& options) {
  const std::string base = AbsoluteBase(options);
  const size_t scheme = base.find("://");
  if (scheme == std::string::npos) return "";
  const size_t path = base.find('/', scheme + 3);
  return path == std::string::npos ? "" : base.substr(path);
}

void SetLink(ctemplate::TemplateDictionary& dict, const std::string& name, const std::string& url) {
  if (url.empty()) return;
  dict.SetValue(name, url);
  dict.ShowSection(IsWebUrl(url) ? name + "_LINK" : name + "_TEXT");
}

std::string UrlPathSegment(std::string_view id) {
  std::string out;
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      report::PercentEncode(out, u);
    }
  }
  return out;
}

void SetId(ctemplate::TemplateDictionary& dict, const std::string& name, const std::string& id) {
  dict.SetValue(name, id);
  dict.SetValue(name + "_PATH", UrlPathSegment(id));
}

std::string DisplayTime(Time t) {
  std::string s = FormatRfc3339(t);  // 2026-11-02T10:00:05Z or with .123Z
  return s.substr(0, 10) + " " + s.substr(11, 8) + " UTC";
}

std::string DisplayDuration(Duration d) {
  int64_t s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 0) s = -s;
  auto two = [](int64_t big, const char* bu, int64_t small, const char* su) {
    std::string out = std::to_string(big) + " " + bu;
    if (small != 0) out += " " + std::to_string(small) + " " + su;
    return out;
  };
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return two(s / 60, "min", s % 60, "s");
  if (s < 86400) return two(s / 3600, "h", (s % 3600) / 60, "min");
  return two(s / 86400, "d", (s % 86400) / 3600, "h");
}

std::string Offset(Duration d) {
  if (d.count() == 0) return "0 s";
  return (d.count() < 0 ? "−" : "+") + DisplayDuration(d);
}

std::string GoalText(Duration d) {
  const int64_t s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s == 3600) return "an hour";
  if (s % 3600 == 0) return Plural(s / 3600, "hour");
  if (s % 60 == 0) return Plural(s / 60, "minute");
  return Plural(s, "second");
}

Answers AnswersOf(const IncidentView& v, Time now) {
  const Incident& inc = *v.incident;
  Answers a;
  a.detect_question = "Identified within " + GoalText(v.goals.detect) + "?";
  a.detect_met = v.clocking.detect_goal_met;
  a.detect = std::string(a.detect_met ? "Yes" : "No") + " — " + DisplayDuration(v.clocking.time_to_detect);
  a.fix_question = "Fixed within " + GoalText(v.goals.fix) + "?";
  a.fix_met = v.clocking.fix_goal_met;
  if (v.clocking.time_to_fix) {
    a.fix = std::string(*a.fix_met ? "Yes" : "No") + " — " + DisplayDuration(*v.clocking.time_to_fix);
  } else {
    const bool late = now - v.clocking.started_at > v.goals.fix;
    a.fix = std::string(late ? "No" : "Not yet") + " — open for " + DisplayDuration(now - v.clocking.started_at);
    if (late) a.fix_met = false;
  }
  if (inc.human_action) {
    a.acted = true;
    if (inc.acknowledged_at) {
      a.act = "Yes — acknowledged at " + DisplayTime(*inc.acknowledged_at);
    } else if (inc.declared_at) {
      a.act = "Yes — declared at " + DisplayTime(*inc.declared_at);
    } else if (inc.mitigated_at) {
      a.act = "Yes — mitigated at " + DisplayTime(*inc.mitigated_at);
    } else {
      a.act = "Yes — a person resolved it";
    }
  } else if (!inc.open) {
    a.acted = false;
    a.act = "No — it resolved by itself";
  } else {
    a.act = "Not yet known — nobody has acted so far";
  }
  return a;
}

namespace {

std::string ChangeText(const ChangeEvent& c) {
  std::string out = c.kind.empty() ? "Change" : c.kind;
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  out += " of " + c.service;
  if (!c.version.empty()) out += " " + c.version;
  return out;
}

}  // namespace

std::vector<Step> TimelineOf(const IncidentTracker& t, const IncidentView& v) {
  const Incident& inc = *v.incident;
  std::vector<Step> steps;
  if (v.confirmed_cause) {
    steps.push_back({v.confirmed_cause->time, ChangeText(*v.confirmed_cause) + " (confirmed cause)", "cause",
                     v.confirmed_cause->description, v.confirmed_cause->url});
  } else if (v.suspected_cause) {
    steps.push_back({v.suspected_cause->time, ChangeText(*v.suspected_cause) + " (suspected cause)", "cause",
                     v.suspected_cause->description, v.suspected_cause->url});
  }
  steps.push_back({v.clocking.started_at, "Impact began", "onset", "the real start: times below count from it", ""});
  for (const AlertDetail& a : inc.AlertDetails()) {
    if (a.onset < a.starts_at) {
      steps.push_back({a.onset, "Alert " + a.alertname + " condition began", "alert",
                       "its rule waited " + DisplayDuration(a.starts_at - a.onset) + " before firing", ""});
    }
    steps.push_back({a.starts_at, "Alert " + a.alertname + " firing", "alert", a.summary, a.generator_url});
    if (a.ends_at && a.resolved) steps.push_back({*a.ends_at, "Alert " + a.alertname + " resolved", "alert", "", ""});
  }
  steps.push_back({inc.detected_at, "Detected", "detect",
                   "time to detect " + DisplayDuration(v.clocking.time_to_detect), ""});
  for (const TimelineEntry& e : inc.Timeline()) {
    Step s{e.time, "", "", "", ""};
    if (e.kind == "incident.declared") {
      s = {e.time, "Declared", "detect", e.detail, ""};
    } else if (e.kind == "incident.acknowledged") {
      s = {e.time, "Acknowledged", "ack", "", ""};
    } else if (e.kind == "incident.mitigated") {
      s = {e.time, "Mitigated", "mitigate", "", ""};
    } else if (e.kind == "incident.resolved" || e.kind == "resolved") {
      s = {e.time, e.kind == "resolved" ? "Resolved (every alert resolved)" : "Resolved", "resolve", "", ""};
    } else if (e.kind == "reopened") {
      s = {e.time, "Reopened", "reopen", e.detail, ""};
    } else if (e.kind == "debrief.completed") {
      s = {e.time, "Debrief held", "debrief", "", e.detail};
    } else if (e.kind == "debrief.updated") {
      s = {e.time, "Debrief updated", "debrief", e.detail, ""};
    } else if (e.kind == "debrief.waived") {
      s = {e.time, "Debrief waived", "debrief", e.detail, ""};
    } else if (e.kind == "checkpoint.completed") {
      s = {e.time, "Checkpoint held", "checkpoint", e.detail, ""};
    } else if (e.kind.starts_with("action_item.")) {
      std::string verb = e.kind.substr(std::string("action_item.").size());
      std::string url;
      if (auto it = t.action_items().find(e.detail); it != t.action_items().end()) url = it->second.url;
      s = {e.time, "Action item " + e.detail + " " + verb, "item", "", url};
    } else {
      continue;  // alert.firing and alert.resolved come from the alerts above
    }
    steps.push_back(std::move(s));
  }
  std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.time < b.time; });
  return steps;
}

SameKey SameKeyOf(const IncidentTracker& t, const Incident& inc) {
  SameKey k;
  for (const Incident& other : t.incidents()) {
    if (&other == &inc || other.key != inc.key) continue;
    (other.detected_at < inc.detected_at ? k.earlier : k.later).push_back(&other);
  }
  k.earlier_total = k.earlier.size();
  std::reverse(k.earlier.begin(), k.earlier.end());
  if (k.earlier.size() > kEarlierShown) k.earlier.resize(kEarlierShown);
  return k;
}

std::string QuarterLabelOf(Time t) {
  const std::string s = FormatRfc3339(t);
  const int month = std::stoi(s.substr(5, 2));
  return s.substr(0, 4) + "-Q" + std::to_string((month - 1) / 3 + 1);
}

}  // namespace debriefd::pages

namespace debriefd {

std::string_view PageStylesheet() {
  for (const auto& [name, text] : pages::EmbeddedFiles()) {
    if (name == "style.css") return text;
  }
  return "";
}

}  // namespace debriefd
