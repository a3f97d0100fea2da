// Clocking as pure functions of the policy and one incident.
#include "domain/clocking.h"

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time s = T("2026-10-01T10:00:00Z");

Incident Resolved(Duration detect_after, Duration fix_after, const std::string& severity = "critical") {
  Incident inc;
  inc.id = "INC-1";
  inc.severity = severity;
  inc.started_at = s;
  inc.detected_at = s + detect_after;
  inc.resolved_at = s + fix_after;
  inc.open = false;
  return inc;
}

TEST(Clocking, GoalsAreMetAtExactlyTheGoal) {
  Policy p;
  Clocking c = ClockOf(p, Resolved(Min(5), Hours(1)));
  EXPECT_EQ(c.time_to_detect, Min(5));
  EXPECT_TRUE(c.detect_goal_met);
  EXPECT_EQ(*c.time_to_fix, Hours(1));
  EXPECT_TRUE(*c.fix_goal_met);
  Clocking late = ClockOf(p, Resolved(Min(5) + Duration(1), Hours(1) + Duration(1)));
  EXPECT_FALSE(late.detect_goal_met);
  EXPECT_FALSE(*late.fix_goal_met);
}

TEST(Clocking, TheSeveritysOwnGoalsApply) {
  Policy p;
  p.goals_by_severity["warning"] = Goals{Min(30), Hours(8)};
  Clocking c = ClockOf(p, Resolved(Min(20), Hours(4), "warning"));
  EXPECT_TRUE(c.detect_goal_met);
  EXPECT_TRUE(*c.fix_goal_met);
}

TEST(Clocking, DurationsAreNeverNegative) {
  Policy p;
  Incident inc = Resolved(-Min(3), -Min(1));
  Clocking c = ClockOf(p, inc);
  EXPECT_EQ(c.time_to_detect, Duration{0});
  EXPECT_EQ(*c.time_to_fix, Duration{0});
}

TEST(Clocking, AnOpenIncidentHasNoTimeToFix) {
  Policy p;
  Incident inc = Resolved(Min(1), Min(2));
  inc.resolved_at.reset();
  inc.open = true;
  EXPECT_FALSE(ClockOf(p, inc).time_to_fix);
  EXPECT_FALSE(DebriefOf(p, inc, s + Days(30)).due_at) << "no debrief is due before resolution";
}

TEST(Clocking, SkipAutoResolvedNeedsNoDebriefWhenNoPersonActed) {
  Policy p;
  p.skip_auto_resolved = true;
  Incident inc = Resolved(Min(1), Min(2));
  EXPECT_FALSE(DebriefRequired(p, inc));
  EXPECT_EQ(DebriefOf(p, inc, s + Days(30)).status, DebriefStatus::kNotRequired);
  inc.human_action = true;
  EXPECT_TRUE(DebriefRequired(p, inc));
  EXPECT_EQ(DebriefOf(p, inc, s + Days(30)).status, DebriefStatus::kOverdue);
}

}  // namespace
}  // namespace debriefd
