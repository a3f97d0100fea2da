// JSON: typed rows, null for no value.
#include <gtest/gtest.h>

#include "tests/exporters/report/report_fixture.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

TEST_F(ReportTest, JsonRowsAreTypedWithNullForNoValue) {
  json::object o = Json("2026-Q3");
  const json::array& rows = o.at("incidents").as_array();
  ASSERT_EQ(rows.size(), 5u);
  const json::object& a = rows[0].as_object();
  ASSERT_EQ(a.size(), std::size(kReportColumns));
  size_t i = 0;
  for (const auto& kv : a) EXPECT_EQ(kv.key(), kReportColumns[i++]);  // in column order
  EXPECT_EQ(a.at("title").as_string(), "Checkout \"pay\" fails, users see 500\nretry storms");
  EXPECT_EQ(a.at("time_to_detect_seconds").as_int64(), 4200);
  EXPECT_EQ(a.at("detect_goal_met").as_bool(), false);
  EXPECT_EQ(a.at("debrief_on_time").as_bool(), true);
  EXPECT_EQ(a.at("action_items_open").as_int64(), 1);
  EXPECT_TRUE(a.at("repeat_of").is_null());
  const json::object& d = rows[3].as_object();  // INC-D, still open
  EXPECT_EQ(d.at("incident_id").as_string(), "INC-D");
  for (const char* k : {"resolved_at", "time_to_fix_seconds", "fix_goal_met", "suspected_cause",
                        "confirmed_cause", "debrief_completed_at", "debrief_on_time"}) {
    EXPECT_TRUE(d.at(k).is_null()) << k;
  }
  EXPECT_EQ(d.at("repeat_of").as_string(), "INC-A");
  EXPECT_EQ(d.at("debrief_status").as_string(), "pending");
}

}  // namespace
}  // namespace debriefd
