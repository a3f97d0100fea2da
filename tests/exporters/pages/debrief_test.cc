// The debrief document (GET /incidents/{id}/debrief.md and ?format=html):
// what it says about a small history computed by hand, and that untrusted
// text comes out inert in both forms.
//
// | incident | started -> detected -> resolved        | detect / fix       | notes |
// |----------|----------------------------------------|--------------------|-------|
// | INC-1    | 09-01 08:00 -> 08:00 -> 08:40          | 0 s / 40 min       | debrief held 09-02 10:00 |
// | INC-2    | 10-01 10:00 -> 10:12:10 -> 10:53       | 12 min 10 s / 53 min | declared with started_at 10:00; acknowledged 10:15; suspected cause deploy-412 (09:50); repeat of INC-1; debrief held 10-02 15:00 with impact and CHK-101 (due 10-16), CHK-102 opened 10-03 09:00 (due +30 d: 11-02 09:00), CHK-101 closed 10-10 12:00; checkpoint due 10-02 15:00 + 14 d = 10-16 15:00 |
// | INC-3    | 10-11 09:00 -> 09:00 -> open           | 0 s / -            | payments; nothing filled in yet |
//
// Seen at 2026-10-12T00:00:00Z.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/tracker.h"
#include "exporters/pages/pages.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
using ::testing::HasSubstr;
using ::testing::Not;

class DebriefDocTest : public ::testing::Test {
 protected:
  DebriefDocTest() : tracker(Policy{}) {}

  void Apply(EventBody body, Time at) {
    Event e = Native(std::move(body), at);
    e.dedup_key += std::to_string(seq++);
    Status s = tracker.Apply(e);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void Declare(const std::string& id, Time at, std::optional<Time> started_at, const std::string& title,
               const std::string& service = "checkout") {
    Apply(IncidentDeclared{id, at, service, "critical", title, started_at}, at);
  }
  void Transition(IncidentTransition::Kind kind, const std::string& id, Time at) {
    Apply(IncidentTransition{kind, id, at}, at);
  }

  void History() {
    Declare("INC-1", T("2026-09-01T08:00:00Z"), std::nullopt, "Checkout errors");
    Transition(IncidentTransition::Kind::kResolved, "INC-1", T("2026-09-01T08:40:00Z"));
    Apply(DebriefCompleted{"INC-1", T("2026-09-02T10:00:00Z"), "https://wiki.example.com/debriefs/INC-1"},
          T("2026-09-02T10:00:00Z"));

    ChangeEvent deploy;
    deploy.id = "deploy-412";
    deploy.time = T("2026-10-01T09:50:00Z");
    deploy.service = "checkout";
    deploy.kind = "deploy";
    deploy.version = "v412";
    deploy.description = "cart service v412";
    deploy.url = "https://ci.example.com/deploy/412";
    Apply(deploy, deploy.time);
    Declare("INC-2", T("2026-10-01T10:12:10Z"), T("2026-10-01T10:00:00Z"), "Carts fail to load");
    Transition(IncidentTransition::Kind::kAcknowledged, "INC-2", T("2026-10-01T10:15:00Z"));
    Transition(IncidentTransition::Kind::kResolved, "INC-2", T("2026-10-01T10:53:00Z"));
    DebriefCompleted debrief{"INC-2", T("2026-10-02T15:00:00Z"), "https://wiki.example.com/debriefs/INC-2"};
    debrief.impact = Impact{312, std::nullopt, "Carts failed to load"};
    debrief.action_items = {ActionItemSpec{"CHK-101", "Canary the cart service", "https://tracker.example.com/CHK-101",
                                           T("2026-10-16T00:00:00Z")}};
    Apply(debrief, debrief.time);
    Apply(ActionItemOpened{"INC-2", T("2026-10-03T09:00:00Z"),
                           ActionItemSpec{"CHK-102", "Alert on cart saturation", "https://tracker.example.com/CHK-102"}},
          T("2026-10-03T09:00:00Z"));
    Apply(ActionItemClosed{"CHK-101", T("2026-10-10T12:00:00Z")}, T("2026-10-10T12:00:00Z"));

    Declare("INC-3", T("2026-10-11T09:00:00Z"), std::nullopt, "Payments slow", "payments");
  }

  std::string Markdown(const std::string& id, const PageOptions& options = {}) {
    return RenderDebriefMarkdown(tracker, *tracker.Find(id), now, options);
  }
  std::string Html(const std::string& id, const PageOptions& options = {}) {
    return RenderDebriefHtml(tracker, *tracker.Find(id), now, options);
  }

  IncidentTracker tracker;
  Time now = T("2026-10-12T00:00:00Z");
  int seq = 0;
};

TEST_F(DebriefDocTest, MarkdownStartsWithTheTitleAndTheFacts) {
  History();
  const std::string md = Markdown("INC-2");
  EXPECT_TRUE(md.starts_with("# Debrief: Carts fail to load (INC-2)\n\n")) << md;
  EXPECT_THAT(md, HasSubstr("\n## Facts\n\n"
                            "- **Incident:** INC-2 (resolved)\n"
                            "- **Service:** checkout\n"
                            "- **Severity:** critical\n"
                            "- **Started:** 2026-10-01 10:00:00 UTC (the real start)\n"
                            "- **Detected:** 2026-10-01 10:12:10 UTC\n"
                            "- **Resolved:** 2026-10-01 10:53:00 UTC\n"
                            "- **Debrief:** done, held 2026-10-02 15:00:00 UTC: "
                            "[the debrief](https://wiki.example.com/debriefs/INC-2)\n"));
  // Without external_url a pasted document cannot link back: no link at all.
  EXPECT_THAT(md, Not(HasSubstr("](/incidents")));
}

TEST_F(DebriefDocTest, MarkdownLinksTheIncidentPageWithTheExternalUrl) {
  History();
  const std::string md = Markdown("INC-2", PageOptions{"https://debriefd.example.com/ops/"});
  EXPECT_THAT(md, HasSubstr("- **Incident:** [INC-2](https://debriefd.example.com/ops/incidents/INC-2) (resolved)\n"));
  EXPECT_THAT(md, HasSubstr("This incident repeats [INC-1](https://debriefd.example.com/ops/incidents/INC-1).\n"));
  EXPECT_THAT(md, HasSubstr("| [INC-1](https://debriefd.example.com/ops/incidents/INC-1) | Checkout errors |"));
}

TEST_F(DebriefDocTest, MarkdownAnswersTheQuestionsWithTheirFigures) {
  History();
  EXPECT_THAT(Markdown("INC-2"), HasSubstr("\n## The questions\n\n"
                                           "| Question | Answer |\n"
                                           "| --- | --- |\n"
                                           "| Identified within 5 minutes? | No — 12 min 10 s |\n"
                                           "| Fixed within an hour? | Yes — 53 min |\n"
                                           "| Did we need to act? | Yes — acknowledged at 2026-10-01 10:15:00 UTC |\n"
                                           "\nGoals for critical incidents: identified within 5 minutes, fixed "
                                           "within an hour, both counted from the real start.\n"));
}

TEST_F(DebriefDocTest, MarkdownTimelineCountsFromTheRealStart) {
  History();
  EXPECT_THAT(
      Markdown("INC-2"),
      HasSubstr("\n## Timeline from the real start\n\n"
                "| Time | From the start | What | Detail | Link |\n"
                "| --- | ---: | --- | --- | --- |\n"
                "| 2026-10-01 09:50:00 UTC | −10 min | Deploy of checkout v412 (suspected cause) | cart service v412 | "
                "[link](https://ci.example.com/deploy/412) |\n"
                "| 2026-10-01 10:00:00 UTC | 0 s | Impact began | the real start: times below count from it |  |\n"
                "| 2026-10-01 10:12:10 UTC | +12 min 10 s | Detected | time to detect 12 min 10 s |  |\n"
                "| 2026-10-01 10:12:10 UTC | +12 min 10 s | Declared | Carts fail to load |  |\n"
                "| 2026-10-01 10:15:00 UTC | +15 min | Acknowledged |  |  |\n"
                "| 2026-10-01 10:53:00 UTC | +53 min | Resolved |  |  |\n"
                "| 2026-10-02 15:00:00 UTC | +1 d 5 h | Debrief held |  | "
                "[link](https://wiki.example.com/debriefs/INC-2) |\n"
                "| 2026-10-02 15:00:00 UTC | +1 d 5 h | Action item CHK-101 opened |  | "
                "[link](https://tracker.example.com/CHK-101) |\n"
                "| 2026-10-03 09:00:00 UTC | +1 d 23 h | Action item CHK-102 opened |  | "
                "[link](https://tracker.example.com/CHK-102) |\n"
                "| 2026-10-10 12:00:00 UTC | +9 d 2 h | Action item CHK-101 closed |  | "
                "[link](https://tracker.example.com/CHK-101) |\n"
                "\n## Impact\n"));
}

TEST_F(DebriefDocTest, MarkdownImpactCauseRepeatsItemsAndCheckpoint) {
  History();
  const std::string md = Markdown("INC-2");
  EXPECT_THAT(md, HasSubstr("\n## Impact\n\n"
                            "- **Customers affected:** 312\n"
                            "- **Cost:** _to be filled in_\n"
                            "- **Summary:** Carts failed to load\n"));
  EXPECT_THAT(md, HasSubstr("\n## Cause\n\n**Suspected:** [deploy deploy-412 of checkout (v412)]"
                            "(https://ci.example.com/deploy/412) at 2026-10-01 09:50:00 UTC (−10 min from the start): "
                            "cart service v412\n"));
  EXPECT_THAT(md, HasSubstr("\n## Never twice\n\n"
                            "This incident repeats INC-1.\n\n"
                            "Earlier incidents with the same key (service=checkout), newest first:\n\n"
                            "| Incident | Title | Started | Debrief | Items open |\n"
                            "| --- | --- | --- | --- | ---: |\n"
                            "| INC-1 | Checkout errors | 2026-09-01 08:00:00 UTC | done | 0 |\n"));
  EXPECT_THAT(md, HasSubstr("\n## What must change so that both answers are yes\n\n- \n- \n- \n"));
  EXPECT_THAT(md, HasSubstr("\n## Action items\n\n"
                            "| Item | Title | State | Due | Link |\n"
                            "| --- | --- | --- | --- | --- |\n"
                            "| CHK-101 | Canary the cart service | closed | 2026-10-16 00:00:00 UTC | "
                            "[CHK-101](https://tracker.example.com/CHK-101) |\n"
                            "| CHK-102 | Alert on cart saturation | open | 2026-11-02 09:00:00 UTC | "
                            "[CHK-102](https://tracker.example.com/CHK-102) |\n"));
  EXPECT_TRUE(md.ends_with("\n## Checkpoint\n\nDue 2026-10-16 15:00:00 UTC, two weeks after the debrief: it reviews "
                           "the action items above.\n"))
      << md;
}

TEST_F(DebriefDocTest, MarkdownOfAFreshIncidentLeavesBlanksToFillIn) {
  History();
  const std::string md = Markdown("INC-3");
  EXPECT_THAT(md, HasSubstr("- **Resolved:** not yet\n- **Debrief:** pending\n"));
  EXPECT_THAT(md, HasSubstr("| Identified within 5 minutes? | Yes — 0 s |\n"
                            "| Fixed within an hour? | No — open for 15 h |\n"
                            "| Did we need to act? | Yes — declared at 2026-10-11 09:00:00 UTC |\n"));
  EXPECT_THAT(md, HasSubstr("- **Customers affected:** _to be filled in_\n"
                            "- **Cost:** _to be filled in_\n"
                            "- **Summary:** _to be filled in_\n"));
  EXPECT_THAT(md, HasSubstr("No change to payments in the 2 hours before the start: _to be filled in_.\n"));
  EXPECT_THAT(md, HasSubstr("No earlier incident with the same key (service=payments).\n"));
  EXPECT_THAT(md, HasSubstr("None yet: open one per change above in your tracker, labelled debrief and "
                            "incident:INC-3.\n"));
  EXPECT_THAT(md, HasSubstr("Due two weeks after the debrief is held: it reviews the action items above.\n"));
}

TEST_F(DebriefDocTest, ConfirmedCauseAndHeldCheckpointAreShown) {
  History();
  ChangeEvent flag;
  flag.id = "flag-7";
  flag.time = T("2026-10-11T08:30:00Z");
  flag.service = "payments";
  flag.kind = "feature_flag";
  Apply(flag, T("2026-10-11T09:05:00Z"));
  Transition(IncidentTransition::Kind::kResolved, "INC-3", T("2026-10-11T09:20:00Z"));
  DebriefCompleted debrief{"INC-3", T("2026-10-11T12:00:00Z"), "https://wiki.example.com/debriefs/INC-3"};
  debrief.confirmed_cause_id = "flag-7";
  Apply(debrief, debrief.time);
  Apply(CheckpointCompleted{"INC-2", T("2026-10-16T14:00:00Z"), "CHK-102 in review"}, T("2026-10-16T14:00:00Z"));
  now = T("2026-10-17T00:00:00Z");

  EXPECT_TRUE(Markdown("INC-2").ends_with("\n## Checkpoint\n\nHeld 2026-10-16 14:00:00 UTC: CHK-102 in review.\n"));
  // The confirmed cause moved the start to 08:30: 30 min to detect, 50 to fix.
  const std::string md = Markdown("INC-3");
  EXPECT_THAT(md, HasSubstr("**Confirmed by the debrief:** feature\\_flag flag-7 of payments at 2026-10-11 08:30:00 UTC "
                            "(0 s from the start)\n"));
  EXPECT_THAT(md, HasSubstr("| Identified within 5 minutes? | No — 30 min |\n"
                            "| Fixed within an hour? | Yes — 50 min |\n"));
  EXPECT_THAT(md, HasSubstr("Due 2026-10-25 12:00:00 UTC, two weeks after the debrief"));
}

TEST_F(DebriefDocTest, HtmlIsTheSameDocumentInTheLayout) {
  History();
  const std::string html = Html("INC-2", PageOptions{"https://debriefd.example.com/ops"});
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>")) << html.substr(0, 200);
  EXPECT_THAT(html, HasSubstr("<title>Debrief: Carts fail to load (INC-2) · debriefd</title>"));
  EXPECT_THAT(html, HasSubstr("<h1>Debrief: Carts fail to load (INC-2)</h1>"));
  // Served by debriefd itself: links are relative to the server, under external_url's path.
  EXPECT_THAT(html, HasSubstr("<li><strong>Incident:</strong> <a href=\"/ops/incidents/INC-2\">INC-2</a>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"/ops/incidents/INC-2/debrief.md\">Markdown, to paste into the wiki</a>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"answer no\" id=\"answer-detect\"><span class=\"q\">Identified within 5 "
                              "minutes?</span><span class=\"a\">No — 12 min 10 s</span></div>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"answer yes\" id=\"answer-fix\"><span class=\"q\">Fixed within an "
                              "hour?</span><span class=\"a\">Yes — 53 min</span></div>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"cause\"><td>2026-10-01 09:50:00 UTC</td><td class=\"num\">−10 min</td>"
                              "<td>Deploy of checkout v412 (suspected cause)</td><td>cart service v412</td>"
                              "<td><a href=\"https://ci.example.com/deploy/412\">link</a></td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"ack\"><td>2026-10-01 10:15:00 UTC</td><td class=\"num\">+15 min</td>"
                              "<td>Acknowledged</td><td></td><td></td></tr>"));
  EXPECT_THAT(html, HasSubstr("<li><strong>Cost:</strong> <em class=\"empty\">to be filled in</em></li>"));
  EXPECT_THAT(html, HasSubstr("<p>This incident repeats <a href=\"/ops/incidents/INC-1\">INC-1</a>.</p>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"open\"><td>CHK-102</td><td>Alert on cart saturation</td><td><span "
                              "class=\"badge open\">open</span></td><td>2026-11-02 09:00:00 UTC</td><td><a "
                              "href=\"https://tracker.example.com/CHK-102\">CHK-102</a></td></tr>"));
  EXPECT_THAT(html, HasSubstr("<h2 id=\"what-must-change\">What must change so that both answers are yes</h2>"));
  EXPECT_THAT(html, HasSubstr("<p>Due 2026-10-16 15:00:00 UTC, two weeks after the debrief: it reviews the action "
                              "items above.</p>"));
}

// How often `what` occurs in Markdown text not escaped by a backslash (one
// preceded by an odd number of backslashes is text).
size_t Unescaped(const std::string& md, std::string_view what) {
  size_t n = 0;
  for (size_t at = md.find(what); at != std::string::npos; at = md.find(what, at + 1)) {
    size_t backslashes = 0;
    while (backslashes < at && md[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) ++n;
  }
  return n;
}

// The destination of every link `[text](destination)` of the Markdown text.
std::vector<std::string> Destinations(const std::string& md) {
  std::vector<std::string> out;
  for (size_t at = md.find("]("); at != std::string::npos; at = md.find("](", at + 1)) {
    if (at > 0 && md[at - 1] == '\\') continue;
    const size_t end = md.find(')', at);
    out.push_back(md.substr(at + 2, end - at - 2));
  }
  return out;
}

// Titles, urls and notes come from events: none may become markup or a link
// to anything but http(s), in either form.
class DebriefDocHostileTest : public DebriefDocTest {
 protected:
  void HostileHistory() {
    ChangeEvent change;
    change.id = "chg-<b>";
    change.time = T("2026-10-01T09:55:00Z");
    change.service = "checkout";
    change.kind = "deploy";
    change.url = "javascript:alert(4)";
    change.description = "see <a href=\"javascript:alert(5)\">here</a>";
    Apply(change, change.time);
    Declare("INC-9", T("2026-10-01T10:00:00Z"), std::nullopt, kTitle);
    Transition(IncidentTransition::Kind::kResolved, "INC-9", T("2026-10-01T10:30:00Z"));
    DebriefCompleted debrief{"INC-9", T("2026-10-02T10:00:00Z"), "javascript:alert(2)"};
    debrief.impact = Impact{std::nullopt, std::nullopt, "**all** | carts\nlost <i>"};
    debrief.action_items = {ActionItemSpec{"X-1", "<img src=x onerror=alert(3)> [y](javascript:alert(3))",
                                           "javascript:alert(3)"},
                            ActionItemSpec{"X-2", "ok", "https://tracker.example.com/a b)(|x"}};
    Apply(debrief, debrief.time);
  }
  static constexpr const char* kTitle = "<script>alert(1)</script> \"q\" 'a' [x](javascript:alert(1)) *b* _i_ `c` #h";
};

TEST_F(DebriefDocHostileTest, MarkdownEscapesTitlesAndLinksOnlyWebUrls) {
  HostileHistory();
  const std::string md = Markdown("INC-9");
  EXPECT_TRUE(md.starts_with("# Debrief: \\<script\\>alert(1)\\</script\\> \"q\" 'a' \\[x\\](javascript:alert(1)) "
                             "\\*b\\* \\_i\\_ \\`c\\` \\#h (INC-9)\n"))
      << md.substr(0, 300);
  // No raw HTML or autolink (every "<" is escaped), and every link goes to http(s).
  EXPECT_EQ(Unescaped(md, "<"), 0u);
  EXPECT_EQ(Unescaped(md, "]("), 2u);  // X-2 in the timeline and in the items: its url is https
  for (const std::string& destination : Destinations(md)) {
    EXPECT_TRUE(destination.starts_with("https://")) << destination;
  }
  // A non-web url is shown as text, not linked.
  EXPECT_THAT(md, HasSubstr("- **Debrief:** done, held 2026-10-02 10:00:00 UTC: javascript:alert(2)\n"));
  EXPECT_THAT(md, HasSubstr("**Suspected:** deploy chg-\\<b\\> of checkout (javascript:alert(4)) at"));
  EXPECT_THAT(md, HasSubstr("(−5 min from the start): see \\<a href=\"javascript:alert(5)\"\\>here\\</a\\>\n"));
  // One line, one cell: newlines and pipes cannot break the table or the list.
  EXPECT_THAT(md, HasSubstr("- **Summary:** \\*\\*all\\*\\* \\| carts lost \\<i\\>\n"));
  EXPECT_THAT(md, HasSubstr("| X-1 | \\<img src=x onerror=alert(3)\\> \\[y\\](javascript:alert(3)) | open | "
                            "2026-11-01 10:00:00 UTC | javascript:alert(3) |\n"));
  // A web url with characters that would end the destination or the cell is percent-encoded.
  EXPECT_THAT(md, HasSubstr("| X-2 | ok | open | 2026-11-01 10:00:00 UTC | "
                            "[X-2](https://tracker.example.com/a%20b%29%28%7Cx) |\n"));
}

TEST_F(DebriefDocHostileTest, HtmlEscapesTitlesAndLinksOnlyWebUrls) {
  HostileHistory();
  const std::string html = Html("INC-9");
  EXPECT_THAT(html, HasSubstr("<h1>Debrief: &lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &#39;a&#39; "
                              "[x](javascript:alert(1)) *b* _i_ `c` #h (INC-9)</h1>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<i>")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript")));
  EXPECT_THAT(html, HasSubstr(": javascript:alert(2)</li>"));
  EXPECT_THAT(html, HasSubstr("<td>&lt;img src=x onerror=alert(3)&gt; [y](javascript:alert(3))</td>"));
  EXPECT_THAT(html, HasSubstr("<td>javascript:alert(3)</td></tr>"));
  EXPECT_THAT(html, HasSubstr("see &lt;a href=&quot;javascript:alert(5)&quot;&gt;here&lt;/a&gt;</p>"));
}

}  // namespace
}  // namespace debriefd
