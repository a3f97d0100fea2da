// The one per-incident view that the API and the reports are written from.
#include "domain/incident_view.h"

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

TEST(IncidentView, GathersClockingCausesDebriefAndActionItems) {
  const Time s = T("2026-10-01T10:00:00Z");
  IncidentTracker t{Policy{}};
  ChangeEvent deploy{"chg-1", s - Min(10), "checkout", "deploy"};
  ASSERT_TRUE(t.Apply(Native(deploy, s - Min(10))).ok());
  ASSERT_TRUE(t.Apply(Native(IncidentDeclared{"INC-1", s, "checkout", "critical", "t", std::nullopt}, s)).ok());
  ASSERT_TRUE(t.Apply(Native(IncidentTransition{IncidentTransition::Kind::kResolved, "INC-1", s + Min(20)},
                             s + Min(20)))
                  .ok());
  DebriefCompleted d{"INC-1", s + Hours(24), "https://wiki/INC-1", std::string("chg-1")};
  d.action_items = {{"AI-1", "fix it"}, {"AI-2", "test it"}};
  ASSERT_TRUE(t.Apply(Native(d, s + Hours(24))).ok());
  ASSERT_TRUE(t.Apply(Native(ActionItemClosed{"AI-2", s + Hours(30)}, s + Hours(30))).ok());

  IncidentView v = ViewOf(t, *t.Find("INC-1"), s + Hours(31));
  EXPECT_EQ(v.incident->id, "INC-1");
  EXPECT_EQ(v.clocking.started_at, s - Min(10)) << "the confirmed cause moves the start";
  ASSERT_NE(v.suspected_cause, nullptr);
  EXPECT_EQ(v.suspected_cause->id, "chg-1");
  ASSERT_NE(v.confirmed_cause, nullptr);
  EXPECT_EQ(v.confirmed_cause->id, "chg-1");
  EXPECT_EQ(v.debrief.status, DebriefStatus::kDone);
  EXPECT_TRUE(*v.debrief.on_time);
  EXPECT_EQ(v.checkpoint.status, CheckpointStatus::kPending);
  ASSERT_EQ(v.action_items.size(), 2u);
  EXPECT_EQ(v.action_items[0]->id, "AI-1");
  EXPECT_EQ(v.action_items_open, 1u);
  EXPECT_EQ(v.action_items_closed, 1u);
  EXPECT_EQ(v.goals.detect, Min(5));
}

}  // namespace
}  // namespace debriefd
