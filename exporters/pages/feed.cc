// GET /feed.atom: completed debriefs, newest first, as Atom 1.0 (RFC 4287);
// with ?include=incidents, resolved incidents too (docs/pages.md, "The feed").
#include <algorithm>
#include <cctype>

#include "exporters/pages/common.h"

namespace debriefd {
namespace {

using ctemplate::TemplateDictionary;

// Feed readers show the newest entries; older ones are on the pages.
constexpr size_t kMaxEntries = 100;

// XML 1.0 has no way to write most control characters, not even escaped
// (ElementTree and every conforming parser reject "&#1;"), nor U+FFFE and
// U+FFFF. Titles come from JSON, where "\u0001" is valid: such characters
// are dropped, so that one odd title cannot make the whole feed unreadable.
std::string XmlText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x20 && u != '\t' && u != '\n' && u != '\r') continue;
    if (u == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF)) {
      i += 2;
      continue;
    }
    out += s[i];
  }
  return out;
}

// Every value of the feed goes through here: ctemplate escapes it as XML.
void Set(TemplateDictionary& d, const std::string& name, std::string_view value) { d.SetValue(name, XmlText(value)); }

struct Entry {
  Time updated{};
  std::string id;  // the entry's Atom id
  const Incident* incident = nullptr;
  bool debrief = false;  // a completed debrief, else a resolved incident
};

// The link base: absolute with external_url (a feed is read elsewhere, by a
// reader that may not resolve relative links well), else relative to the
// server's root, which RFC 4287 allows (resolved against the feed's url).
std::string LinkBase(const PageOptions& options) {
  const std::string base = pages::AbsoluteBase(options);
  return pages::IsWebUrl(base) ? base : pages::BasePath(options);
}

std::string IncidentUrl(const PageOptions& options, const Incident& inc) {
  std::string url = LinkBase(options);
  url += "/incidents/";
  url += pages::UrlPathSegment(inc.id);
  return url;
}

void FillEntry(TemplateDictionary& e, const Entry& entry, const IncidentTracker& t, Time now,
               const PageOptions& options) {
  const Incident& inc = *entry.incident;
  const IncidentView v = ViewOf(t, inc, now);
  const pages::Answers answers = pages::AnswersOf(v, now);
  std::string title = entry.debrief ? "Debrief: " : "Resolved: ";
  title += inc.title;
  Set(e, "ID", entry.id);
  Set(e, "TITLE", title);
  Set(e, "UPDATED", FormatRfc3339(entry.updated));
  // An entry appears when its debrief is held (or its incident resolves):
  // that is when it was first published.
  Set(e, "PUBLISHED", FormatRfc3339(entry.updated));
  if (!inc.service.empty()) {
    Set(e, "SERVICE", inc.service);
    e.ShowSection("CATEGORY");
  }
  const std::string incident_url = IncidentUrl(options, inc);
  Set(e, "INCIDENT_URL", incident_url);
  const bool debrief_link = entry.debrief && pages::IsWebUrl(inc.debrief().debrief_url);
  if (debrief_link) {
    Set(e, "DEBRIEF_URL", inc.debrief().debrief_url);
    e.ShowSection("RELATED");
  }

  std::string summary = inc.service;
  summary += ", ";
  summary += inc.severity;
  summary += ". ";
  summary += answers.detect_question;
  summary += ' ';
  summary += answers.detect;
  summary += ". ";
  summary += answers.fix_question;
  summary += ' ';
  summary += answers.fix;
  summary += '.';
  Set(e, "SUMMARY", summary);

  // The content is HTML carried as text: rendered (and HTML-escaped) by its
  // own template, then escaped once more as XML text by the feed's template.
  // A title is therefore text after both decodings, never markup.
  TemplateDictionary c("feed_entry");
  c.SetValue("KIND", entry.debrief ? "Debrief of" : "Resolved:");
  c.SetValue("TITLE", inc.title);
  c.SetValue("ID", inc.id);
  c.SetValue("INCIDENT_URL", incident_url);
  c.SetValue("SERVICE", inc.service);
  c.SetValue("SEVERITY", inc.severity);
  c.SetValue("STARTED", pages::DisplayTime(v.clocking.started_at));
  c.SetValue("DETECT_QUESTION", answers.detect_question);
  c.SetValue("DETECT_ANSWER", answers.detect);
  c.SetValue("FIX_QUESTION", answers.fix_question);
  c.SetValue("FIX_ANSWER", answers.fix);
  if (debrief_link) c.SetValueAndShowSection("DEBRIEF_URL", inc.debrief().debrief_url, "DEBRIEF_LINK");
  Set(e, "CONTENT", pages::Expand("feed_entry.html.tpl", c));
}

}  // namespace

std::string RenderAtomFeed(const IncidentTracker& t, Time now, bool include_incidents, const PageOptions& options) {
  std::vector<Entry> entries;
  for (const Incident& inc : t.incidents()) {
    if (inc.debrief().debrief_completed_at) {
      std::string id = "urn:debriefd:debrief:";
      id += pages::UrlPathSegment(inc.id);
      entries.push_back({*inc.debrief().debrief_completed_at, std::move(id), &inc, true});
    }
    if (include_incidents && !inc.open && inc.resolved_at) {
      std::string id = "urn:debriefd:incident:";
      id += pages::UrlPathSegment(inc.id);
      entries.push_back({*inc.resolved_at, std::move(id), &inc, false});
    }
  }
  // Newest first; equal times in the order of their ids, so that the feed is
  // the same on every request.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.updated != b.updated) return a.updated > b.updated;
    return a.id < b.id;
  });
  if (entries.size() > kMaxEntries) entries.resize(kMaxEntries);

  TemplateDictionary dict("feed");
  const std::string base = LinkBase(options);
  std::string self = base;
  self += "/feed.atom";
  if (include_incidents) self += "?include=incidents";
  // The feed's id must be an IRI that stays the same: its own url when
  // debriefd knows where it is reached, else a name of its own.
  if (pages::IsWebUrl(base)) {
    Set(dict, "FEED_ID", self);
  } else {
    Set(dict, "FEED_ID", include_incidents ? "urn:debriefd:feed:debriefs-and-incidents" : "urn:debriefd:feed:debriefs");
  }
  Set(dict, "FEED_TITLE", include_incidents ? "debriefd: debriefs and resolved incidents" : "debriefd: debriefs");
  Set(dict, "UPDATED", FormatRfc3339(entries.empty() ? now : entries.front().updated));
  Set(dict, "SELF", self);
  std::string alternate = base;
  alternate += '/';
  Set(dict, "ALTERNATE", alternate);
  for (const Entry& entry : entries) FillEntry(*dict.AddSectionDictionary("ENTRY"), entry, t, now, options);
  return pages::Expand("feed.atom.tpl", dict);
}

}  // namespace debriefd
