// HTML: one self-contained page; user text is escaped.
#include <gtest/gtest.h>

#include "tests/exporters/report/report_fixture.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

TEST_F(ReportTest, HtmlIsSelfContainedAndEscapesUserText) {
  std::string html = Render("2026-Q3", Fmt("html"));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("Alert on 5xx | ratio &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
            std::string::npos);
  EXPECT_NE(html.find("Checkout &quot;pay&quot; fails"), std::string::npos);
  for (const char* external : {"<link", "src=", "@import", "url(", "@font-face"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Weekly goal attainment\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Time to detect by severity\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Time to fix by severity\""), std::string::npos);
  EXPECT_NE(html.find(">goal 5m</text>"), std::string::npos);
  EXPECT_NE(html.find(">goal 4h</text>"), std::string::npos);
  // Overdue debriefs and open action items come before the charts and tables.
  size_t attention = html.find("Needs attention"), chart = html.find("<svg"),
         incidents = html.find("incidents long");
  EXPECT_LT(attention, chart);
  EXPECT_LT(chart, incidents);
  for (const char* column : kReportColumns) {
    std::string wrapped;
    for (char c : std::string(column)) {
      wrapped += c;
      if (c == '_') wrapped += "<wbr>";
    }
    EXPECT_NE(html.find(">" + wrapped + "</th>"), std::string::npos) << column;
  }
}

}  // namespace
}  // namespace debriefd
