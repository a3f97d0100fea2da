// The format table: names, content types, file names, query parameters, and
// every format through the one call.
#include <gtest/gtest.h>

#include <set>

#include "tests/exporters/report/report_fixture.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

TEST(ReportParams, FormatsContentTypesAndFileNames) {
  struct Case {
    const char* name;
    const char* format;  // its name in the table
    const char* content_type_prefix;
    const char* file;
  };
  ReportRange q3 = ParseQuarter("2026-Q3").value();
  for (const Case& c : {Case{"csv", "csv", "text/csv", "debriefd-2026-Q3.csv"},
                        Case{"json", "json", "application/json", "debriefd-2026-Q3.json"},
                        Case{"md", "md", "text/markdown", "debriefd-2026-Q3.md"},
                        Case{"markdown", "md", "text/markdown", "debriefd-2026-Q3.md"},
                        Case{"html", "html", "text/html", "debriefd-2026-Q3.html"},
                        Case{"openmetrics", "openmetrics", "application/openmetrics-text",
                             "debriefd-2026-Q3.om.txt"}}) {
    Result<const ReportFormat*> f = ParseReportFormat(c.name);
    ASSERT_TRUE(f.ok()) << c.name;
    EXPECT_EQ((*f)->name, c.format);
    EXPECT_EQ((*f)->content_type.rfind(c.content_type_prefix, 0), 0u) << (*f)->content_type;
    EXPECT_EQ(ReportFileName(q3, **f), c.file);
  }
  for (const char* bad : {"", "CSV", "xlsx", "pdf", "json "}) {
    Result<const ReportFormat*> f = ParseReportFormat(bad);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.status().field(), "format");
  }
  EXPECT_EQ(ParseReportFormat("xlsx").status().message(),
            "report: format: \"xlsx\" is not one of " + ReportFormatNames());
  ReportRange odd = ReportRangeFrom(std::nullopt, "2026-07-01T10:00:00Z", "2026-07-02").value();
  EXPECT_EQ(ReportFileName(odd, Fmt("csv")),
            "debriefd-2026-07-01T10-00-00Z..2026-07-03T00-00-00Z.csv");
}

TEST(ReportParams, QueryParametersDefaultToJsonAndRejectUnknownNames) {
  Result<ReportRequest> r = ParseReportQuery({{"quarter", "2026-Q3"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format->name, "json");
  r = ParseReportQuery({{"from", "2026-07-01"}, {"to", "2026-07-31"}, {"format", "csv"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format->name, "csv");
  EXPECT_EQ(r->range.to, T("2026-08-01T00:00:00Z"));
  r = ParseReportQuery({{"quarter", "2026-Q3"}, {"fromat", "csv"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "fromat");
  r = ParseReportQuery({{"quarter", "2026-Q3"}, {"format", "xls"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "format");
}

TEST_F(ReportTest, EmptyQuarterGivesAnEmptyButValidReport) {
  std::string csv = Render("2026-Q1", Fmt("csv"));
  std::vector<std::vector<std::string>> records = ReadCsv(csv);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].size(), std::size(kReportColumns));

  json::object o = Json("2026-Q1");
  EXPECT_TRUE(o.at("incidents").as_array().empty());
  EXPECT_TRUE(o.at("services").as_array().empty());
  EXPECT_TRUE(o.at("overdue_debriefs").as_array().empty());
  const json::object& s = o.at("summary").as_object();
  EXPECT_EQ(s.at("incidents").as_int64(), 0);
  EXPECT_EQ(s.at("changes").as_int64(), 0);
  for (const char* k : {"detect_goal_attainment", "fix_goal_attainment", "time_to_detect_p50_seconds",
                        "time_to_detect_p90_seconds", "time_to_fix_p50_seconds", "time_to_fix_p90_seconds",
                        "change_failure_rate"}) {
    EXPECT_TRUE(s.at(k).is_null()) << k;
    EXPECT_TRUE(o.at("difference").at(k).is_null()) << k;
  }

  std::string md = Render("2026-Q1", Fmt("md"));
  EXPECT_NE(md.find("No incidents started in this range."), std::string::npos);
  EXPECT_NE(md.find("| Fix goal attainment | – | – | – |"), std::string::npos);
  std::string html = Render("2026-Q1", Fmt("html"));
  EXPECT_NE(html.find("No incidents started in this range."), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  // Nothing happened up to the end of Q1: only the metadata and # EOF.
  std::string om = Render("2026-Q1", Fmt("openmetrics"));
  EXPECT_EQ(om.find("_total{"), std::string::npos);
  EXPECT_EQ(om.substr(om.size() - 6), "# EOF\n");
}

TEST_F(ReportTest, EveryFormatOfTheTableRendersThroughTheOneCall) {
  std::set<std::string_view> names;
  ReportRange q3 = Quarter("2026-Q3");
  for (const ReportFormat* f : ReportFormats()) {
    SCOPED_TRACE(std::string(f->name));
    EXPECT_TRUE(names.insert(f->name).second);
    if (!f->alias.empty()) {
      EXPECT_TRUE(names.insert(f->alias).second);
    }
    EXPECT_FALSE(f->content_type.empty());
    EXPECT_FALSE(f->extension.empty());
    EXPECT_FALSE(f->description.empty());
    ASSERT_NE(f->render, nullptr);
    EXPECT_EQ(FindReportFormat(f->name), f);
    std::string text = RenderReport(tracker, now, q3, *f);
    EXPECT_GT(text.size(), 100u);
    // Built under a lock and rendered outside it, the same bytes.
    EXPECT_EQ(RenderReport(BuildReport(tracker, now, q3, f->contents), *f), text);
  }
  // These five are a contract (docs/reports.md); more may follow them.
  EXPECT_EQ(ReportFormatNames().rfind("csv, json, md, html, openmetrics", 0), 0u) << ReportFormatNames();
}

}  // namespace
}  // namespace debriefd
