// Markdown: tables keep their shape, user text is escaped.
#include <gtest/gtest.h>

#include "tests/exporters/report/report_fixture.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

TEST_F(ReportTest, MarkdownTablesKeepTheirShapeAndEscapeUserText) {
  std::string md = Render("2026-Q3", Fmt("md"));
  EXPECT_EQ(md.rfind("# Reliability review 2026-Q3\n", 0), 0u);
  EXPECT_NE(md.find("| Incidents | 5 | 2 | +3 |"), std::string::npos);
  EXPECT_NE(md.find("| Detect goal attainment | 60% | 50% | +10.0 pp |"), std::string::npos);
  EXPECT_NE(md.find("| Change failure rate | 33.3% | 0% | +33.3 pp |"), std::string::npos);
  // Every row of a table has as many unescaped pipes as its header.
  std::istringstream in(md);
  std::string line;
  int header_pipes = -1, tables = 0;
  auto pipes = [](const std::string& l) {
    int n = 0;
    for (size_t i = 0; i < l.size(); ++i) {
      if (l[i] == '\\') {
        ++i;
      } else if (l[i] == '|') {
        ++n;
      }
    }
    return n;
  };
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '|') {
      header_pipes = -1;
      continue;
    }
    if (header_pipes < 0) {
      header_pipes = pipes(line);
      ++tables;
    }
    EXPECT_EQ(pipes(line), header_pipes) << line;
  }
  EXPECT_EQ(tables, 5);  // summary, overdue debriefs, action items, services, incidents
  EXPECT_EQ(md.find("<script>"), std::string::npos);
  EXPECT_NE(md.find("Alert on 5xx \\| ratio \\<script\\>alert(1)\\</script\\> \\& more"), std::string::npos);
  EXPECT_NE(md.find("Checkout \"pay\" fails, users see 500 retry storms"), std::string::npos);  // one line
}

}  // namespace
}  // namespace debriefd

namespace debriefd::testing {
namespace {

TEST_F(ReportTest, MarkdownLinksOnlyHttpAndHttpsUrls) {
  const Time at = T("2026-09-20T10:00:00Z");
  ASSERT_TRUE(tracker.Apply(Native(IncidentDeclared{"INC-MDURL", at, "checkout", "critical", "t"}, at)).ok());
  Event ok = Native(ActionItemOpened{"INC-MDURL", at, ActionItemSpec{"AI-OK", "Web", "https://tracker.example.com/1"}}, at);
  ok.dedup_key = "a";
  Event js = Native(ActionItemOpened{"INC-MDURL", at, ActionItemSpec{"AI-JS", "Script", "javascript:void%200"}}, at);
  js.dedup_key = "b";
  ASSERT_TRUE(tracker.Apply(ok).ok());
  ASSERT_TRUE(tracker.Apply(js).ok());
  const std::string md = Render("2026-Q3", Fmt("md"));
  EXPECT_NE(md.find("[Web](https://tracker.example.com/1)"), std::string::npos);
  EXPECT_EQ(md.find("javascript:"), std::string::npos) << "not linked, and the url not shown as a link target";
  EXPECT_NE(md.find("| Script |"), std::string::npos);
}

}  // namespace
}  // namespace debriefd::testing
