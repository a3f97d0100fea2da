// GET /api/v1/reports/quarterly: every format as a download, parameter
// errors as 400 naming the field, and the read token.
#include <gtest/gtest.h>

#include "tests/exporters/report/report_fixture.h"
#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

class ReportApiTest : public ::testing::Test {
 protected:
  ReportApiTest() : api(FixtureConfig(), T("2026-10-15T00:00:00Z")) {
    api.ReplayFile(SourcePath("tests/fixtures/report/history.jsonl"));
  }
  ApiHarness api;
};


TEST_F(ReportApiTest, ServesEveryFormatAsADownload) {
  struct Case {
    const char* format;
    const char* content_type;
    const char* file;
  };
  for (const Case& c : {Case{"csv", "text/csv; charset=utf-8; header=present", "debriefd-2026-Q3.csv"},
                        Case{"json", "application/json", "debriefd-2026-Q3.json"},
                        Case{"md", "text/markdown; charset=utf-8", "debriefd-2026-Q3.md"},
                        Case{"html", "text/html; charset=utf-8", "debriefd-2026-Q3.html"},
                        Case{"openmetrics", "application/openmetrics-text; version=1.0.0; charset=utf-8",
                             "debriefd-2026-Q3.om.txt"}}) {
    HttpResponse r = api.Get(std::string("/api/v1/reports/quarterly?quarter=2026-Q3&format=") + c.format);
    ASSERT_EQ(r.status, 200) << c.format << ": " << r.body;
    EXPECT_EQ(r.content_type, c.content_type);
    EXPECT_EQ(r.headers["Content-Disposition"], std::string("attachment; filename=\"") + c.file + "\"");
    Result<const ReportFormat*> format = ParseReportFormat(c.format);
    std::string expected = api.ingest().Read([&](const IncidentTracker& t, Time now) {
      return RenderReport(t, now, ParseQuarter("2026-Q3").value(), **format);
    });
    EXPECT_EQ(r.body, expected) << c.format;
  }
  HttpResponse r = api.Get("/api/v1/reports/quarterly?quarter=2026-Q3");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("summary").at("incidents").as_int64(), 5);

  r = api.Get("/api/v1/reports/quarterly?from=2026-09-01&to=2026-09-30&format=csv");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Content-Disposition"], "attachment; filename=\"debriefd-2026-09-01..2026-09-30.csv\"");
  EXPECT_EQ(ReadCsv(r.body).size(), 4u);  // header and three incidents
}

TEST_F(ReportApiTest, BadParametersAre400WithTheField) {
  struct Case {
    const char* query;
    const char* field;
  };
  for (const Case& c :
       {Case{"", "quarter"}, Case{"quarter=2026-Q9", "quarter"},
        Case{"quarter=2026-Q3&format=xlsx", "format"}, Case{"from=2026-07-01", "to"},
        Case{"from=2026-08-01&to=2026-07-01", "to"}, Case{"from=July&to=2026-07-01", "from"},
        Case{"quarter=2026-Q3&from=2026-07-01", "from"}, Case{"quarter=2026-Q3&sort=id", "sort"}}) {
    HttpResponse r = api.Get(std::string("/api/v1/reports/quarterly?") + c.query);
    EXPECT_EQ(r.status, 400) << c.query;
    json::value body = json::parse(r.body);
    ASSERT_TRUE(body.as_object().contains("field")) << c.query << ": " << r.body;
    EXPECT_EQ(body.at("field").as_string(), c.field) << c.query << ": " << r.body;
    EXPECT_FALSE(body.at("error").as_string().empty());
  }
  EXPECT_EQ(api.Call("POST", "/api/v1/reports/quarterly?quarter=2026-Q3").status, 405);
}

TEST(ReportApi, NeedsTheReadToken) {
  Config config = FixtureConfig();
  config.auth.read_token = "s3cret";
  ApiHarness api(config, T("2026-10-15T00:00:00Z"));
  EXPECT_EQ(api.Get("/api/v1/reports/quarterly?quarter=2026-Q3").status, 401);
  EXPECT_EQ(api.Call("GET", "/api/v1/reports/quarterly?quarter=2026-Q3", "", "Bearer s3cret").status, 200);
}

}  // namespace
}  // namespace debriefd
