// The model: which incidents a range holds, its figures against the
// hand-computed fixture, the per-service breakdown and the attention lists.
#include <gtest/gtest.h>

#include "tests/exporters/report/report_fixture.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

// Expected figures, in the order of the JSON summary; nullopt is null.
using Figures = std::vector<std::pair<const char*, std::optional<double>>>;

void ExpectSummary(const json::object& s, const Figures& expected, const std::string& what) {
  ASSERT_EQ(s.size(), expected.size()) << what;
  size_t i = 0;
  for (const auto& kv : s) {
    const auto& [name, value] = expected[i++];
    ASSERT_EQ(kv.key(), name) << what;
    if (!value) {
      EXPECT_TRUE(kv.value().is_null()) << what << "." << name << " = " << json::serialize(kv.value());
    } else {
      ASSERT_TRUE(kv.value().is_number()) << what << "." << name;
      EXPECT_DOUBLE_EQ(kv.value().to_number<double>(), *value) << what << "." << name;
    }
  }
}


TEST(ReportMath, NearestRankPercentiles) {
  auto secs = [](std::initializer_list<int> v) {
    std::vector<Duration> out;
    for (int s : v) out.push_back(std::chrono::seconds(s));
    return out;
  };
  EXPECT_FALSE(NearestRank({}, 50));
  struct Case {
    std::vector<Duration> values;
    int p;
    int expected;
  };
  for (const Case& c :
       {Case{secs({7}), 50, 7}, Case{secs({7}), 90, 7}, Case{secs({1, 2}), 50, 1},  // rank ceil(1.0) = 1
        Case{secs({1, 2}), 90, 2},                                                  // rank ceil(1.8) = 2
        Case{secs({0, 120, 900, 1200, 4200}), 50, 900},                             // rank 3
        Case{secs({0, 120, 900, 1200, 4200}), 90, 4200},                            // rank ceil(4.5) = 5
        Case{secs({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 50, 5},
        Case{secs({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 90, 9},
        Case{secs({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 100, 10}}) {
    EXPECT_EQ(NearestRank(c.values, c.p), std::chrono::seconds(c.expected))
        << "p" << c.p << " of " << c.values.size();
  }
}

TEST_F(ReportTest, AnIncidentBelongsToTheQuarterInWhichItStarted) {
  auto ids = [&](const std::string& q) {
    std::vector<std::string> out;
    for (const ReportRow& row : BuildReport(tracker, now, Quarter(q)).rows) out.push_back(row.incident_id);
    return out;
  };
  // INC-G was declared in Q3 but started one second before it; INC-E started
  // five minutes before Q4 and was declared in it; INC-F started at Q4's first instant.
  EXPECT_EQ(ids("2026-Q2"), (std::vector<std::string>{"INC-P1", "INC-G"}));
  EXPECT_EQ(ids("2026-Q3"), (std::vector<std::string>{"INC-A", "INC-B", "inc-000001", "INC-D", "INC-E"}));
  EXPECT_EQ(ids("2026-Q4"), (std::vector<std::string>{"INC-F"}));
}

TEST_F(ReportTest, SummaryPreviousQuarterAndDifferenceAsComputedByHand) {
  json::object o = Json("2026-Q3");
  EXPECT_EQ(o.at("range").at("label").as_string(), "2026-Q3");
  EXPECT_EQ(o.at("range").at("from").as_string(), "2026-07-01T00:00:00Z");
  EXPECT_EQ(o.at("range").at("to").as_string(), "2026-10-01T00:00:00Z");
  EXPECT_EQ(o.at("previous_range").at("label").as_string(), "2026-Q2");
  EXPECT_EQ(o.at("generated_at").as_string(), "2026-10-15T00:00:00Z");
  EXPECT_EQ(o.at("goals").at("warning").at("detect_seconds").as_int64(), 900);
  EXPECT_EQ(o.at("goals").at("critical").at("fix_seconds").as_int64(), 3600);

  // Q3: detect met B, C, E (3 of 5); fix met B, C, E of A, B, C, E (3 of 4).
  // time to detect sorted 0, 120, 900, 1200, 4200: p50 rank 3, p90 rank 5.
  // time to fix sorted 1200, 3900, 6000, 9000: p50 rank 2, p90 rank 4.
  // Debriefs: A on time, B late, C missing (overdue), D pending, E waived.
  // Action items: AI-1, AI-2 (A), AI-3 (B); AI-1 and AI-3 closed.
  // Repeats C, D, E; auto-resolved C; changes chg-1..3; confirmed cause: A.
  ExpectSummary(o.at("summary").as_object(),
                {{"incidents", 5},
                 {"incidents_resolved", 4},
                 {"detect_goal_met", 3},
                 {"fix_goal_met", 3},
                 {"detect_goal_attainment", 0.6},
                 {"fix_goal_attainment", 0.75},
                 {"time_to_detect_p50_seconds", 900},
                 {"time_to_detect_p90_seconds", 4200},
                 {"time_to_fix_p50_seconds", 3900},
                 {"time_to_fix_p90_seconds", 9000},
                 {"debriefs_required", 5},
                 {"debriefs_on_time", 1},
                 {"debriefs_late", 1},
                 {"debriefs_missing", 1},
                 {"debriefs_waived", 1},
                 {"debriefs_pending", 1},
                 {"action_items_opened", 3},
                 {"action_items_closed", 2},
                 {"repeats", 3},
                 {"auto_resolved", 1},
                 {"changes", 3},
                 {"confirmed_causes", 1},
                 {"change_failure_rate", 1.0 / 3}},
                "summary");
  // Q2: INC-P1 and INC-G; changes chg-q2, chg-q2b.
  ExpectSummary(o.at("previous_summary").as_object(),
                {{"incidents", 2},
                 {"incidents_resolved", 2},
                 {"detect_goal_met", 1},
                 {"fix_goal_met", 2},
                 {"detect_goal_attainment", 0.5},
                 {"fix_goal_attainment", 1},
                 {"time_to_detect_p50_seconds", 300},
                 {"time_to_detect_p90_seconds", 1201},
                 {"time_to_fix_p50_seconds", 3000},
                 {"time_to_fix_p90_seconds", 3601},
                 {"debriefs_required", 2},
                 {"debriefs_on_time", 1},
                 {"debriefs_late", 0},
                 {"debriefs_missing", 1},
                 {"debriefs_waived", 0},
                 {"debriefs_pending", 0},
                 {"action_items_opened", 0},
                 {"action_items_closed", 0},
                 {"repeats", 0},
                 {"auto_resolved", 0},
                 {"changes", 2},
                 {"confirmed_causes", 0},
                 {"change_failure_rate", 0}},
                "previous_summary");
  ExpectSummary(o.at("difference").as_object(),
                {{"incidents", 3},
                 {"incidents_resolved", 2},
                 {"detect_goal_met", 2},
                 {"fix_goal_met", 1},
                 {"detect_goal_attainment", 0.6 - 0.5},
                 {"fix_goal_attainment", -0.25},
                 {"time_to_detect_p50_seconds", 600},
                 {"time_to_detect_p90_seconds", 2999},
                 {"time_to_fix_p50_seconds", 900},
                 {"time_to_fix_p90_seconds", 5399},
                 {"debriefs_required", 3},
                 {"debriefs_on_time", 0},
                 {"debriefs_late", 1},
                 {"debriefs_missing", 0},
                 {"debriefs_waived", 1},
                 {"debriefs_pending", 1},
                 {"action_items_opened", 3},
                 {"action_items_closed", 2},
                 {"repeats", 3},
                 {"auto_resolved", 1},
                 {"changes", 1},
                 {"confirmed_causes", 1},
                 {"change_failure_rate", 1.0 / 3}},
                "difference");
}

TEST_F(ReportTest, PerServiceBreakdownMostIncidentsFirst) {
  json::object o = Json("2026-Q3");
  const json::array& services = o.at("services").as_array();
  ASSERT_EQ(services.size(), 3u);
  EXPECT_EQ(services[0].at("service").as_string(), "checkout");
  ExpectSummary(services[0].at("summary").as_object(),
                {{"incidents", 2},
                 {"incidents_resolved", 1},
                 {"detect_goal_met", 0},
                 {"fix_goal_met", 0},
                 {"detect_goal_attainment", 0},
                 {"fix_goal_attainment", 0},
                 {"time_to_detect_p50_seconds", 1200},
                 {"time_to_detect_p90_seconds", 4200},
                 {"time_to_fix_p50_seconds", 6000},
                 {"time_to_fix_p90_seconds", 6000},
                 {"debriefs_required", 2},
                 {"debriefs_on_time", 1},
                 {"debriefs_late", 0},
                 {"debriefs_missing", 0},
                 {"debriefs_waived", 0},
                 {"debriefs_pending", 1},
                 {"action_items_opened", 2},
                 {"action_items_closed", 1},
                 {"repeats", 1},
                 {"auto_resolved", 0},
                 {"changes", 1},
                 {"confirmed_causes", 1},
                 {"change_failure_rate", 1}},
                "checkout");
  EXPECT_EQ(services[1].at("service").as_string(), "payments");
  ExpectSummary(services[1].at("summary").as_object(),
                {{"incidents", 2},
                 {"incidents_resolved", 2},
                 {"detect_goal_met", 2},
                 {"fix_goal_met", 2},
                 {"detect_goal_attainment", 1},
                 {"fix_goal_attainment", 1},
                 {"time_to_detect_p50_seconds", 0},
                 {"time_to_detect_p90_seconds", 900},
                 {"time_to_fix_p50_seconds", 3900},
                 {"time_to_fix_p90_seconds", 9000},
                 {"debriefs_required", 2},
                 {"debriefs_on_time", 0},
                 {"debriefs_late", 1},
                 {"debriefs_missing", 0},
                 {"debriefs_waived", 1},
                 {"debriefs_pending", 0},
                 {"action_items_opened", 1},
                 {"action_items_closed", 1},
                 {"repeats", 1},
                 {"auto_resolved", 0},
                 {"changes", 1},
                 {"confirmed_causes", 0},
                 {"change_failure_rate", 0}},
                "payments");
  EXPECT_EQ(services[2].at("service").as_string(), "search");
  ExpectSummary(services[2].at("summary").as_object(),
                {{"incidents", 1},
                 {"incidents_resolved", 1},
                 {"detect_goal_met", 1},
                 {"fix_goal_met", 1},
                 {"detect_goal_attainment", 1},
                 {"fix_goal_attainment", 1},
                 {"time_to_detect_p50_seconds", 120},
                 {"time_to_detect_p90_seconds", 120},
                 {"time_to_fix_p50_seconds", 1200},
                 {"time_to_fix_p90_seconds", 1200},
                 {"debriefs_required", 1},
                 {"debriefs_on_time", 0},
                 {"debriefs_late", 0},
                 {"debriefs_missing", 1},
                 {"debriefs_waived", 0},
                 {"debriefs_pending", 0},
                 {"action_items_opened", 0},
                 {"action_items_closed", 0},
                 {"repeats", 1},
                 {"auto_resolved", 1},
                 {"changes", 1},
                 {"confirmed_causes", 0},
                 {"change_failure_rate", 0}},
                "search");
}

TEST_F(ReportTest, OverdueDebriefsAndOpenActionItemsAreListed) {
  json::object o = Json("2026-Q3");
  const json::array& overdue = o.at("overdue_debriefs").as_array();
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].at("incident_id").as_string(), "inc-000001");
  EXPECT_EQ(overdue[0].at("due_at").as_string(), "2026-09-08T03:20:00Z");
  // 2026-09-08T03:20 to 2026-10-15T00:00: 36 days 20 h 40 min.
  EXPECT_EQ(overdue[0].at("overdue_seconds").as_int64(), 36 * 86400 + 20 * 3600 + 40 * 60);
  const json::array& items = o.at("open_action_items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("id").as_string(), "AI-2");
  EXPECT_EQ(items[0].at("incident_id").as_string(), "INC-A");
  EXPECT_EQ(items[0].at("due_at").as_string(), "2026-08-02T12:00:00Z");  // 30 days after the debrief
  EXPECT_EQ(items[0].at("overdue").as_bool(), true);
}

TEST_F(ReportTest, CustomRangeComparesWithTheSpanBeforeIt) {
  // September: inc-000001, INC-D and INC-E; before it, the 30 days of August 2-31 hold INC-B.
  Result<ReportRange> range = ReportRangeFrom(std::nullopt, "2026-09-01", "2026-09-30");
  ASSERT_TRUE(range.ok());
  Report r = BuildReport(tracker, now, *range);
  EXPECT_EQ(r.summary.incidents, 3u);
  EXPECT_EQ(r.previous_range.from, T("2026-08-02T00:00:00Z"));
  EXPECT_EQ(r.previous_summary.incidents, 1u);
  EXPECT_EQ(r.summary.changes, 1u);           // chg-3
  EXPECT_EQ(r.previous_summary.changes, 1u);  // chg-2
}

TEST(ReportLists, LongListsShowTheFirstFiftyInMarkdownAndHtmlAndAllInJson) {
  Policy p;
  p.debrief_required_for = {"critical"};
  IncidentTracker t(p);
  Time s = T("2026-07-01T10:00:00Z");
  for (int i = 0; i < 55; ++i) {
    std::string id = "INC-" + std::to_string(i);
    Time at = s + Hours(i);
    ASSERT_TRUE(t.Apply(Native(IncidentDeclared{id, at, "checkout", "critical", "t", std::nullopt}, at)).ok());
    ASSERT_TRUE(
        t.Apply(Native(IncidentTransition{IncidentTransition::Kind::kResolved, id, at + Min(30)}, at + Min(30)))
            .ok());
  }
  ReportRange q3 = ParseQuarter("2026-Q3").value();
  Time now = T("2026-10-15T00:00:00Z");
  std::string md = RenderReport(t, now, q3, Fmt("md"));
  EXPECT_NE(md.find("\n\n… and 5 more; the JSON export lists them all.\n\n"), std::string::npos);
  size_t from = md.find("## Overdue debriefs"), to = md.find("## Open action items");
  std::string section = md.substr(from, to - from);
  size_t rows = 0;
  for (size_t pos = 0; (pos = section.find("| INC-", pos)) != std::string::npos; ++pos) ++rows;
  EXPECT_EQ(rows, 50u);
  std::string html = RenderReport(t, now, q3, Fmt("html"));
  EXPECT_NE(html.find("Overdue debriefs (55)"), std::string::npos);
  EXPECT_NE(html.find("… and 5 more"), std::string::npos);
  json::value doc = json::parse(RenderReport(t, now, q3, Fmt("json")));
  EXPECT_EQ(doc.at("overdue_debriefs").as_array().size(), 55u);
}

}  // namespace
}  // namespace debriefd
