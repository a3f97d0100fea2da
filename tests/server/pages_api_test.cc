// The pages over the Api (docs/pages.md): the hand-computed history of
// tests/fixtures/pages/ (its README has the figures), read at 2026-11-20 12:00.
#include <gtest/gtest.h>

#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-11-20T12:00:00Z");

class PagesApi : public ::testing::Test {
 protected:
  explicit PagesApi(Config config = {}) : h(std::move(config), T("2026-11-02T09:00:00Z")) {
    h.ReplayFile(SourcePath("tests/fixtures/pages/history.jsonl"));
    h.clock().Set(kNow);
  }
  HttpResponse Page(const std::string& target) {
    HttpResponse r = h.Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r;
  }
  static bool Has(const HttpResponse& r, const std::string& text) { return r.body.find(text) != std::string::npos; }

  ApiHarness h;
};

TEST_F(PagesApi, TheIncidentPageAnswersTheThreeQuestionsFromTheRealStart) {
  HttpResponse r = Page("/incidents/inc-000001");
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(Has(r, "Identified within 5 minutes?</span><span class=\"a\">No — 22 min 10 s")) << r.body;
  EXPECT_TRUE(Has(r, "Fixed within an hour?</span><span class=\"a\">No — 1 h 3 min"));
  EXPECT_TRUE(Has(r, "Yes — acknowledged at 2026-11-02 10:15:00 UTC"));
  EXPECT_TRUE(Has(r, "counted from the real start (2026-11-02 09:50:00 UTC)"));
  // The timeline: the confirmed cause is the start, each step with its offset.
  EXPECT_TRUE(Has(r, "<span class=\"when\">2026-11-02 09:50:00 UTC</span><span class=\"offset\">0 s</span>"));
  EXPECT_TRUE(Has(r, "<a href=\"https://ci.example.com/checkout/500\">Deploy of checkout v500 (confirmed cause)</a>"));
  EXPECT_TRUE(Has(r, "<span class=\"offset\">+25 min</span><span class=\"what\">Acknowledged"));
  EXPECT_TRUE(Has(r, "<span class=\"offset\">+1 h 3 min</span><span class=\"what\">Resolved"));
  EXPECT_TRUE(Has(r, "<svg class=\"axis\""));
  EXPECT_TRUE(Has(r, "Carts failed to load"));
  EXPECT_TRUE(Has(r, "<a href=\"https://wiki.example.com/debriefs/inc-000001\">the debrief</a>"));
  EXPECT_TRUE(Has(r, "<span class=\"badge overdue\">overdue</span>")) << "CHK-1 is past its due date";
  EXPECT_TRUE(Has(r, "No earlier incident with the same key"));
  EXPECT_TRUE(Has(r, "<strong>It happened again:</strong> 1 later incident(s) with the same key, the first <a href=\"/incidents/inc-000002\">inc-000002</a> from 2026-11-15 12:00:00 UTC."));
  EXPECT_FALSE(Has(Page("/incidents/INC-7"), "It happened again"));
}

TEST_F(PagesApi, UntrustedTextIsShownAsTextNeverRun) {
  HttpResponse r = Page("/incidents/inc-000001");
  EXPECT_FALSE(Has(r, "<script>")) << "a title's script tag must be escaped";
  EXPECT_TRUE(Has(r, "Checkout errors &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;"));
  EXPECT_FALSE(Has(r, "href=\"javascript:")) << "only http and https urls become links";
  EXPECT_TRUE(Has(r, "<td>CHK-2</td>")) << "an item with a javascript: url is shown without a link";
  EXPECT_EQ(r.headers.at("Content-Security-Policy"), "default-src 'self'");
  EXPECT_EQ(r.headers.at("X-Content-Type-Options"), "nosniff");
  HttpResponse home = Page("/");
  EXPECT_FALSE(Has(home, "<script>"));
  EXPECT_FALSE(Has(home, "href=\"javascript:"));
}

TEST_F(PagesApi, TheRepeatListsEveryEarlierIncidentWithTheSameKey) {
  HttpResponse r = Page("/incidents/inc-000002");
  EXPECT_TRUE(Has(r, "repeat of <a href=\"/incidents/inc-000001\">inc-000001</a>"));
  EXPECT_TRUE(Has(r, "<td><a href=\"/incidents/inc-000001\">inc-000001</a></td>"));
  EXPECT_TRUE(Has(r, "Identified within 5 minutes?</span><span class=\"a\">Yes — 3 min"));
  EXPECT_TRUE(Has(r, "Not yet known — nobody has acted so far"));
}

TEST_F(PagesApi, TheHomePageShowsWhereTheTeamStands) {
  HttpResponse r = Page("/");
  // Open now: the repeat.
  EXPECT_TRUE(Has(r, "<span class=\"figure\">1</span><span class=\"label\">incidents open now"));
  EXPECT_TRUE(Has(r, "<a href=\"/incidents/inc-000002\">inc-000002</a>"));
  // INC-7's debrief is overdue (due 11-13 08:20), and links to its page.
  EXPECT_TRUE(Has(r, "<a href=\"/incidents/INC-7\">INC-7</a></td><td>Card payments declined</td><td>payments</td><td><span class=\"badge overdue\">overdue</span>"))
      << r.body;
  // The checkpoint of inc-000001 (held 11-03, due two weeks later) is due.
  EXPECT_TRUE(Has(r, "2026-11-17 15:00:00 UTC"));
  // CHK-1 open and overdue; CHK-2 closed is not listed.
  EXPECT_TRUE(Has(r, "<a href=\"https://tracker.example.com/CHK-1\">CHK-1</a>"));
  EXPECT_FALSE(Has(r, "CHK-2"));
  // This quarter: inc-000001 missed both goals, inc-000002 met detect; INC-7
  // (declared) detected at once; one repeat.
  EXPECT_TRUE(Has(r, "<span class=\"figure\">66.7%</span><span class=\"label\">identified within the goal in 2026-Q4"));
  EXPECT_TRUE(Has(r, "repeats in 2026-Q4 (0 in 2026-Q3)"));
}

TEST_F(PagesApi, TheListFiltersAndPaginates) {
  HttpResponse all = Page("/incidents");
  EXPECT_TRUE(Has(all, "3 incidents, newest first"));
  // Newest first.
  EXPECT_LT(all.body.find("inc-000002"), all.body.find("INC-7"));
  EXPECT_LT(all.body.find(">INC-7<"), all.body.find(">inc-000001<"));
  HttpResponse overdue = Page("/incidents?debrief=overdue");
  EXPECT_TRUE(Has(overdue, "1 incident, newest first"));
  EXPECT_TRUE(Has(overdue, ">INC-7<"));
  EXPECT_TRUE(Has(overdue, "<option value=\"overdue\" selected>"));
  EXPECT_TRUE(Has(Page("/incidents?service=checkout&state=resolved"), "1 incident,"));
  EXPECT_TRUE(Has(Page("/incidents?quarter=2026-Q3"), "No incident matches."));

  HttpResponse bad = h.Get("/incidents?debrief=late");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"field\":\"debrief\""), std::string::npos);
  EXPECT_EQ(h.Get("/incidents?page=0").status, 400);
  EXPECT_EQ(h.Get("/incidents?owner=me").status, 400);
  EXPECT_EQ(h.Get("/incidents/nope").status, 404);
  EXPECT_EQ(h.Call("POST", "/incidents").status, 405);
}

TEST_F(PagesApi, AnIdWithASlashStillLinksToItsPage) {
  ASSERT_EQ(h.Post("/api/v1/events",
                   R"({"type":"incident.declared","incident_id":"ops/1:x","time":"2026-11-20T11:00:00Z","service":"search","severity":"warning","title":"t"})")
                .status,
            200);
  HttpResponse list = Page("/incidents?service=search");
  EXPECT_TRUE(Has(list, "<a href=\"/incidents/ops%2F1%3Ax\">ops/1:x</a>")) << list.body;
  HttpResponse page = Page("/incidents/ops%2F1%3Ax");
  EXPECT_TRUE(Has(page, "ops/1:x · service <strong>search</strong>"));
}

TEST_F(PagesApi, NeverTwiceShowsTheLatestTwentyAndCountsTheRest) {
  for (int i = 0; i < 23; ++i) {
    const std::string id = "S-" + std::to_string(i);
    const std::string at = "2026-11-1" + std::to_string(i / 10) + "T0" + std::to_string(i % 10) + ":00:00Z";
    ASSERT_EQ(h.Post("/api/v1/events", R"({"type":"incident.declared","incident_id":")" + id + R"(","time":")" + at +
                                           R"(","service":"search","severity":"warning","title":"t"})")
                  .status,
              200);
    ASSERT_EQ(h.Post("/api/v1/events", R"({"type":"incident.resolved","incident_id":")" + id + R"(","time":")" + at + R"("})")
                  .status,
              200);
  }
  HttpResponse page = Page("/incidents/S-22");
  EXPECT_TRUE(Has(page, "22 earlier incidents with the same key (service=search), the latest first"));
  EXPECT_TRUE(Has(page, ">S-2</a>")) << "the 20th latest";
  EXPECT_FALSE(Has(page, ">S-1</a>"));
  EXPECT_TRUE(Has(page, "And 2 older"));
  HttpResponse doc = Page("/incidents/S-22/debrief.md");
  EXPECT_TRUE(Has(doc, "And 2 older."));
  EXPECT_TRUE(Has(doc, "| S-2 | t |")) << doc.body;
  EXPECT_FALSE(Has(doc, "| S-1 | t |"));
}

TEST_F(PagesApi, TheStylesheetIsServed) {
  HttpResponse r = Page("/static/style.css");
  EXPECT_EQ(r.content_type, "text/css; charset=utf-8");
  EXPECT_TRUE(Has(r, "@media print"));
}

Config WithReadToken() {
  Config c;
  c.auth.read_token = "s3cret";
  c.external_url = "https://debriefd.example.com/ops/";
  return c;
}

class PagesWithToken : public PagesApi {
 protected:
  PagesWithToken() : PagesApi(WithReadToken()) {}
};

TEST_F(PagesWithToken, ABrowserLogsInWithBasicAndAnyUserName) {
  HttpResponse denied = h.Get("/");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.headers.at("WWW-Authenticate"), "Basic realm=\"debriefd\", charset=\"UTF-8\"");
  // "anyone:s3cret" and "ops:wrong"
  EXPECT_EQ(h.Call("GET", "/", "", "Basic YW55b25lOnMzY3JldA==").status, 200);
  EXPECT_EQ(h.Call("GET", "/", "", "basic YW55b25lOnMzY3JldA==").status, 200) << "the scheme is case-insensitive";
  EXPECT_EQ(h.Call("GET", "/", "", "Basic b3BzOndyb25n").status, 401);
  EXPECT_EQ(h.Call("GET", "/", "", "Basic !!!!").status, 401);
  EXPECT_EQ(h.Call("GET", "/incidents/inc-000001", "", "Bearer s3cret").status, 200);
  EXPECT_EQ(h.Call("GET", "/incidents/inc-000001", "", "Bearer wrong").status, 401);
  EXPECT_EQ(h.Get("/static/style.css").status, 200) << "the stylesheet holds nothing private";
}

TEST_F(PagesWithToken, LinksStartWithTheExternalUrlsPath) {
  HttpResponse r = h.Call("GET", "/incidents/inc-000002", "", "Bearer s3cret");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(Has(r, "<link rel=\"stylesheet\" href=\"/ops/static/style.css\">"));
  EXPECT_TRUE(Has(r, "<a href=\"/ops/incidents/inc-000001\">inc-000001</a>"));
  // The alert rules link to the pages through debriefd_build_info's label.
  HttpResponse metrics = h.Call("GET", "/metrics", "", "Bearer s3cret");
  EXPECT_TRUE(Has(metrics, "debriefd_build_info{version=\"test\",external_url=\"https://debriefd.example.com/ops/\"} 1"));
}

}  // namespace
}  // namespace debriefd
