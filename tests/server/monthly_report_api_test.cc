// GET /api/v1/reports/monthly: the monthly review of action items in every
// format that has one, as a download; parameter errors as 400 naming the field.
//
// tests/fixtures/report/monthly.jsonl, seen on 2026-12-10, for 2026-11:
// AI-M1 (INC-M1, checkout, opened 10-21 09:00, due 11-20 09:00) open, overdue,
// 40 days old, its incident repeated by INC-M5 on 11-25; AI-M2 (INC-M2, search,
// opened 11-03 10:00, due 12-20) open, 27 days old; AI-M3 (INC-M2) closed 11-12;
// AI-M4 (INC-M3, payments) closed 11-10, then INC-M4 repeated INC-M3 on 11-18.
#include <gtest/gtest.h>

#include "tests/exporters/report/report_fixture.h"
#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

class MonthlyReportApiTest : public ::testing::Test {
 protected:
  MonthlyReportApiTest() : api(FixtureConfig(), T("2026-12-10T00:00:00Z")) {
    ReplaySummary s = api.ReplayFile(SourcePath("tests/fixtures/report/monthly.jsonl"));
    EXPECT_EQ(s.accepted, 16u);
  }
  ApiHarness api;
};

TEST_F(MonthlyReportApiTest, ServesEveryMonthlyFormatAsADownload) {
  struct Case {
    const char* format;
    const char* content_type;
    const char* file;
  };
  for (const Case& c : {Case{"csv", "text/csv; charset=utf-8; header=present", "debriefd-2026-11.csv"},
                        Case{"json", "application/json", "debriefd-2026-11.json"},
                        Case{"md", "text/markdown; charset=utf-8", "debriefd-2026-11.md"},
                        Case{"markdown", "text/markdown; charset=utf-8", "debriefd-2026-11.md"},
                        Case{"html", "text/html; charset=utf-8", "debriefd-2026-11.html"}}) {
    HttpResponse r = api.Get(std::string("/api/v1/reports/monthly?month=2026-11&format=") + c.format);
    ASSERT_EQ(r.status, 200) << c.format << ": " << r.body;
    EXPECT_EQ(r.content_type, c.content_type);
    EXPECT_EQ(r.headers["Content-Disposition"], std::string("attachment; filename=\"") + c.file + "\"");
    const ReportFormat& format = Fmt(c.format);
    std::string expected = api.ingest().Read([&](const IncidentTracker& t, Time now) {
      return RenderMonthlyReport(t, now, ParseMonth("2026-11", now).value(), format);
    });
    EXPECT_EQ(r.body, expected) << c.format;
  }
}

TEST_F(MonthlyReportApiTest, DefaultsToJsonWithTheFigures) {
  HttpResponse r = api.Get("/api/v1/reports/monthly?month=2026-11");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  json::value doc = json::parse(r.body);
  EXPECT_EQ(doc.at("month").as_string(), "2026-11");
  const json::value& s = doc.at("summary");
  EXPECT_EQ(s.at("opened").as_int64(), 3);
  EXPECT_EQ(s.at("closed").as_int64(), 2);
  EXPECT_EQ(s.at("open").as_int64(), 2);
  EXPECT_EQ(s.at("overdue").as_int64(), 1);
  EXPECT_EQ(s.at("unlinked").as_int64(), 0);
  EXPECT_EQ(s.at("repeated").as_int64(), 1);
  const json::array& items = doc.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("id").as_string(), "AI-M1");
  EXPECT_EQ(items[0].at("age_days").as_int64(), 40);
  EXPECT_EQ(items[0].at("overdue").as_bool(), true);
  EXPECT_EQ(items[0].at("repeated").as_bool(), true);
  EXPECT_EQ(items[1].at("id").as_string(), "AI-M2");
  EXPECT_EQ(items[1].at("age_days").as_int64(), 27);
  EXPECT_EQ(items[1].at("due_at").as_string(), "2026-12-20T00:00:00Z");
  EXPECT_EQ(json::serialize(doc.at("repeated")), R"(["AI-M1"])");
  EXPECT_TRUE(doc.at("unlinked").as_array().empty());
  const json::array& closed = doc.at("closed_then_repeated").as_array();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].at("id").as_string(), "AI-M4");
  EXPECT_EQ(closed[0].at("repeated_by").as_string(), "INC-M4");

  // The current month is judged now: AI-M1 and AI-M2 are open, nothing was
  // opened or closed in December.
  r = api.Get("/api/v1/reports/monthly?month=2026-12&format=json");
  ASSERT_EQ(r.status, 200) << r.body;
  doc = json::parse(r.body);
  EXPECT_EQ(doc.at("end").as_string(), "2026-12-10T00:00:00Z");
  EXPECT_EQ(doc.at("summary").at("open").as_int64(), 2);
  EXPECT_EQ(doc.at("summary").at("opened").as_int64(), 0);
}

TEST_F(MonthlyReportApiTest, BadParametersAre400WithTheField) {
  struct Case {
    const char* query;
    const char* field;
    const char* says;
  };
  for (const Case& c : {Case{"", "month", "missing"}, Case{"month=2026-13", "month", "01 to 12"},
                        Case{"month=2026-1", "month", "like 2026-11"}, Case{"month=x", "month", "like 2026-11"},
                        Case{"month=2027-01", "month", "has not begun"},
                        Case{"month=2026-11&format=openmetrics", "format", "csv, json, md, html"},
                        Case{"month=2026-11&format=xlsx", "format", "csv, json, md, html"},
                        Case{"month=2026-11&quarter=2026-Q4", "quarter", "unknown query parameter"},
                        Case{"month=2026-11&sort=id", "sort", "unknown query parameter"}}) {
    HttpResponse r = api.Get(std::string("/api/v1/reports/monthly?") + c.query);
    EXPECT_EQ(r.status, 400) << c.query;
    EXPECT_EQ(r.content_type, "application/json") << c.query;
    json::value body = json::parse(r.body);
    ASSERT_TRUE(body.as_object().contains("field")) << c.query << ": " << r.body;
    EXPECT_EQ(body.at("field").as_string(), c.field) << c.query << ": " << r.body;
    EXPECT_NE(std::string(body.at("error").as_string()).find(c.says), std::string::npos)
        << c.query << ": " << r.body;
  }
  EXPECT_EQ(api.Call("POST", "/api/v1/reports/monthly?month=2026-11").status, 405);
}

TEST(MonthlyReportApi, NeedsTheReadToken) {
  Config config = FixtureConfig();
  config.auth.read_token = "s3cret";
  ApiHarness api(config, T("2026-12-10T00:00:00Z"));
  EXPECT_EQ(api.Get("/api/v1/reports/monthly?month=2026-11").status, 401);
  HttpResponse r = api.Call("GET", "/api/v1/reports/monthly?month=2026-11", "", "Bearer s3cret");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("summary").at("open").as_int64(), 0) << "an empty store: an empty review";
}

}  // namespace
}  // namespace debriefd
