// Alertmanager's real behaviour against the clock: flapping, late and re-sent
// deliveries, senders whose clocks run ahead (docs/clocking.md). Each test is
// named after its rule.
#include <gtest/gtest.h>

#include "domain/tracker.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

class AlertClockTest : public ::testing::Test {
 protected:
  AlertClockTest() : tracker(Policy{}) {}
  std::string Apply(Event e) {
    e.dedup_key += std::to_string(seq++);
    std::string id;
    Status st = tracker.Apply(e, &id);
    EXPECT_TRUE(st.ok()) << st.message();
    return id;
  }
  const Incident& Inc(const std::string& id) { return *tracker.Find(id); }
  const IncidentCounters& Counters() { return tracker.counters().at({"checkout", "critical"}); }
  Event Firing(Time starts_at, Time received_at, const std::string& fp = "fp-errors") {
    return Alert("Errors", checkout, true, starts_at, received_at, std::nullopt, fp);
  }
  Event Resolved(Time starts_at, Time ends_at, Time received_at, const std::string& fp = "fp-errors") {
    return Alert("Errors", checkout, false, starts_at, received_at, ends_at, fp);
  }

  IncidentTracker tracker;
  std::map<std::string, std::string> checkout{{"service", "checkout"}, {"severity", "critical"}};
  Time s = T("2026-10-01T10:00:00Z");
  int seq = 0;
};

TEST_F(AlertClockTest, StartIsTheEarliestOnsetEvenWhenTheSendersClockRunsAhead) {
  // The sender's clock is 2 minutes ahead: startsAt is after debriefd received it.
  std::string id = Apply(Firing(s + Min(2), s));
  EXPECT_EQ(Inc(id).started_at, s + Min(2)) << "not clamped to the detection";
  Apply(Resolved(s + Min(2), s + Min(32), s + Min(30)));
  Clocking c = tracker.ClockOf(Inc(id));
  EXPECT_EQ(c.time_to_detect, Duration{0}) << "never negative";
  EXPECT_EQ(*c.time_to_fix, Min(30)) << "not lengthened by the sender's clock";
}

TEST_F(AlertClockTest, StartOfADeclarationLaterThanItsTimeIsTheDeclaredStart) {
  IncidentDeclared d{"INC-1", s, "checkout", "critical", "t", s + Min(3)};
  std::string id = Apply(Native(d, s));
  EXPECT_EQ(Inc(id).started_at, s + Min(3));
  EXPECT_EQ(tracker.ClockOf(Inc(id)).time_to_detect, Duration{0});
}

TEST_F(AlertClockTest, FlappingInsideOneGroupIntervalReplacesTheActiveInstance) {
  std::string id = Apply(Firing(s, s + Min(1)));
  // It resolved and fired again within one group interval: the resolution of
  // the first period is never sent, the notification carries the new startsAt.
  EXPECT_EQ(Apply(Firing(s + Min(7), s + Min(8))), id);
  ASSERT_EQ(Inc(id).alerts.size(), 2u);
  EXPECT_TRUE(Inc(id).alerts[0].replaced);
  EXPECT_EQ(Inc(id).started_at, s) << "the replaced instance's onset still counts";
  Apply(Resolved(s + Min(7), s + Min(20), s + Min(21)));
  EXPECT_FALSE(Inc(id).open) << "the flap no longer keeps the incident open forever";
  EXPECT_EQ(*Inc(id).resolved_at, s + Min(20));
  EXPECT_EQ(Counters().opened, 1u);
}

TEST_F(AlertClockTest, AResolutionEndsTheActiveInstanceWhateverStartsAtItCarries) {
  std::string id = Apply(Firing(s, s + Min(1)));
  Apply(Firing(s + Min(7), s + Min(8)));
  // A resolution that still names the first period, ending after the second began.
  Apply(Resolved(s, s + Min(20), s + Min(21)));
  EXPECT_FALSE(Inc(id).open);
  EXPECT_EQ(*Inc(id).resolved_at, s + Min(20));
}

TEST_F(AlertClockTest, AResolutionEndingBeforeTheActiveInstanceBeganChangesNothing) {
  std::string id = Apply(Firing(s, s + Min(1)));
  Apply(Firing(s + Min(7), s + Min(8)));
  Apply(Resolved(s, s + Min(5), s + Min(9)));
  EXPECT_TRUE(Inc(id).open) << "it ended an earlier period; the active one still fires";
}

TEST_F(AlertClockTest, ReopenIsJudgedByStartsAtNotByDelivery) {
  std::string id = Apply(Firing(s, s + Min(1)));
  Apply(Resolved(s, s + Min(30), s + Min(30)));
  // Re-fired at 10:44 (within 15m of 10:30), delivered at 10:47 after a group interval.
  EXPECT_EQ(Apply(Firing(s + Min(44), s + Min(47))), id);
  EXPECT_TRUE(Inc(id).open);
  EXPECT_EQ(Inc(id).reopen_count, 1);
  EXPECT_EQ(Counters().opened, 1u);
}

TEST_F(AlertClockTest, ARefireDeliveredAfterCountingStillReopensAndIsNotCountedTwice) {
  std::string id = Apply(Firing(s, s + Min(1)));
  Apply(Resolved(s, s + Min(30), s + Min(30)));
  tracker.Advance(s + Min(50));  // 10:30 + reopen_within 15m + late_delivery 5m
  ASSERT_EQ(Counters().counted, 1u);
  // Started at 10:44, delivered very late at 11:10.
  EXPECT_EQ(Apply(Firing(s + Min(44), s + Min(70))), id);
  EXPECT_TRUE(Inc(id).open) << "the API and reports see the reopening";
  Apply(Resolved(s + Min(44), s + Min(80), s + Min(80)));
  tracker.Advance(s + Hours(5));
  EXPECT_EQ(Counters().counted, 1u) << "counters keep what they observed";
  EXPECT_EQ(Counters().fix_met, 1u);
  EXPECT_EQ(Counters().opened, 1u);
  EXPECT_EQ(*Inc(id).resolved_at, s + Min(80));
}

TEST_F(AlertClockTest, AnAlertThatStartedBeforeTheResolutionBelongsToTheIncident) {
  std::string id = Apply(Firing(s, s + Min(1)));
  Apply(Resolved(s, s + Min(30), s + Min(30)));
  // Another alert of the key, started before the incident did, delivered at 10:40.
  EXPECT_EQ(Apply(Firing(s - Min(10), s + Min(40), "fp-latency")), id);
  EXPECT_EQ(Inc(id).started_at, s - Min(10)) << "it moves the start earlier";
}

TEST_F(AlertClockTest, AnOlderInstanceDeliveredAfterANewerOneMovesTheStartButFiresNoMore) {
  std::string id = Apply(Firing(s + Min(7), s + Min(8)));
  EXPECT_EQ(Apply(Firing(s, s + Min(9))), id);
  EXPECT_EQ(Inc(id).started_at, s);
  Apply(Resolved(s + Min(7), s + Min(20), s + Min(21)));
  EXPECT_FALSE(Inc(id).open);
}

TEST_F(AlertClockTest, AReSentFiringNotificationChangesNothing) {
  std::string id = Apply(Firing(s, s + Min(1)));
  Apply(Firing(s, s + Min(5)));
  EXPECT_EQ(Inc(id).alerts.size(), 1u);
  EXPECT_EQ(Inc(id).detected_at, s + Min(1));
}

// Rule: a firing notification of an alert after its own resolution, with the
// startsAt that resolved (Prometheus re-sends it after a restart or a gap
// longer than its endsAt; Alertmanager keeps the startsAt it is given), is a
// re-fire when it arrives more than alerts.late_copy_within after the
// resolution's endsAt: a new firing period from its delivery.
TEST_F(AlertClockTest, AFiringAlertAfterItsOwnResolutionFiresAgain) {
  std::string id = Apply(Firing(s, s));
  Apply(Resolved(s, s + Min(10), s + Min(10)));
  ASSERT_FALSE(Inc(id).open);
  // 10:12: the same startsAt fires again; within reopen_within of 10:10.
  Event again = Firing(s, s + Min(12));
  EXPECT_EQ(tracker.DedupKeyOf(again), again.dedup_key + "|after:2026-10-01T10:10:00Z")
      << "the same body now announces a re-fire: it must not be dropped as a duplicate";
  EXPECT_EQ(Apply(again), id);
  EXPECT_TRUE(Inc(id).open) << "the alert fires again: the incident reopens";
  EXPECT_EQ(Inc(id).reopen_count, 1);
  EXPECT_EQ(Inc(id).started_at, s) << "the start stays the first onset";
  // Its resolution carries the old startsAt and a new endsAt: it ends the re-fire.
  Apply(Resolved(s, s + Min(20), s + Min(20)));
  EXPECT_FALSE(Inc(id).open);
  EXPECT_EQ(*Inc(id).resolved_at, s + Min(20));
  EXPECT_EQ(tracker.incidents().size(), 1u);
}

TEST_F(AlertClockTest, AFiringCopyWithinLateCopyWithinOfTheResolutionIsALateCopy) {
  std::string id = Apply(Firing(s, s));
  Apply(Resolved(s, s + Min(10), s + Min(10)));
  Event copy = Firing(s, s + Min(10) + std::chrono::seconds(30));
  EXPECT_EQ(tracker.DedupKeyOf(copy), copy.dedup_key) << "a late copy is a duplicate of the firing notification";
  Apply(copy);
  EXPECT_FALSE(Inc(id).open);
  EXPECT_EQ(Inc(id).reopen_count, 0);
  // An old line replayed again is not a re-fire either.
  EXPECT_EQ(tracker.DedupKeyOf(Firing(s, s)), Firing(s, s).dedup_key);
}

TEST_F(AlertClockTest, AFiringAlertLongAfterItsResolutionOpensANewIncidentFromItsDelivery) {
  std::string first = Apply(Firing(s, s));
  Apply(Resolved(s, s + Min(10), s + Min(10)));
  tracker.Advance(s + Hours(2));
  std::string second = Apply(Firing(s, s + Hours(2)));
  ASSERT_NE(second, first) << "beyond reopen_within: a new incident";
  EXPECT_EQ(Inc(second).started_at, s + Hours(2)) << "it starts when it fired again, not at the old startsAt";
  EXPECT_EQ(Inc(second).detected_at, s + Hours(2));
  EXPECT_EQ(Counters().opened, 2u);
  Apply(Resolved(s, s + Hours(2) + Min(5), s + Hours(2) + Min(5)));
  EXPECT_FALSE(Inc(second).open);
  EXPECT_FALSE(Inc(first).open);
}

// Rule: an alert's onset is its startsAt minus its rule's `for:`, from
// alerts.pending, else from what alerts.pending_from learned from Prometheus.
TEST_F(AlertClockTest, OnsetIsStartsAtMinusTheForLearnedFromPrometheus) {
  tracker.SetLearnedPending({{"Errors", Min(5)}});
  std::string id = Apply(Firing(s, s));
  EXPECT_EQ(Inc(id).started_at, s - Min(5));
  EXPECT_EQ(Inc(id).alerts[0].onset, s - Min(5));

  Policy explicit_pending;
  explicit_pending.pending["Errors"] = Min(2);
  IncidentTracker overridden(explicit_pending);
  overridden.SetLearnedPending({{"Errors", Min(5)}});
  Event e = Firing(s, s);
  std::string other;
  ASSERT_TRUE(overridden.Apply(e, &other).ok());
  EXPECT_EQ(overridden.Find(other)->started_at, s - Min(2)) << "alerts.pending overrides what was learned";
}

}  // namespace
}  // namespace debriefd
