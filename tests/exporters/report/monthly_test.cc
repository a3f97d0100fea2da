// The monthly review of action items (docs/reports.md, "Monthly review"): a
// hand-computed history applied to the tracker directly, checked figure by
// figure, and every format that renders it.
//
// Incidents (declared; the key is service=<service>), detected at:
//   INC-1 checkout 10-05 10:00 | INC-2 search 11-02 08:00 | INC-3 payments 11-03 09:00
//   INC-4 checkout 11-20 12:00 (repeats INC-1 within November)
//   INC-5 payments 12-05 00:00 (repeats INC-3 after November)
//
// Action items (native AI-*, tracker issues OPS-*; default due: opened + 30 days):
// | item   | incident | opened      | due         | steps                                   | at Nov's end |
// |--------|----------|-------------|-------------|-----------------------------------------|--------------|
// | AI-1   | INC-1    | 10-06 00:00 | 11-05       |                                         | open, overdue, repeated (INC-4), 56 d |
// | AI-7   | INC-1    | 10-10       |             | closed 10-20                            | closed before the month |
// | AI-13  | INC-1    | 10-07       |             | closed 11-25 (after INC-4: not "then repeated") | closed |
// | AI-2   | INC-2    | 11-02 12:00 | 12-15       |                                         | open, 28 d |
// | AI-12  | INC-3    | 11-03 12:00 | 12-03 12:00 | url javascript:                         | open, 27 d (INC-5 is after the month) |
// | AI-3   | INC-3    | 11-04       |             | closed 11-10                            | closed, then repeated (INC-5) |
// | OPS-4  | INC-2    | 11-05       | 12-05       | done 11-15, reopened 11-25              | open (not closed), 26 d |
// | OPS-5  | unlinked | 11-06       | 11-20       | service "platform"; <script> title      | open, overdue, unlinked, 25 d |
// | OPS-6  | INC-3    | 11-07       |             | label dropped 11-12: withdrawn          | withdrawn |
// | OPS-9  | INC-3    | 11-08       |             | done 11-09, reopened 11-11, done 11-13  | closed, then repeated (INC-5) |
// | OPS-10 | INC-2    | 11-16       | 12-16       | done 11-18, reopened 12-02              | closed |
// | AI-8   | INC-4    | 11-21       |             | closed 11-28                            | closed (no checkout incident since) |
// | AI-11  | INC-2    | 12-01 00:00 | 12-31       | exactly the next month's first instant  | not yet opened |
//
// November 2026 (seen on 12-10): opened 9, closed 5, open 5, overdue 2, unlinked 1,
// repeated 1, closed then repeated 2.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <sstream>

#include "domain/tracker.h"
#include "exporters/report.h"
#include "tests/exporters/report/report_fixture.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

class MonthlyReportTest : public ::testing::Test {
 protected:
  MonthlyReportTest() : tracker(Policy{}) {
    Declare("INC-1", "checkout", T("2026-10-05T10:00:00Z"));
    Open("INC-1", "AI-1", "Add a canary for card payments", T("2026-10-06T00:00:00Z"));
    Open("INC-1", "AI-13", "Raise the pool limit", T("2026-10-07T00:00:00Z"));
    Open("INC-1", "AI-7", "Write the runbook", T("2026-10-10T00:00:00Z"));
    Close("AI-7", T("2026-10-20T00:00:00Z"));
    Declare("INC-2", "search", T("2026-11-02T08:00:00Z"));
    Open("INC-2", "AI-2", "Size the \"search\" pool, then alert", T("2026-11-02T12:00:00Z"),
         T("2026-12-15T00:00:00Z"));
    Declare("INC-3", "payments", T("2026-11-03T09:00:00Z"));
    Open("INC-3", "AI-12", "Retry idempotently", T("2026-11-03T12:00:00Z"), std::nullopt, "javascript:alert(1)");
    Open("INC-3", "AI-3", "Alert on refunds", T("2026-11-04T00:00:00Z"));
    Issue("OPS-4", {"debrief", "incident:INC-2"}, T("2026-11-05T00:00:00Z"));
    Issue("OPS-5", {"debrief"}, T("2026-11-06T00:00:00Z"), false, T("2026-11-20T00:00:00Z"));
    Issue("OPS-6", {"debrief", "incident:INC-3"}, T("2026-11-07T00:00:00Z"));
    Issue("OPS-9", {"debrief", "incident:INC-3"}, T("2026-11-08T00:00:00Z"));
    Issue("OPS-9", {"debrief", "incident:INC-3"}, T("2026-11-09T00:00:00Z"), true);
    Close("AI-3", T("2026-11-10T00:00:00Z"));
    Issue("OPS-9", {"debrief", "incident:INC-3"}, T("2026-11-11T00:00:00Z"), false);
    Issue("OPS-6", {"incident:INC-3"}, T("2026-11-12T00:00:00Z"));
    Issue("OPS-9", {"debrief", "incident:INC-3"}, T("2026-11-13T00:00:00Z"), true);
    Issue("OPS-4", {"debrief", "incident:INC-2"}, T("2026-11-15T00:00:00Z"), true);
    Issue("OPS-10", {"debrief", "incident:INC-2"}, T("2026-11-16T00:00:00Z"));
    Issue("OPS-10", {"debrief", "incident:INC-2"}, T("2026-11-18T00:00:00Z"), true);
    Declare("INC-4", "checkout", T("2026-11-20T12:00:00Z"));
    Open("INC-4", "AI-8", "Shed load earlier", T("2026-11-21T00:00:00Z"));
    Issue("OPS-4", {"debrief", "incident:INC-2"}, T("2026-11-25T00:00:00Z"), false);
    Close("AI-13", T("2026-11-25T00:00:00Z"));
    Close("AI-8", T("2026-11-28T00:00:00Z"));
    Open("INC-2", "AI-11", "Cache warm-up", T("2026-12-01T00:00:00Z"));
    Issue("OPS-10", {"debrief", "incident:INC-2"}, T("2026-12-02T00:00:00Z"), false);
    Declare("INC-5", "payments", T("2026-12-05T00:00:00Z"));
  }

  void Apply(Event e) {
    e.dedup_key += std::to_string(seq++);
    Status s = tracker.Apply(e);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void Declare(const std::string& id, const std::string& service, Time at) {
    Apply(Native(IncidentDeclared{id, at, service, "critical", "Incident " + id, std::nullopt}, at));
  }
  void Open(const std::string& incident, const std::string& id, const std::string& title, Time at,
            std::optional<Time> due = std::nullopt, std::string url = "") {
    if (url.empty()) url = "https://issues.example.internal/" + id;
    Apply(Native(ActionItemOpened{incident, at, ActionItemSpec{id, title, url, due, {}}}, at));
  }
  void Close(const std::string& id, Time at) { Apply(Native(ActionItemClosed{id, at}, at)); }
  // A Jira snapshot of issue `id` at `at`: open, or done (closed at `at`).
  void Issue(const std::string& id, std::vector<std::string> labels, Time at, bool done = false,
             std::optional<Time> due = std::nullopt) {
    TrackerIssue i;
    i.id = id;
    i.time = at;
    i.title = id == "OPS-5" ? "Rotate <script>alert(1)</script> the on-call runbook" : "Follow-up " + id;
    i.url = "https://jira.example.internal/browse/" + id;
    i.service = "platform";
    i.labels = std::move(labels);
    i.done = done;
    if (done) i.closed_at = at;
    i.due = due;
    Event e;
    e.source = "jira";
    e.received_at = at;
    e.dedup_key = "jira-" + id + "-" + FormatRfc3339(at);
    e.body = std::move(i);
    Apply(std::move(e));
  }

  static ReportMonth Month(const std::string& m, Time now) { return ParseMonth(m, now).value(); }
  MonthlyReport Build(const std::string& m, Time at) { return BuildMonthlyReport(tracker, at, Month(m, at)); }
  std::string Render(const std::string& m, std::string_view format, Time at) {
    return RenderMonthlyReport(tracker, at, Month(m, at), Fmt(format));
  }
  static std::vector<std::string> Ids(const MonthlyReport& r) {
    std::vector<std::string> ids;
    for (const MonthlyItem& item : r.items) ids.push_back(item.id);
    return ids;
  }
  static std::vector<std::string> Ids(const MonthlyReport& r, const std::vector<size_t>& which) {
    std::vector<std::string> ids;
    for (size_t i : which) ids.push_back(r.items[i].id);
    return ids;
  }
  static const MonthlyItem& Item(const MonthlyReport& r, const std::string& id) {
    for (const MonthlyItem& item : r.items) {
      if (item.id == id) return item;
    }
    throw std::runtime_error("no open item " + id);
  }

  IncidentTracker tracker;
  Time now = T("2026-12-10T00:00:00Z");
  int seq = 0;
};

using Strings = std::vector<std::string>;

TEST_F(MonthlyReportTest, PastMonthIsJudgedAtItsEnd) {
  MonthlyReport r = Build("2026-11", now);
  EXPECT_EQ(r.month.from, T("2026-11-01T00:00:00Z"));
  EXPECT_EQ(r.month.to, T("2026-12-01T00:00:00Z"));
  EXPECT_EQ(r.end, T("2026-12-01T00:00:00Z"));
  EXPECT_TRUE(r.month_over);
  EXPECT_EQ(r.generated_at, now);
  EXPECT_EQ(r.summary.opened, 9u);
  EXPECT_EQ(r.summary.closed, 5u);
  EXPECT_EQ(r.summary.open, 5u);
  EXPECT_EQ(r.summary.overdue, 2u);
  EXPECT_EQ(r.summary.unlinked, 1u);
  EXPECT_EQ(r.summary.repeated, 1u);
  EXPECT_EQ(r.summary.closed_then_repeated, 2u);
  // Overdue first, then the oldest opening first.
  EXPECT_EQ(Ids(r), (Strings{"AI-1", "OPS-5", "AI-2", "AI-12", "OPS-4"}));
  EXPECT_EQ(Ids(r, r.unlinked), (Strings{"OPS-5"}));
  EXPECT_EQ(Ids(r, r.repeated), (Strings{"AI-1"}));
}

TEST_F(MonthlyReportTest, EachOpenItemHasItsAgeDueAndRepeat) {
  MonthlyReport r = Build("2026-11", now);
  const MonthlyItem& ai1 = Item(r, "AI-1");
  EXPECT_EQ(ai1.incident_id, "INC-1");
  EXPECT_EQ(ai1.service, "checkout");
  EXPECT_EQ(ai1.opened_at, T("2026-10-06T00:00:00Z"));
  EXPECT_EQ(ai1.due_at, T("2026-11-05T00:00:00Z"));
  EXPECT_EQ(ai1.age_days, 56);
  EXPECT_TRUE(ai1.overdue);
  EXPECT_TRUE(ai1.repeated);
  EXPECT_EQ(ai1.repeated_by, "INC-4");
  EXPECT_EQ(*ai1.repeated_at, T("2026-11-20T12:00:00Z"));

  const MonthlyItem& ops5 = Item(r, "OPS-5");
  EXPECT_EQ(ops5.incident_id, "");
  EXPECT_EQ(ops5.service, "platform");
  EXPECT_EQ(ops5.source, "jira");
  EXPECT_EQ(ops5.age_days, 25);
  EXPECT_TRUE(ops5.overdue);
  EXPECT_FALSE(ops5.repeated);

  // 28.5 and 27.5 days: whole days, rounded down.
  EXPECT_EQ(Item(r, "AI-2").age_days, 28);
  EXPECT_FALSE(Item(r, "AI-2").overdue);
  EXPECT_EQ(Item(r, "AI-12").age_days, 27);
  EXPECT_FALSE(Item(r, "AI-12").overdue) << "due 12-03, after the month's end";
  EXPECT_FALSE(Item(r, "AI-12").repeated) << "INC-5 came after the month's end";

  // Closed in the month, then reopened before its end: open, not closed.
  const MonthlyItem& ops4 = Item(r, "OPS-4");
  EXPECT_EQ(ops4.incident_id, "INC-2");
  EXPECT_EQ(ops4.service, "search");
  EXPECT_EQ(ops4.age_days, 26);
  EXPECT_EQ(ops4.due_at, T("2026-12-05T00:00:00Z"));
  EXPECT_FALSE(ops4.overdue);

  ASSERT_EQ(r.services.size(), 4u);
  EXPECT_EQ(r.services[0].service, "search");
  EXPECT_EQ(Ids(r, r.services[0].items), (Strings{"AI-2", "OPS-4"}));
  EXPECT_EQ(r.services[1].service, "checkout");
  EXPECT_EQ(r.services[2].service, "payments");
  EXPECT_EQ(r.services[3].service, "platform");
}

TEST_F(MonthlyReportTest, ClosedThenRepeatedNeedsARepeatAfterTheClose) {
  MonthlyReport r = Build("2026-11", now);
  // AI-3 (closed 11-10) and OPS-9 (closed again 11-13) on INC-3, which INC-5
  // repeated on 12-05. Not AI-13: INC-4 repeated INC-1 before it closed. Not
  // AI-8 or OPS-10: nothing repeated their incidents. Not AI-7: closed in October.
  ASSERT_EQ(r.closed_then_repeated.size(), 2u);
  const MonthlyItem& ai3 = r.closed_then_repeated[0];
  EXPECT_EQ(ai3.id, "AI-3");
  EXPECT_EQ(*ai3.closed_at, T("2026-11-10T00:00:00Z"));
  EXPECT_EQ(ai3.repeated_by, "INC-5");
  EXPECT_EQ(*ai3.repeated_at, T("2026-12-05T00:00:00Z"));
  const MonthlyItem& ops9 = r.closed_then_repeated[1];
  EXPECT_EQ(ops9.id, "OPS-9");
  EXPECT_EQ(*ops9.closed_at, T("2026-11-13T00:00:00Z")) << "the close that counts is the last";
  EXPECT_EQ(ops9.repeated_by, "INC-5");

  // Seen before INC-5 was detected, nothing has repeated yet.
  MonthlyReport before = Build("2026-11", T("2026-12-04T00:00:00Z"));
  EXPECT_EQ(before.summary.closed_then_repeated, 0u);
  EXPECT_EQ(before.summary.closed, 5u);
  EXPECT_EQ(before.summary.open, 5u);
}

TEST_F(MonthlyReportTest, CurrentMonthIsJudgedNow) {
  MonthlyReport r = Build("2026-12", now);
  EXPECT_FALSE(r.month_over);
  EXPECT_EQ(r.end, now);
  EXPECT_EQ(r.summary.opened, 1u) << "AI-11, opened at the month's first instant; a reopening is no opening";
  EXPECT_EQ(r.summary.closed, 0u);
  EXPECT_EQ(r.summary.open, 7u);
  EXPECT_EQ(r.summary.overdue, 4u);
  EXPECT_EQ(r.summary.unlinked, 1u);
  EXPECT_EQ(r.summary.repeated, 2u);
  EXPECT_EQ(r.summary.closed_then_repeated, 0u);
  EXPECT_EQ(Ids(r), (Strings{"AI-1", "AI-12", "OPS-4", "OPS-5", "AI-2", "OPS-10", "AI-11"}));
  EXPECT_EQ(Ids(r, r.repeated), (Strings{"AI-1", "AI-12"}));
  EXPECT_EQ(Item(r, "AI-1").age_days, 65);
  EXPECT_EQ(Item(r, "AI-12").age_days, 36);
  EXPECT_EQ(Item(r, "AI-12").repeated_by, "INC-5");
  EXPECT_EQ(Item(r, "OPS-10").age_days, 24) << "reopened, but opened on 11-16";
  EXPECT_EQ(Item(r, "AI-11").age_days, 9);

  // Earlier in the month, "now" is earlier: OPS-4 (due 12-05) is not overdue
  // yet and INC-5 has not happened.
  MonthlyReport early = Build("2026-12", T("2026-12-04T00:00:00Z"));
  EXPECT_EQ(early.end, T("2026-12-04T00:00:00Z"));
  EXPECT_EQ(early.summary.open, 7u);
  EXPECT_EQ(early.summary.overdue, 3u);
  EXPECT_EQ(early.summary.repeated, 1u);
  EXPECT_EQ(Ids(early), (Strings{"AI-1", "AI-12", "OPS-5", "AI-2", "OPS-4", "OPS-10", "AI-11"}));
  EXPECT_EQ(Item(early, "OPS-4").age_days, 29);
  // On the month's first day, OPS-10 (reopened 12-02) is still closed.
  EXPECT_EQ(Build("2026-12", T("2026-12-01T12:00:00Z")).summary.open, 6u);
}

TEST_F(MonthlyReportTest, EmptyMonthGivesZerosAndEmptyLists) {
  MonthlyReport r = Build("2026-01", now);
  EXPECT_EQ(r.summary.opened, 0u);
  EXPECT_EQ(r.summary.closed, 0u);
  EXPECT_EQ(r.summary.open, 0u);
  EXPECT_EQ(r.summary.overdue, 0u);
  EXPECT_EQ(r.summary.unlinked, 0u);
  EXPECT_EQ(r.summary.repeated, 0u);
  EXPECT_EQ(r.summary.closed_then_repeated, 0u);
  EXPECT_TRUE(r.items.empty());
  EXPECT_TRUE(r.services.empty());
  EXPECT_TRUE(r.unlinked.empty());
  EXPECT_TRUE(r.repeated.empty());
  EXPECT_TRUE(r.closed_then_repeated.empty());

  json::object doc = json::parse(Render("2026-01", "json", now)).as_object();
  EXPECT_EQ(doc.at("month").as_string(), "2026-01");
  for (const char* figure : {"opened", "closed", "open", "overdue", "unlinked", "repeated"}) {
    EXPECT_EQ(doc.at("summary").at(figure).as_int64(), 0) << figure;
  }
  for (const char* list : {"items", "unlinked", "repeated", "closed_then_repeated"}) {
    EXPECT_TRUE(doc.at(list).as_array().empty()) << list;
  }
  std::vector<std::vector<std::string>> csv = ReadCsv(Render("2026-01", "csv", now));
  ASSERT_EQ(csv.size(), 1u);
  EXPECT_EQ(csv[0][0], "id");
  std::string md = Render("2026-01", "md", now);
  EXPECT_NE(md.find("Nothing to review: no action item was open at the end of the month."), std::string::npos);
  EXPECT_NE(md.find("| Open at the month's end | 0 |"), std::string::npos);
  std::string html = Render("2026-01", "html", now);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("Nothing to review"), std::string::npos);
  EXPECT_TRUE(html.ends_with("</html>\n"));
}

TEST_F(MonthlyReportTest, JsonHasTheContractsNames) {
  json::object doc = json::parse(Render("2026-11", "json", now)).as_object();
  EXPECT_EQ(doc.at("month").as_string(), "2026-11");
  EXPECT_EQ(doc.at("end").as_string(), "2026-12-01T00:00:00Z");
  const json::object& s = doc.at("summary").as_object();
  EXPECT_EQ(s.at("opened").as_int64(), 9);
  EXPECT_EQ(s.at("closed").as_int64(), 5);
  EXPECT_EQ(s.at("open").as_int64(), 5);
  EXPECT_EQ(s.at("overdue").as_int64(), 2);
  EXPECT_EQ(s.at("unlinked").as_int64(), 1);
  EXPECT_EQ(s.at("repeated").as_int64(), 1);
  EXPECT_EQ(s.at("closed_then_repeated").as_int64(), 2);

  const json::array& items = doc.at("items").as_array();
  ASSERT_EQ(items.size(), 5u);
  const json::object& first = items[0].as_object();
  for (const char* name : {"id", "title", "url", "service", "incident_id", "opened_at", "due_at", "age_days",
                           "overdue", "repeated"}) {
    EXPECT_TRUE(first.contains(name)) << name;
  }
  EXPECT_EQ(first.at("id").as_string(), "AI-1");
  EXPECT_EQ(first.at("title").as_string(), "Add a canary for card payments");
  EXPECT_EQ(first.at("url").as_string(), "https://issues.example.internal/AI-1");
  EXPECT_EQ(first.at("service").as_string(), "checkout");
  EXPECT_EQ(first.at("incident_id").as_string(), "INC-1");
  EXPECT_EQ(first.at("opened_at").as_string(), "2026-10-06T00:00:00Z");
  EXPECT_EQ(first.at("due_at").as_string(), "2026-11-05T00:00:00Z");
  EXPECT_EQ(first.at("age_days").as_int64(), 56);
  EXPECT_EQ(first.at("overdue").as_bool(), true);
  EXPECT_EQ(first.at("repeated").as_bool(), true);
  const json::object& unlinked = items[1].as_object();
  EXPECT_EQ(unlinked.at("id").as_string(), "OPS-5");
  EXPECT_TRUE(unlinked.at("incident_id").is_null());
  EXPECT_EQ(unlinked.at("title").as_string(), "Rotate <script>alert(1)</script> the on-call runbook");
  EXPECT_EQ(items[2].at("title").as_string(), "Size the \"search\" pool, then alert");
  EXPECT_EQ(items[2].at("repeated").as_bool(), false);

  EXPECT_EQ(json::serialize(doc.at("unlinked")), R"(["OPS-5"])");
  EXPECT_EQ(json::serialize(doc.at("repeated")), R"(["AI-1"])");
  const json::array& closed = doc.at("closed_then_repeated").as_array();
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(closed[0].at("id").as_string(), "AI-3");
  EXPECT_EQ(closed[0].at("incident_id").as_string(), "INC-3");
  EXPECT_EQ(closed[0].at("closed_at").as_string(), "2026-11-10T00:00:00Z");
  EXPECT_EQ(closed[0].at("repeated_by").as_string(), "INC-5");
  EXPECT_EQ(closed[1].at("id").as_string(), "OPS-9");
}

TEST_F(MonthlyReportTest, CsvHasOneRowPerOpenItem) {
  std::vector<std::vector<std::string>> rows = ReadCsv(Render("2026-11", "csv", now));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0], (Strings{"id", "title", "url", "service", "incident_id", "opened_at", "due_at", "age_days",
                              "overdue", "repeated"}));
  EXPECT_EQ(rows[1], (Strings{"AI-1", "Add a canary for card payments", "https://issues.example.internal/AI-1",
                              "checkout", "INC-1", "2026-10-06T00:00:00Z", "2026-11-05T00:00:00Z", "56", "true",
                              "true"}));
  EXPECT_EQ(rows[2][0], "OPS-5");
  EXPECT_EQ(rows[2][4], "") << "unlinked";
  EXPECT_EQ(rows[3][1], "Size the \"search\" pool, then alert") << "quoted: a comma and quotes";
  EXPECT_EQ(rows[3][7], "28");
  EXPECT_EQ(rows[3][8], "false");
  EXPECT_EQ(rows[5][0], "OPS-4");
}

TEST_F(MonthlyReportTest, MarkdownGroupsOpenItemsByService) {
  std::string md = Render("2026-11", "md", now);
  EXPECT_EQ(md.rfind("# Action items: monthly review 2026-11\n", 0), 0u);
  EXPECT_NE(md.find("| Opened in the month | 9 |"), std::string::npos);
  EXPECT_NE(md.find("| Closed in the month (and still closed) | 5 |"), std::string::npos);
  EXPECT_NE(md.find("| Open at the month's end | 5 |"), std::string::npos);
  EXPECT_NE(md.find("| Open and overdue | 2 |"), std::string::npos);
  size_t search = md.find("### search (2)"), checkout = md.find("### checkout (1)"),
         payments = md.find("### payments (1)"), platform = md.find("### platform (1)"),
         unlinked = md.find("## Unlinked items"), repeated = md.find("## Items whose incident repeated"),
         closed = md.find("## Closed this month, then repeated");
  ASSERT_NE(search, std::string::npos);
  EXPECT_LT(search, checkout);
  EXPECT_LT(checkout, payments);
  EXPECT_LT(payments, platform);
  EXPECT_LT(platform, unlinked);
  EXPECT_LT(unlinked, repeated);
  EXPECT_LT(repeated, closed);
  ASSERT_NE(closed, std::string::npos);
  // AI-2 and OPS-4 sit in the search table, oldest first.
  size_t ai2 = md.find("[AI-2](https://issues.example.internal/AI-2)", search);
  size_t ops4 = md.find("[OPS-4](https://jira.example.internal/browse/OPS-4)", search);
  EXPECT_LT(ai2, checkout);
  EXPECT_LT(ai2, ops4);
  EXPECT_LT(ops4, checkout);
  EXPECT_NE(md.find("[AI-3](https://issues.example.internal/AI-3)", closed), std::string::npos);
  EXPECT_NE(md.find("Rotate \\<script\\>alert(1)\\</script\\> the on-call runbook"), std::string::npos);
  EXPECT_EQ(md.find("javascript:"), std::string::npos) << "only http(s) urls become links";
  // Every table row is as wide as its header.
  size_t width = 0;
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '|') {
      width = 0;
      continue;
    }
    std::string bare;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        ++i;
        continue;
      }
      bare += line[i];
    }
    size_t n = static_cast<size_t>(std::count(bare.begin(), bare.end(), '|'));
    if (width == 0) width = n;
    EXPECT_EQ(n, width) << line;
  }
}

TEST_F(MonthlyReportTest, HtmlEscapesTitlesAndLinksIds) {
  std::string html = Render("2026-11", "html", now);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("Rotate &lt;script&gt;alert(1)&lt;/script&gt; the on-call runbook"), std::string::npos);
  EXPECT_NE(html.find("Size the &quot;search&quot; pool, then alert"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://issues.example.internal/AI-1\">AI-1</a>"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  for (const char* external : {"<link", "src=", "@import", "url(", "@font-face"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_NE(html.find("id=\"figure-opened\"><div class=\"label\">Opened</div><div class=\"value\">9</div>"),
            std::string::npos);
  EXPECT_NE(html.find("id=\"figure-overdue\"><div class=\"label\">Overdue</div><div class=\"value\">2</div>"),
            std::string::npos);
  size_t by_service = html.find("Open items by service (5)"), unlinked = html.find("Unlinked items (1)"),
         repeated = html.find("Items whose incident repeated (1)"),
         closed = html.find("Closed this month, then repeated (2)");
  ASSERT_NE(by_service, std::string::npos);
  EXPECT_LT(by_service, html.find("<h3>search (2)</h3>"));
  EXPECT_LT(html.find("<h3>platform (1)</h3>"), unlinked);
  EXPECT_LT(unlinked, repeated);
  EXPECT_LT(repeated, closed);
  ASSERT_NE(closed, std::string::npos);
}

TEST_F(MonthlyReportTest, EveryFormatWithAMonthlyReviewRendersIt) {
  MonthlyReport r = Build("2026-11", now);
  size_t with = 0;
  for (const ReportFormat* f : ReportFormats()) {
    if (f->render_monthly == nullptr) continue;
    ++with;
    std::string text = RenderMonthlyReport(r, *f);
    EXPECT_NE(text.find("AI-1"), std::string::npos) << f->name;
    EXPECT_EQ(text, Render("2026-11", f->name, now)) << f->name;
  }
  EXPECT_EQ(with, 4u);
  EXPECT_EQ(MonthlyReportFormatNames(), "csv, json, md, html");
  EXPECT_EQ(FindReportFormat("openmetrics")->render_monthly, nullptr);
}

TEST(MonthlyParams, ParseMonthAcceptsPastAndCurrentMonths) {
  Time now = T("2026-12-10T00:00:00Z");
  Result<ReportMonth> nov = ParseMonth("2026-11", now);
  ASSERT_TRUE(nov.ok()) << nov.status().message();
  EXPECT_EQ(nov->label, "2026-11");
  EXPECT_EQ(nov->from, T("2026-11-01T00:00:00Z"));
  EXPECT_EQ(nov->to, T("2026-12-01T00:00:00Z"));
  Result<ReportMonth> dec = ParseMonth("2026-12", now);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(dec->to, T("2027-01-01T00:00:00Z"));
  Result<ReportMonth> feb = ParseMonth("2024-02", now);
  ASSERT_TRUE(feb.ok());
  EXPECT_EQ(feb->to - feb->from, Days(29));
  EXPECT_TRUE(ParseMonth("2026-12", T("2026-12-01T00:00:00Z")).ok()) << "its first instant is in it";
}

TEST(MonthlyParams, ParseMonthRejectsNamingTheMonth) {
  Time now = T("2026-12-10T00:00:00Z");
  for (const char* bad : {"2026-13", "2026-1", "x", "", "2026-00", "2026/11", "2026-11-01", "20261-1", "1969-12",
                          "2027-01", "+026-11", "2026-1a"}) {
    Result<ReportMonth> m = ParseMonth(bad, now);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(m.status().field(), "month") << bad;
  }
  EXPECT_NE(ParseMonth("2026-13", now).status().message().find("01 to 12"), std::string::npos);
  EXPECT_NE(ParseMonth("2026-1", now).status().message().find("like 2026-11"), std::string::npos);
  EXPECT_NE(ParseMonth("2027-01", now).status().message().find("has not begun"), std::string::npos);
  EXPECT_FALSE(ParseMonth("2027-01", T("2026-12-31T23:59:59.999Z")).ok());
}

TEST(MonthlyParams, QueryNeedsAMonthAndAFormatWithAMonthlyReview) {
  Time now = T("2026-12-10T00:00:00Z");
  Result<MonthlyReportRequest> req = ParseMonthlyReportQuery({{"month", "2026-11"}}, now);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->format->name, "json");
  EXPECT_EQ(ReportFileName(req->month, Fmt("md")), "debriefd-2026-11.md");
  req = ParseMonthlyReportQuery({{"month", "2026-11"}, {"format", "markdown"}}, now);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->format->name, "md");

  struct Case {
    std::map<std::string, std::string> query;
    const char* field;
  };
  for (const Case& c : {Case{{}, "month"}, Case{{{"month", "2026-13"}}, "month"},
                        Case{{{"month", "2026-11"}, {"format", "openmetrics"}}, "format"},
                        Case{{{"month", "2026-11"}, {"format", "xlsx"}}, "format"},
                        Case{{{"month", "2026-11"}, {"quarter", "2026-Q4"}}, "quarter"}}) {
    Result<MonthlyReportRequest> r = ParseMonthlyReportQuery(c.query, now);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.status().field(), c.field);
  }
  Status om = ParseMonthlyReportFormat("openmetrics").status();
  EXPECT_NE(om.message().find("csv, json, md, html"), std::string::npos) << om.message();
}

TEST(MonthlyParams, FutureMonthBuildsAnEmptyReport) {
  IncidentTracker t{Policy{}};
  ReportMonth jan = ParseMonth("2027-01", T("2027-01-05T00:00:00Z")).value();
  MonthlyReport r = BuildMonthlyReport(t, T("2026-12-10T00:00:00Z"), jan);
  EXPECT_EQ(r.end, jan.from);
  EXPECT_TRUE(r.items.empty());
  EXPECT_EQ(r.summary.opened, 0u);
}

}  // namespace
}  // namespace debriefd
