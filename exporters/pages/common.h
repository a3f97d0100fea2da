#pragma once
// What the pages share: the embedded templates, links, times and durations
// for people, the three answers of every debrief, and the timeline from the
// real start. Internal to exporters/pages/.

#include <ctemplate/template.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/incident_view.h"
#include "exporters/pages/pages.h"
#include "exporters/report/text.h"

namespace debriefd::pages {

// The files of exporters/pages/templates/, compiled in (cmake/EmbedFiles.cmake).
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedFiles();

// Expands the template `name` (a file in templates/) with `dict`. Templates
// declare their escaping context ({{%AUTOESCAPE context="HTML"}}), so every
// value is escaped for where it lands.
std::string Expand(const std::string& name, const ctemplate::TemplateDictionary& dict);

// A whole HTML page: the layout around the template `content`, whose values
// are set on the dictionary that AddPage returns.
class Page {
 public:
  Page(std::string title, const PageOptions& options, Time now);
  ctemplate::TemplateDictionary& content(const std::string& template_name);
  std::string Render() const;

 private:
  ctemplate::TemplateDictionary dict_;
};

// The path prefix of every link ("" or "/ops"), from external_url.
std::string BasePath(const PageOptions& options);
// external_url without a trailing slash ("" when unset).
std::string AbsoluteBase(const PageOptions& options);
// http:// and https:// urls are the only ones linked (exporters/report/text.h).
using report::IsWebUrl;
// Sets `name` to the url and shows section `name`_LINK when it may be linked,
// else `name`_TEXT (the url shown as text), in `dict`.
void SetLink(ctemplate::TemplateDictionary& dict, const std::string& name, const std::string& url);

// An id as one segment of a url path: every byte but [A-Za-z0-9._~-]
// percent-encoded, so that an id with '/', '?' or '#' still names itself.
std::string UrlPathSegment(std::string_view id);
// Sets `name` to the id and `name`_PATH to UrlPathSegment(id), for links.
void SetId(ctemplate::TemplateDictionary& dict, const std::string& name, const std::string& id);

// "2026-11-02 10:00:05 UTC"
std::string DisplayTime(Time t);
// "12 min 10 s", "53 min", "2 h 5 min", "3 d 4 h"
std::string DisplayDuration(Duration d);
// "+12 min 10 s", "−5 min", "0 s" relative to the start
std::string Offset(Duration d);
// A goal in words: "5 minutes", "1 hour", "90 seconds"
std::string GoalText(Duration d);

// The three questions of every debrief, answered in words and figures.
struct Answers {
  std::string detect_question;  // "Identified within 5 minutes?"
  std::string detect;           // "No — 12 min 10 s"
  bool detect_met = false;
  std::string fix_question;  // "Fixed within an hour?"
  std::string fix;           // "Yes — 53 min", "Not yet — open for 40 min"
  std::optional<bool> fix_met;
  std::string act;  // "No — it resolved by itself", "Yes — acknowledged at ..."
  std::optional<bool> acted;
};
Answers AnswersOf(const IncidentView& view, Time now);

// One step of the timeline from the real start.
struct Step {
  Time time{};
  std::string what;    // "Deploy checkout v412 (suspected cause)", "Alert HighErrorRate firing"
  std::string kind;    // a class for the page: cause, onset, alert, detect, ack, mitigate, resolve, reopen, debrief, checkpoint, item
  std::string detail;  // more text; may be empty
  std::string url;     // may be empty
};
// Every step, by time (the cause first when it came before the onset).
std::vector<Step> TimelineOf(const IncidentTracker& tracker, const IncidentView& view);

// "Never twice": the other incidents with the same key as `inc`.
struct SameKey {
  std::vector<const Incident*> earlier;  // detected before it, the latest first, at most kEarlierShown
  size_t earlier_total = 0;              // all of them
  std::vector<const Incident*> later;    // detected after it, oldest first
};
// A service with hundreds of incidents keeps a short page and document.
inline constexpr size_t kEarlierShown = 20;
SameKey SameKeyOf(const IncidentTracker& tracker, const Incident& inc);

// "2026-Q4": the quarter `t` falls in (UTC).
std::string QuarterLabelOf(Time t);

}  // namespace debriefd::pages
