// CSV: every column of every incident, read back by a careful RFC 4180 reader.
#include <gtest/gtest.h>

#include "tests/exporters/report/report_fixture.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

TEST_F(ReportTest, CsvHasEveryColumnOfEveryIncidentAsComputedByHand) {
  std::string csv = Render("2026-Q3", Fmt("csv"));
  std::vector<std::vector<std::string>> records = ReadCsv(csv);
  const std::vector<std::vector<std::string>> expected = {
      {"incident_id",
       "service",
       "severity",
       "title",
       "started_at",
       "detected_at",
       "resolved_at",
       "time_to_detect_seconds",
       "time_to_fix_seconds",
       "detect_goal_met",
       "fix_goal_met",
       "suspected_cause",
       "confirmed_cause",
       "debrief_status",
       "debrief_completed_at",
       "debrief_on_time",
       "action_items_open",
       "action_items_closed",
       "repeat_of",
       "auto_resolved"},
      {"INC-A",
       "checkout",
       "critical",
       "Checkout \"pay\" fails, users see 500\nretry storms",
       "2026-07-02T08:00:00Z",
       "2026-07-02T09:10:00Z",
       "2026-07-02T09:40:00Z",
       "4200",
       "6000",
       "false",
       "false",
       "chg-1",
       "chg-1",
       "done",
       "2026-07-03T12:00:00Z",
       "true",
       "1",
       "1",
       "",
       "false"},
      {"INC-B",
       "payments",
       "warning",
       "Card payments slow",
       "2026-08-10T14:00:00Z",
       "2026-08-10T14:00:00Z",
       "2026-08-10T16:30:00Z",
       "0",
       "9000",
       "true",
       "true",
       "chg-2",
       "",
       "done",
       "2026-08-15T10:00:00Z",
       "false",
       "0",
       "1",
       "",
       "false"},
      {"inc-000001",
       "search",
       "critical",
       "Search p99 latency above 2s",
       "2026-09-05T03:00:00Z",
       "2026-09-05T03:02:00Z",
       "2026-09-05T03:20:00Z",
       "120",
       "1200",
       "true",
       "true",
       "",
       "",
       "overdue",
       "",
       "",
       "0",
       "0",
       "INC-G",
       "true"},
      {"INC-D",
       "checkout",
       "critical",
       "Checkout timeouts again",
       "2026-09-20T10:00:00Z",
       "2026-09-20T10:20:00Z",
       "",
       "1200",
       "",
       "false",
       "",
       "",
       "",
       "pending",
       "",
       "",
       "0",
       "0",
       "INC-A",
       "false"},
      {"INC-E",
       "payments",
       "warning",
       "Refunds delayed",
       "2026-09-30T23:55:00Z",
       "2026-10-01T00:10:00Z",
       "2026-10-01T01:00:00Z",
       "900",
       "3900",
       "true",
       "true",
       "",
       "",
       "waived",
       "",
       "",
       "0",
       "0",
       "INC-B",
       "false"},
  };
  ASSERT_EQ(records.size(), expected.size());
  for (size_t r = 0; r < expected.size(); ++r) {
    ASSERT_EQ(records[r].size(), expected[r].size()) << "record " << r;
    for (size_t c = 0; c < expected[r].size(); ++c) {
      EXPECT_EQ(records[r][c], expected[r][c]) << "record " << r << " column " << expected[0][c];
    }
  }
  // The title needed quoting: comma, quote and newline.
  EXPECT_NE(csv.find("\"Checkout \"\"pay\"\" fails, users see 500\nretry storms\""), std::string::npos);
}

TEST_F(ReportTest, CsvTextThatASpreadsheetWouldRunIsWrittenAsText) {
  const Time at = T("2026-11-02T10:00:00Z");
  Event declared = Native(IncidentDeclared{"INC-CSV", at, "checkout", "critical", "=HYPERLINK(\"http://x\",\"y\")"}, at);
  Status applied = tracker.Apply(declared);
  ASSERT_TRUE(applied.ok()) << applied.message();
  TrackerIssue issue;
  issue.id = "OPS-1";
  issue.time = at;
  issue.title = "@SUM(A1:A9)";
  issue.labels = {"debrief", "incident:INC-CSV"};
  Event tracked = Native(issue, at);
  tracked.dedup_key = "jira:1";
  ASSERT_TRUE(tracker.Apply(tracked).ok());

  std::vector<std::vector<std::string>> rows = ReadCsv(Render("2026-Q4", Fmt("csv")));
  auto row = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r[0] == "INC-CSV"; });
  ASSERT_NE(row, rows.end());
  EXPECT_EQ((*row)[3], "'=HYPERLINK(\"http://x\",\"y\")") << "title";
  EXPECT_EQ((*row)[7], "0") << "numbers are not text: written as they are";

  const std::string monthly = RenderMonthlyReport(tracker, T("2026-12-03T00:00:00Z"),
                                                  ParseMonth("2026-11", T("2026-12-03T00:00:00Z")).value(), Fmt("csv"));
  rows = ReadCsv(monthly);
  row = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r[0] == "OPS-1"; });
  ASSERT_NE(row, rows.end());
  EXPECT_EQ((*row)[1], "'@SUM(A1:A9)");
}

}  // namespace
}  // namespace debriefd
