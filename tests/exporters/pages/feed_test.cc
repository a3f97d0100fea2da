// The Atom feed (GET /feed.atom), read back by a real XML parser: Python's
// ElementTree, which also checks what RFC 4287 requires of every feed and
// entry, and html.parser for the HTML carried in each entry's content.
//
// | incident | started -> detected -> resolved   | detect / fix          | debrief |
// |----------|-----------------------------------|-----------------------|---------|
// | INC-A    | 10-01 10:00 -> 10:00 -> 10:30     | 0 s / 30 min          | held 10-02 09:00, https://wiki.example.com/a |
// | INC-B    | 10-03 11:50 -> 12:00 -> 13:30     | 10 min / 1 h 40 min   | held 10-05 16:00, url javascript:alert(1); hostile title |
// | INC-C    | 10-06 08:00 -> 08:00 -> 08:20     | 0 s / 20 min          | none |
// | INC-D    | 10-07 08:00 -> 08:00 -> open      |                       | none |
//
// Seen at 2026-10-10T00:00:00Z.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "domain/tracker.h"
#include "exporters/pages/pages.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
using ::testing::HasSubstr;

// Parses the feed, checks RFC 4287's must-haves (exit 1 naming what is
// wrong), and prints what it found, one fact a line. "brief" prints one line
// per entry.
constexpr const char* kReader = R"py(
import sys, datetime, xml.etree.ElementTree as ET
from html.parser import HTMLParser
A = '{http://www.w3.org/2005/Atom}'

def fail(why):
    print('INVALID: ' + why)
    sys.exit(1)

def one(parent, tag, where):
    found = parent.findall(A + tag)
    if len(found) != 1:
        fail('%s has %d <%s>' % (where, len(found), tag))
    return found[0]

def date(parent, tag, where):
    text = one(parent, tag, where).text or ''
    try:
        datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    except ValueError:
        fail('%s <%s> is not RFC 3339: %r' % (where, tag, text))
    if not (text.endswith('Z') and 'T' in text):
        fail('%s <%s> is not UTC: %r' % (where, tag, text))
    return text

def links(parent):
    out = []
    for l in parent.findall(A + 'link'):
        if 'href' not in l.attrib:
            fail('a link without href')
        out.append('link %s: %s' % (l.get('rel', 'alternate'), l.get('href')))
    return out

class Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []
    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get('href')
        self.tags.append(tag + ('[%s]' % href if href is not None else ''))
    def handle_data(self, data):
        self.text.append(data)

root = ET.parse(sys.argv[1]).getroot()
if root.tag != A + 'feed':
    fail('the root is ' + root.tag)
out = ['feed id: ' + (one(root, 'id', 'feed').text or ''),
       'title: ' + (one(root, 'title', 'feed').text or ''),
       'updated: ' + date(root, 'updated', 'feed')]
out += links(root)
if not any(l.get('rel') == 'self' for l in root.findall(A + 'link')):
    fail('the feed has no self link')
out.append('generator: ' + (one(root, 'generator', 'feed').text or ''))
entries = root.findall(A + 'entry')
ids = [one(e, 'id', 'entry').text for e in entries]
if len(set(ids)) != len(ids):
    fail('entry ids repeat')
brief = len(sys.argv) > 2
if brief:
    out = ['entries: %d' % len(entries)]
for e in entries:
    where = 'entry ' + str(one(e, 'id', 'entry').text)
    title = one(e, 'title', where)
    updated = date(e, 'updated', where)
    if not e.findall(A + 'author') and not root.findall(A + 'author'):
        fail(where + ' has no author')
    if brief:
        out.append(' | '.join([one(e, 'id', where).text, title.text, updated] + links(e)))
        continue
    out.append('entry id: ' + one(e, 'id', where).text)
    out.append('title: ' + (title.text or '') + ' (' + title.get('type', 'text') + ')')
    out.append('updated: ' + updated)
    out.append('published: ' + date(e, 'published', where))
    out.append('author: ' + one(one(e, 'author', where), 'name', where).text)
    out += ['category: ' + c.get('term') for c in e.findall(A + 'category')]
    out += links(e)
    out.append('summary: ' + (one(e, 'summary', where).text or ''))
    content = one(e, 'content', where)
    if content.get('type') != 'html' or len(content):
        fail(where + ': the content is not escaped html')
    html = Html()
    html.feed(content.text or '')
    html.close()
    out.append('content tags: ' + ' '.join(html.tags))
    out.append('content text: ' + ' '.join(''.join(html.text).split()))
print('\n'.join(out))
)py";

class AtomFeedTest : public ::testing::Test {
 protected:
  AtomFeedTest() : tracker(Policy{}) {}

  void Apply(EventBody body, Time at) {
    Event e = Native(std::move(body), at);
    e.dedup_key += std::to_string(seq++);
    Status s = tracker.Apply(e);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  // Declares an incident and resolves it at `resolved` (open when nullopt).
  void Incident(const std::string& id, const std::string& service, const std::string& title, Time detected,
                std::optional<Time> started, std::optional<Time> resolved) {
    Apply(IncidentDeclared{id, detected, service, "critical", title, started}, detected);
    if (resolved) Apply(IncidentTransition{IncidentTransition::Kind::kResolved, id, *resolved}, *resolved);
  }
  void Debrief(const std::string& id, Time at, const std::string& url) { Apply(DebriefCompleted{id, at, url}, at); }

  void History() {
    Incident("INC-A", "checkout", "Checkout errors", T("2026-10-01T10:00:00Z"), std::nullopt,
             T("2026-10-01T10:30:00Z"));
    Debrief("INC-A", T("2026-10-02T09:00:00Z"), "https://wiki.example.com/a");
    Incident("INC-B", "payments", kHostile, T("2026-10-03T12:00:00Z"), T("2026-10-03T11:50:00Z"),
             T("2026-10-03T13:30:00Z"));
    Debrief("INC-B", T("2026-10-05T16:00:00Z"), "javascript:alert(1)");
    Incident("INC-C", "search", "Search slow", T("2026-10-06T08:00:00Z"), std::nullopt, T("2026-10-06T08:20:00Z"));
    Incident("INC-D", "search", "Search down", T("2026-10-07T08:00:00Z"), std::nullopt, std::nullopt);
  }

  // What the reader makes of the feed; fails the test when it is not valid.
  std::string Read(const std::string& feed, bool brief = false) {
    std::ofstream(dir.File("feed.atom"), std::ios::binary) << feed;
    std::ofstream(dir.File("reader.py"), std::ios::binary) << kReader;
    const std::string command = "python3 " + dir.File("reader.py") + " " + dir.File("feed.atom") +
                                (brief ? " brief" : "") + " > " + dir.File("out.txt") + " 2>&1";
    const int rc = std::system(command.c_str());
    std::string out = ReadFile(dir.File("out.txt"));
    EXPECT_EQ(rc, 0) << out << "\n--- the feed:\n" << feed;
    return out;
  }

  static constexpr const char* kHostile = "<b>B</b> & \"q\" ]]> [x](javascript:alert(1)) \x01<script>alert(2)</script>";
  IncidentTracker tracker;
  Time now = T("2026-10-10T00:00:00Z");
  int seq = 0;
  TempDir dir;
};

TEST_F(AtomFeedTest, CompletedDebriefsNewestFirstWithEveryField) {
  History();
  EXPECT_EQ(Read(RenderAtomFeed(tracker, now, false, {})),
            "feed id: urn:debriefd:feed:debriefs\n"
            "title: debriefd: debriefs\n"
            "updated: 2026-10-05T16:00:00Z\n"
            "link self: /feed.atom\n"
            "link alternate: /\n"
            "generator: debriefd\n"
            "entry id: urn:debriefd:debrief:INC-B\n"
            "title: Debrief: <b>B</b> & \"q\" ]]> [x](javascript:alert(1)) <script>alert(2)</script> (text)\n"
            "updated: 2026-10-05T16:00:00Z\n"
            "published: 2026-10-05T16:00:00Z\n"
            "author: debriefd\n"
            "category: payments\n"
            "link alternate: /incidents/INC-B\n"
            "summary: payments, critical. Identified within 5 minutes? No — 10 min. Fixed within an hour? "
            "No — 1 h 40 min.\n"
            // The title is text inside the HTML: no <b>, no <script>; the
            // javascript: debrief url is linked nowhere.
            "content tags: p a[/incidents/INC-B] ul li li\n"
            "content text: Debrief of <b>B</b> & \"q\" ]]> [x](javascript:alert(1)) <script>alert(2)</script> "
            "(INC-B): service payments, severity critical, started 2026-10-03 11:50:00 UTC. Identified within 5 "
            "minutes? No — 10 min Fixed within an hour? No — 1 h 40 min\n"
            "entry id: urn:debriefd:debrief:INC-A\n"
            "title: Debrief: Checkout errors (text)\n"
            "updated: 2026-10-02T09:00:00Z\n"
            "published: 2026-10-02T09:00:00Z\n"
            "author: debriefd\n"
            "category: checkout\n"
            "link alternate: /incidents/INC-A\n"
            "link related: https://wiki.example.com/a\n"
            "summary: checkout, critical. Identified within 5 minutes? Yes — 0 s. Fixed within an hour? "
            "Yes — 30 min.\n"
            "content tags: p a[/incidents/INC-A] ul li li p a[https://wiki.example.com/a]\n"
            "content text: Debrief of Checkout errors (INC-A): service checkout, severity critical, started "
            "2026-10-01 10:00:00 UTC. Identified within 5 minutes? Yes — 0 s Fixed within an hour? Yes — 30 min "
            "Read the debrief\n");
}

TEST_F(AtomFeedTest, WithIncidentsMergesResolvedIncidentsNewestFirstAndLinksAbsolutely) {
  History();
  const PageOptions options{"https://debriefd.example.com/ops/"};
  const std::string out = Read(RenderAtomFeed(tracker, now, true, options));
  EXPECT_THAT(out, HasSubstr("feed id: https://debriefd.example.com/ops/feed.atom?include=incidents\n"
                             "title: debriefd: debriefs and resolved incidents\n"
                             "updated: 2026-10-06T08:20:00Z\n"
                             "link self: https://debriefd.example.com/ops/feed.atom?include=incidents\n"
                             "link alternate: https://debriefd.example.com/ops/\n"));
  EXPECT_EQ(Read(RenderAtomFeed(tracker, now, true, options), true),
            "entries: 5\n"
            "urn:debriefd:incident:INC-C | Resolved: Search slow | 2026-10-06T08:20:00Z | "
            "link alternate: https://debriefd.example.com/ops/incidents/INC-C\n"
            "urn:debriefd:debrief:INC-B | Debrief: <b>B</b> & \"q\" ]]> [x](javascript:alert(1)) "
            "<script>alert(2)</script> | 2026-10-05T16:00:00Z | "
            "link alternate: https://debriefd.example.com/ops/incidents/INC-B\n"
            "urn:debriefd:incident:INC-B | Resolved: <b>B</b> & \"q\" ]]> [x](javascript:alert(1)) "
            "<script>alert(2)</script> | 2026-10-03T13:30:00Z | "
            "link alternate: https://debriefd.example.com/ops/incidents/INC-B\n"
            "urn:debriefd:debrief:INC-A | Debrief: Checkout errors | 2026-10-02T09:00:00Z | "
            "link alternate: https://debriefd.example.com/ops/incidents/INC-A | "
            "link related: https://wiki.example.com/a\n"
            "urn:debriefd:incident:INC-A | Resolved: Checkout errors | 2026-10-01T10:30:00Z | "
            "link alternate: https://debriefd.example.com/ops/incidents/INC-A\n");
}

TEST_F(AtomFeedTest, AnEmptyFeedIsValidAndUpdatedNow) {
  EXPECT_EQ(Read(RenderAtomFeed(tracker, now, false, {})),
            "feed id: urn:debriefd:feed:debriefs\n"
            "title: debriefd: debriefs\n"
            "updated: 2026-10-10T00:00:00Z\n"
            "link self: /feed.atom\n"
            "link alternate: /\n"
            "generator: debriefd\n");
  // Incidents that are open or have no debrief make no entry either.
  Incident("INC-D", "search", "Search down", T("2026-10-07T08:00:00Z"), std::nullopt, std::nullopt);
  Incident("INC-C", "search", "Search slow", T("2026-10-06T08:00:00Z"), std::nullopt, T("2026-10-06T08:20:00Z"));
  EXPECT_EQ(Read(RenderAtomFeed(tracker, now, false, {}), true), "entries: 0\n");
}

TEST_F(AtomFeedTest, KeepsTheNewestHundredEntries) {
  // Incident i resolves on day i and its debrief is held the next day at 09:00.
  for (int i = 0; i < 105; ++i) {
    const Time day = T("2026-01-01T10:00:00Z") + Days(i);
    std::string id = "INC-";
    id += std::to_string(1000 + i);
    Incident(id, "checkout", "t", day, std::nullopt, day + Min(30));
    Debrief(id, day + Hours(23), "https://wiki.example.com/d");
  }
  const std::string out = Read(RenderAtomFeed(tracker, T("2026-06-01T00:00:00Z"), false, {}), true);
  EXPECT_TRUE(out.starts_with("entries: 100\n"
                              "urn:debriefd:debrief:INC-1104 | Debrief: t | 2026-04-16T09:00:00Z | "))
      << out.substr(0, 300);
  // The oldest kept is the 100th newest: INC-1005; INC-1000 .. INC-1004 fell off.
  EXPECT_THAT(out, HasSubstr("\nurn:debriefd:debrief:INC-1005 | Debrief: t | 2026-01-07T09:00:00Z | "));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("INC-1004")));
}

TEST_F(AtomFeedTest, IdsAndLinksOfOddIncidentIdsArePercentEncoded) {
  Incident("ops/INC 7?x", "checkout", "t", T("2026-10-01T10:00:00Z"), std::nullopt, T("2026-10-01T10:30:00Z"));
  Debrief("ops/INC 7?x", T("2026-10-02T09:00:00Z"), "https://wiki.example.com/a");
  EXPECT_EQ(Read(RenderAtomFeed(tracker, now, false, {}), true),
            "entries: 1\n"
            "urn:debriefd:debrief:ops%2FINC%207%3Fx | Debrief: t | 2026-10-02T09:00:00Z | "
            "link alternate: /incidents/ops%2FINC%207%3Fx | link related: https://wiki.example.com/a\n");
}

}  // namespace
}  // namespace debriefd
