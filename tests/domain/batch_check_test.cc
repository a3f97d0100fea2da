// Batch checks: what may be applied, all or nothing, across one batch and
// across the requests of one group commit.
#include "domain/batch_check.h"

#include <gtest/gtest.h>

#include "domain/tracker.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time s = T("2026-10-01T10:00:00Z");

Event Declared(const std::string& id) {
  return Native(IncidentDeclared{id, s, "checkout", "critical", "t", std::nullopt}, s);
}
Event Resolved(const std::string& id) {
  return Native(IncidentTransition{IncidentTransition::Kind::kResolved, id, s + Min(5)}, s + Min(5));
}

TEST(BatchCheck, LaterEventsOfABatchMayReferToEarlierOnes) {
  IncidentTracker t{Policy{}};
  Event d = Declared("INC-1"), r = Resolved("INC-1");
  EXPECT_TRUE(t.Check({&d, &r}).ok());
  EXPECT_EQ(t.Find("INC-1"), nullptr) << "checking applies nothing";
}

TEST(BatchCheck, TheErrorNamesTheIndexAndTheFieldButNotTheSource) {
  IncidentTracker t{Policy{}};
  Event d = Declared("INC-1"), r = Resolved("INC-9");
  Status st = t.Check({&d, &r});
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.field(), "[1].incident_id");
  EXPECT_EQ(st.message(), "[1].incident_id: unknown incident \"INC-9\"");
}

TEST(BatchCheck, AGroupOverlayLetsALaterRequestReferToAnEarlierOne) {
  IncidentTracker t{Policy{}};
  BatchOverlay group;
  Event d = Declared("INC-1"), r = Resolved("INC-1");
  ASSERT_TRUE(t.Check({&d}, &group).ok());
  EXPECT_TRUE(t.Check({&r}, &group).ok());
  EXPECT_FALSE(t.Check({&r}).ok()) << "without the group, INC-1 does not exist yet";
}

TEST(BatchCheck, ARejectedBatchAddsNothingToTheGroup) {
  IncidentTracker t{Policy{}};
  BatchOverlay group;
  Event d = Declared("INC-1"), bad = Resolved("INC-9"), r = Resolved("INC-1");
  EXPECT_FALSE(t.Check({&d, &bad}, &group).ok());
  EXPECT_FALSE(t.Check({&r}, &group).ok()) << "INC-1 was declared only by the rejected batch";
}

TEST(BatchCheck, ADuplicateIdInOneBatchIsAConflict) {
  IncidentTracker t{Policy{}};
  Event a = Declared("INC-1"), b = Declared("INC-1");
  Status st = t.Check({&a, &b});
  EXPECT_EQ(st.code(), StatusCode::kConflict);
  EXPECT_EQ(st.field(), "[1].incident_id");
}

}  // namespace
}  // namespace debriefd
