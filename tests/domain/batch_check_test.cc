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

// --- The rules of input: times ahead of the arrival, and a transition
// before the incident's detection.

Event At(EventBody body, Time received_at, const std::string& source = "events") {
  Event e = Native(std::move(body), received_at);
  e.source = source;
  return e;
}

TEST(BatchCheck, StatedTimesMoreThanMaxClockSkewAheadOfArrivalAreRejectedNamingTheField) {
  Policy p;
  p.max_clock_skew = Min(5);
  IncidentTracker t{p};
  Event d = Declared("INC-1");
  ASSERT_TRUE(t.Apply(d).ok());
  Event a = At(ActionItemOpened{"INC-1", s, {"A", "t"}}, s);
  ASSERT_TRUE(t.Apply(a).ok());
  const Time now = s + Min(10);
  struct Case {
    EventBody body;
    const char* field;
  };
  const Case rejected[] = {
      {ChangeEvent{"c", now + Min(6), "checkout", "deploy"}, "time"},
      {IncidentDeclared{"INC-2", now + Hours(1), "checkout", "critical", "t", std::nullopt}, "time"},
      {IncidentDeclared{"INC-2", now, "checkout", "critical", "t", now + Min(6)}, "started_at"},
      {IncidentTransition{IncidentTransition::Kind::kResolved, "INC-1", now + Min(5) + Duration(1)}, "time"},
      {DebriefCompleted{"INC-1", now + Days(1), "u"}, "time"},
      {DebriefCompleted{"INC-1", now, "u", std::nullopt, now + Days(1)}, "started_at"},
      {DebriefWaived{"INC-1", now + Days(1), "dup"}, "time"},
      {ActionItemOpened{"INC-1", now + Days(1), {"B", "t"}}, "time"},
      {ActionItemClosed{"A", now + Days(1)}, "time"},
  };
  for (const Case& c : rejected) {
    Event e = At(c.body, now);
    Status st = t.Check({&e});
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << EventTypeName(c.body);
    EXPECT_EQ(st.field(), c.field) << EventTypeName(c.body) << ": " << st.message();
    EXPECT_NE(st.message().find("limits.max_clock_skew (5m)"), std::string::npos) << st.message();
  }
  // At the bound, in the past, and a due date far ahead are all fine.
  Event at_bound = At(IncidentTransition{IncidentTransition::Kind::kResolved, "INC-1", now + Min(5)}, now);
  Event past = At(ChangeEvent{"c", s - Days(400), "checkout", "deploy"}, now);
  ActionItemSpec item{"B", "t"};
  item.due = now + Days(30);
  Event due_ahead = At(ActionItemOpened{"INC-1", now, item}, now);
  EXPECT_TRUE(t.Check({&at_bound}).ok());
  EXPECT_TRUE(t.Check({&past}).ok());
  EXPECT_TRUE(t.Check({&due_ahead}).ok());
}

TEST(BatchCheck, MaxClockSkewIsThePolicys) {
  Policy p;
  p.max_clock_skew = Hours(2);
  IncidentTracker t{p};
  Event ahead = At(ChangeEvent{"c", s + Hours(1), "checkout", "deploy"}, s);
  EXPECT_TRUE(t.Check({&ahead}).ok());
  IncidentTracker strict{Policy{}};
  EXPECT_EQ(strict.Check({&ahead}).code(), StatusCode::kInvalidArgument) << "the default is 5m";
}

TEST(BatchCheck, AVendorsChangeAheadIsRejectedButAlertsAndIssuesAreNot) {
  IncidentTracker t{Policy{}};
  Event deploy = At(ChangeEvent{"gh-1", s + Hours(1), "checkout", "deploy"}, s, "github");
  EXPECT_EQ(t.Check({&deploy}).field(), "time");
  // A firing alert's endsAt is Alertmanager's "resolve unless renewed" time.
  Event firing = Alert("Errors", {{"service", "checkout"}}, true, s, s, s + Min(4 * 60));
  EXPECT_TRUE(t.Check({&firing}).ok());
  TrackerIssue issue;
  issue.id = "OPS-1";
  issue.time = s + Hours(1);
  Event issue_event = At(issue, s, "jira");
  EXPECT_TRUE(t.Check({&issue_event}).ok());
}

TEST(BatchCheck, AnEventAcceptedOnceReappliesWhateverItsTimes) {
  // What an older debriefd (or a larger max_clock_skew) accepted comes back
  // from the store at restart: Apply does not judge it again.
  IncidentTracker t{Policy{}};
  Event ahead = At(ChangeEvent{"c", s + Days(1), "checkout", "deploy"}, s);
  EXPECT_FALSE(t.Check({&ahead}).ok());
  EXPECT_TRUE(t.Apply(ahead).ok());
  EXPECT_NE(t.FindChange("c"), nullptr);
}

TEST(BatchCheck, ATransitionBeforeTheIncidentsDetectionIsRejectedNamingTheTime) {
  IncidentTracker t{Policy{}};
  Event d = Declared("INC-1");  // detected at s
  ASSERT_TRUE(t.Apply(d).ok());
  for (auto kind : {IncidentTransition::Kind::kAcknowledged, IncidentTransition::Kind::kMitigated,
                    IncidentTransition::Kind::kResolved}) {
    Event early = At(IncidentTransition{kind, "INC-1", s - Min(1)}, s + Min(10));
    Status st = t.Check({&early});
    EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << EventTypeName(early.body);
    EXPECT_EQ(st.field(), "time");
    EXPECT_NE(st.message().find("before incident \"INC-1\" was detected (2026-10-01T10:00:00Z)"), std::string::npos)
        << st.message();
  }
  Event at_detection = At(IncidentTransition{IncidentTransition::Kind::kResolved, "INC-1", s}, s + Min(10));
  EXPECT_TRUE(t.Check({&at_detection}).ok());
}

TEST(BatchCheck, AnAlertOpenedIncidentWasDetectedWhenItsAlertStartedFiringNotWhenItArrived) {
  IncidentTracker t{Policy{}};
  // Alertmanager retried the delivery for 7 minutes; people were paged at once.
  Event fire = Alert("Errors", {{"service", "checkout"}, {"severity", "critical"}}, true, s, s + Min(7));
  std::string id;
  ASSERT_TRUE(t.Apply(fire, &id).ok());
  ASSERT_EQ(t.Find(id)->detected_at, s + Min(7));
  Event ack = At(IncidentTransition{IncidentTransition::Kind::kAcknowledged, id, s + Min(1)}, s + Min(8));
  EXPECT_TRUE(t.Check({&ack}).ok());
  Event early = At(IncidentTransition{IncidentTransition::Kind::kResolved, id, s - Min(1)}, s + Min(8));
  EXPECT_EQ(t.Check({&early}).code(), StatusCode::kFailedPrecondition);
}

TEST(BatchCheck, TheRulesOfStateComeBeforeTheRulesOfInput) {
  IncidentTracker t{Policy{}};
  Event unknown = At(IncidentTransition{IncidentTransition::Kind::kResolved, "INC-9", s + Days(1)}, s);
  EXPECT_EQ(t.Check({&unknown}).code(), StatusCode::kNotFound);
}

TEST(BatchCheck, AResolutionBeforeADetectionDeclaredInTheSameBatchIsRejected) {
  IncidentTracker t{Policy{}};
  Event d = Declared("INC-1");
  Event early = At(IncidentTransition{IncidentTransition::Kind::kResolved, "INC-1", s - Min(1)}, s);
  Status st = t.Check({&d, &early});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "[1].time");
}

TEST(BatchCheck, AResolutionBeforeDetectionIsTheNativeSendersRuleAndIsNotJudgedAgainOnApply) {
  IncidentTracker t{Policy{}};
  Event d = Declared("INC-1");
  ASSERT_TRUE(t.Apply(d).ok());
  // PagerDuty's times are its own incident's: not judged against debriefd's detection.
  Event pd = At(IncidentTransition{IncidentTransition::Kind::kAcknowledged, "INC-1", s - Min(1)}, s, "pagerduty");
  EXPECT_TRUE(t.Check({&pd}).ok());
  Event early = At(IncidentTransition{IncidentTransition::Kind::kResolved, "INC-1", s - Min(1)}, s);
  EXPECT_TRUE(t.Apply(early).ok()) << "a stored event re-applies as it was accepted";
  EXPECT_FALSE(t.Find("INC-1")->open);
}

// --- debrief.updated

TEST(BatchCheck, ADebriefUpdateNeedsAHeldDebrief) {
  IncidentTracker t{Policy{}};
  Event d = Declared("INC-1");
  ASSERT_TRUE(t.Apply(d).ok());
  Event update = At(DebriefUpdated{"INC-1", s + Hours(2), "https://wiki/1"}, s + Hours(2));
  Status st = t.Check({&update});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "incident_id");
  EXPECT_EQ(st.message(), "incident_id: incident \"INC-1\" has no completed debrief to update");

  Event waived = At(DebriefWaived{"INC-1", s + Hours(1), "dup"}, s + Hours(1));
  ASSERT_TRUE(t.Apply(waived).ok());
  EXPECT_EQ(t.Check({&update}).code(), StatusCode::kFailedPrecondition) << "a waived debrief was not held";

  Event unknown = At(DebriefUpdated{"INC-9", s + Hours(2)}, s + Hours(2));
  EXPECT_EQ(t.Check({&unknown}).code(), StatusCode::kNotFound);

  Event completed = At(DebriefCompleted{"INC-2", s + Hours(1), "u"}, s + Hours(1));
  Event d2 = Declared("INC-2");
  Event update2 = At(DebriefUpdated{"INC-2", s + Hours(2), "v"}, s + Hours(2));
  EXPECT_TRUE(t.Check({&d2, &completed, &update2}).ok()) << "held earlier in the same batch";
}

TEST(BatchCheck, ADebriefUpdateMayNameOnlyKnownCausesAndItsIncidentsOwnItems) {
  IncidentTracker t{Policy{}};
  Event d1 = Declared("INC-1"), d2 = Declared("INC-2");
  ASSERT_TRUE(t.Apply(d1).ok());
  ASSERT_TRUE(t.Apply(d2).ok());
  DebriefCompleted c1{"INC-1", s + Hours(1), "u"};
  c1.action_items = {{"A", "t"}};
  DebriefCompleted c2{"INC-2", s + Hours(1), "u"};
  c2.action_items = {{"B", "t"}};
  Event e1 = At(c1, s + Hours(1)), e2 = At(c2, s + Hours(1));
  e2.dedup_key += "-2";
  ASSERT_TRUE(t.Apply(e1).ok());
  ASSERT_TRUE(t.Apply(e2).ok());

  DebriefUpdated cause{"INC-1", s + Hours(2)};
  cause.confirmed_cause_id = "nope";
  Event bad_cause = At(cause, s + Hours(2));
  Status st = t.Check({&bad_cause});
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.field(), "confirmed_cause_id");

  DebriefUpdated items{"INC-1", s + Hours(2)};
  items.action_items = {{"A", "restated"}, {"C", "new"}, {"B", "someone else's"}};
  Event other = At(items, s + Hours(2));
  st = t.Check({&other});
  EXPECT_EQ(st.code(), StatusCode::kConflict);
  EXPECT_EQ(st.field(), "action_items[2].id");
  items.action_items.pop_back();
  Event own = At(items, s + Hours(2));
  EXPECT_TRUE(t.Check({&own}).ok());
}

}  // namespace
}  // namespace debriefd
