// OpenMetrics: cumulative counters stamped with the times of their events.
#include <gtest/gtest.h>

#include <regex>

#include "tests/exporters/report/report_fixture.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

TEST_F(ReportTest, OpenMetricsStampsCumulativeCountersWithEventTimes) {
  std::string om = Render("2026-Q3", Fmt("openmetrics"));
  ASSERT_GE(om.size(), 6u);
  EXPECT_EQ(om.substr(om.size() - 6), "# EOF\n");
  // INC-A detected 2026-07-02T09:10Z (1782983400), INC-D 2026-09-20T10:20Z
  // (1789899600); a zero just before the first.
  EXPECT_NE(om.find("debriefd_incidents_total{service=\"checkout\",severity=\"critical\"} 0 1782983399.999\n"
                    "debriefd_incidents_total{service=\"checkout\",severity=\"critical\"} 1 1782983400\n"
                    "debriefd_incidents_total{service=\"checkout\",severity=\"critical\"} 2 1789899600\n"),
            std::string::npos);
  // INC-P1 (Q2) carries into the range at its start, 2026-07-01 (1782864000).
  EXPECT_NE(om.find("debriefd_incidents_total{service=\"catalog\",severity=\"critical\"} 1 1782864000\n"),
            std::string::npos);
  // INC-A is counted once it stayed resolved 15 minutes (09:55, 1782986100),
  // with the start its debrief confirmed.
  EXPECT_NE(
      om.find("debriefd_incident_time_to_detect_seconds_sum{service=\"checkout\",severity=\"critical\"} 4200 "
              "1782986100\n"),
      std::string::npos);
  EXPECT_NE(om.find("debriefd_incident_goal_total{service=\"checkout\",severity=\"critical\",goal=\"fix\","
                    "result=\"missed\"} 1 1782986100\n"),
            std::string::npos);
  EXPECT_NE(om.find("debriefd_debriefs_total{service=\"payments\",severity=\"warning\",result=\"late\"} 1 "),
            std::string::npos);
  // chg-1 (checkout deploy, 07-02 08:00, 1782979200) has its change failures from
  // 0; INC-A's debrief (07-03 12:00, 1783080000) confirmed it as the cause.
  EXPECT_NE(om.find("debriefd_change_failures_total{service=\"checkout\",kind=\"deploy\"} 0 1782979200\n"
                    "debriefd_change_failures_total{service=\"checkout\",kind=\"deploy\"} 1 1783080000\n"),
            std::string::npos);
  // payments config (chg-q2b in Q2, chg-2 unconfirmed) carries its 0 into the range.
  EXPECT_NE(om.find("debriefd_change_failures_total{service=\"payments\",kind=\"config\"} 0 1782864000\n"),
            std::string::npos);
  EXPECT_EQ(om.find("debriefd_change_failures_total{service=\"payments\",kind=\"config\"} 1"), std::string::npos);
  // Nothing after the range: INC-E's resolution (Q4) is not counted here.
  EXPECT_EQ(om.find("debriefd_incidents_counted_total{service=\"payments\",severity=\"warning\"} 2"),
            std::string::npos);

  // Every sample line is well formed; within a series, times increase and
  // counters never decrease; a family's samples are contiguous.
  std::regex sample(R"(^([a-z_]+)\{([^}]*)\} ([0-9.]+) ([0-9]+(\.[0-9]{3})?)$)");
  std::map<std::string, std::pair<double, double>> last;  // series -> (time, value)
  std::set<std::string> families_done;
  std::string family;
  std::istringstream in(om);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(families_done.insert(name).second) << "family repeated: " << name;
      family = name;
      continue;
    }
    if (line[0] == '#') continue;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, sample)) << line;
    EXPECT_EQ(m[1].str().rfind(family, 0), 0u) << line << " outside its family " << family;
    std::string series = m[1].str() + "{" + m[2].str() + "}";
    double value = std::stod(m[3].str()), time = std::stod(m[4].str());
    if (auto it = last.find(series); it != last.end()) {
      EXPECT_GT(time, it->second.first) << line;
      EXPECT_GE(value, it->second.second) << line;
    }
    last[series] = {time, value};
  }
}

}  // namespace
}  // namespace debriefd
