// The incident clock, rule by rule (docs/clocking.md), with explicit times.
#include "domain/tracker.h"

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

class IncidentTrackerTest : public ::testing::Test {
 protected:
  IncidentTrackerTest() : tracker(MakePolicy()) {}
  static Policy MakePolicy() {
    Policy p;
    p.pending["HighErrorRate"] = Min(5);
    p.goals_by_severity["warning"] = Goals{Min(15), Hours(4)};
    return p;
  }
  std::string Apply(const Event& e) {
    std::string id;
    Status s = tracker.Apply(e, &id);
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }
  const Incident& Inc(const std::string& id) { return *tracker.Find(id); }
  const IncidentCounters& Counters(const std::string& svc, const std::string& sev) {
    return tracker.counters().at({svc, sev});
  }

  IncidentTracker tracker;
  std::map<std::string, std::string> checkout{{"service", "checkout"}, {"severity", "critical"}};
};

TEST_F(IncidentTrackerTest, FirstFiringAlertOpensIncident) {
  std::string id = Apply(Alert("Errors", checkout, true, T("2026-10-01T10:00:00Z"), T("2026-10-01T10:01:00Z")));
  const Incident& inc = Inc(id);
  EXPECT_TRUE(inc.open);
  EXPECT_EQ(inc.service, "checkout");
  EXPECT_EQ(inc.severity, "critical");
  EXPECT_EQ(inc.key, "service=checkout");
  EXPECT_EQ(inc.started_at, T("2026-10-01T10:00:00Z"));
  EXPECT_EQ(inc.detected_at, T("2026-10-01T10:01:00Z"));
  EXPECT_EQ(Counters("checkout", "critical").opened, 1u);
}

TEST_F(IncidentTrackerTest, FurtherFiringAlertsOfTheSameKeyJoinTheOpenIncident) {
  std::string a = Apply(Alert("Errors", checkout, true, T("2026-10-01T10:00:00Z"), T("2026-10-01T10:01:00Z")));
  std::string b = Apply(Alert("Latency", checkout, true, T("2026-10-01T09:58:00Z"), T("2026-10-01T10:02:00Z")));
  EXPECT_EQ(a, b);
  EXPECT_EQ(Inc(a).alerts.size(), 2u);
  // The earliest onset of its alerts is the start.
  EXPECT_EQ(Inc(a).started_at, T("2026-10-01T09:58:00Z"));
  EXPECT_EQ(Counters("checkout", "critical").opened, 1u);
}

TEST_F(IncidentTrackerTest, AlertLackingGroupByLabelsIsGroupedByAlertname) {
  std::string a = Apply(Alert("DiskFull", {{"instance", "db1"}}, true, T("2026-10-01T10:00:00Z"), T("2026-10-01T10:00:10Z"), {}, "fp1"));
  std::string b = Apply(Alert("DiskFull", {{"instance", "db2"}}, true, T("2026-10-01T10:00:00Z"), T("2026-10-01T10:00:20Z"), {}, "fp2"));
  std::string c = Apply(Alert("Errors", checkout, true, T("2026-10-01T10:00:00Z"), T("2026-10-01T10:00:30Z")));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(Inc(a).key, "alertname=DiskFull");
  EXPECT_EQ(Inc(a).service, "unknown");
  EXPECT_EQ(Inc(a).severity, "unknown");
}

TEST_F(IncidentTrackerTest, ResolvesWhenAllAlertsResolvedAtTheLatestEndsAt) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(1)));
  Apply(Alert("Latency", checkout, true, s, s + Min(2)));
  Apply(Alert("Errors", checkout, false, s, s + Min(30), s + Min(25)));
  EXPECT_TRUE(Inc(id).open) << "one alert still fires";
  Apply(Alert("Latency", checkout, false, s, s + Min(41), s + Min(40)));
  EXPECT_FALSE(Inc(id).open);
  EXPECT_EQ(*Inc(id).resolved_at, s + Min(40));
}

TEST_F(IncidentTrackerTest, RefiringWithinReopenWindowReopensIncident) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(1)));
  Apply(Alert("Errors", checkout, false, s, s + Min(20), s + Min(20)));
  ASSERT_FALSE(Inc(id).open);
  std::string again = Apply(Alert("Errors", checkout, true, s + Min(30), s + Min(31)));
  EXPECT_EQ(again, id);
  EXPECT_TRUE(Inc(id).open);
  EXPECT_FALSE(Inc(id).resolved_at);
  EXPECT_EQ(Inc(id).reopen_count, 1);
  EXPECT_EQ(Counters("checkout", "critical").opened, 1u);
}

TEST_F(IncidentTrackerTest, RefiringAfterReopenWindowOpensANewIncident) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(1)));
  Apply(Alert("Errors", checkout, false, s, s + Min(20), s + Min(20)));
  std::string next = Apply(Alert("Errors", checkout, true, s + Min(36), s + Min(37)));
  EXPECT_NE(next, id);
  EXPECT_FALSE(Inc(id).open);
  EXPECT_EQ(Counters("checkout", "critical").opened, 2u);
}

TEST_F(IncidentTrackerTest, PendingDurationOfTheRuleMovesTheOnsetBack) {
  Time s = T("2026-10-01T10:05:00Z");
  std::string id = Apply(Alert("HighErrorRate", checkout, true, s, s + Min(1)));
  EXPECT_EQ(Inc(id).started_at, T("2026-10-01T10:00:00Z"));
  EXPECT_EQ(tracker.ClockOf(Inc(id)).time_to_detect, Min(6));
}

TEST_F(IncidentTrackerTest, DeclaredStartedAtWinsWhenEarlier) {
  IncidentDeclared d{"INC-7", T("2026-10-01T10:30:00Z"), "checkout", "critical", "Checkout down",
                     T("2026-10-01T10:10:00Z")};
  std::string id = Apply(Native(d, T("2026-10-01T10:30:05Z")));
  EXPECT_EQ(id, "INC-7");
  EXPECT_EQ(Inc(id).detected_at, T("2026-10-01T10:30:00Z"));
  EXPECT_EQ(Inc(id).started_at, T("2026-10-01T10:10:00Z"));
  // A later alert of the key joins; its later onset does not move the start.
  Apply(Alert("Errors", checkout, true, T("2026-10-01T10:20:00Z"), T("2026-10-01T10:31:00Z")));
  EXPECT_EQ(Inc(id).alerts.size(), 1u);
  EXPECT_EQ(Inc(id).started_at, T("2026-10-01T10:10:00Z"));
  EXPECT_EQ(Inc(id).detected_at, T("2026-10-01T10:30:00Z"));
}

TEST_F(IncidentTrackerTest, DeclaredWithoutIdGetsAGeneratedOne) {
  IncidentDeclared d{"", T("2026-10-01T10:30:00Z"), "search", "warning", "Slow search", std::nullopt};
  std::string id = Apply(Native(d, T("2026-10-01T10:30:00Z")));
  EXPECT_EQ(id, "inc-000001");
  EXPECT_EQ(Inc(id).started_at, Inc(id).detected_at);
}

TEST_F(IncidentTrackerTest, DetectedAtIsWhenTheFirstFiringNotificationArrived) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(7)));
  Apply(Alert("Latency", checkout, true, s, s + Min(9)));
  EXPECT_EQ(Inc(id).detected_at, s + Min(7));
}

TEST_F(IncidentTrackerTest, GoalsAreMetAtExactlyTheGoal) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(5)));
  Apply(Alert("Errors", checkout, false, s, s + Min(61), s + Min(60)));
  Clocking c = tracker.ClockOf(Inc(id));
  EXPECT_EQ(c.time_to_detect, Min(5));
  EXPECT_TRUE(c.detect_goal_met);
  EXPECT_EQ(*c.time_to_fix, Min(60));
  EXPECT_TRUE(*c.fix_goal_met);
}

TEST_F(IncidentTrackerTest, GoalsAreMissedOneMillisecondLate) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(5) + Duration(1)));
  Apply(Alert("Errors", checkout, false, s, s + Min(62), s + Min(60) + Duration(1)));
  Clocking c = tracker.ClockOf(Inc(id));
  EXPECT_FALSE(c.detect_goal_met);
  EXPECT_FALSE(*c.fix_goal_met);
}

TEST_F(IncidentTrackerTest, PerSeverityGoalsOverrideTheGlobalOnes) {
  Time s = T("2026-10-01T10:00:00Z");
  std::map<std::string, std::string> warn{{"service", "search"}, {"severity", "warning"}};
  std::string id = Apply(Alert("Slow", warn, true, s, s + Min(10)));
  Apply(Alert("Slow", warn, false, s, s + Hours(3), s + Hours(3)));
  Clocking c = tracker.ClockOf(Inc(id));
  EXPECT_TRUE(c.detect_goal_met) << "warning detect goal is 15m";
  EXPECT_TRUE(*c.fix_goal_met) << "warning fix goal is 4h";
}

TEST_F(IncidentTrackerTest, UnresolvedIncidentHasNoTimeToFix) {
  std::string id = Apply(Alert("Errors", checkout, true, T("2026-10-01T10:00:00Z"), T("2026-10-01T10:01:00Z")));
  Clocking c = tracker.ClockOf(Inc(id));
  EXPECT_FALSE(c.time_to_fix);
  EXPECT_FALSE(c.fix_goal_met);
}

TEST_F(IncidentTrackerTest, SuspectedCauseIsTheLatestChangeWithinTheWindow) {
  Time s = T("2026-10-01T10:00:00Z");
  Apply(Native(ChangeEvent{"old", s - Hours(3), "checkout", "deploy"}, s - Hours(3)));
  Apply(Native(ChangeEvent{"c1", s - Min(90), "checkout", "deploy"}, s - Min(90)));
  Apply(Native(ChangeEvent{"c2", s - Min(30), "checkout", "config"}, s - Min(30)));
  Apply(Native(ChangeEvent{"other", s - Min(10), "search", "deploy"}, s - Min(10)));
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(1)));
  const ChangeEvent* cause = tracker.SuspectedCause(Inc(id));
  ASSERT_NE(cause, nullptr);
  EXPECT_EQ(cause->id, "c2");
  EXPECT_EQ(Inc(id).started_at, s) << "a suspected cause does not move the start";
}

TEST_F(IncidentTrackerTest, NoSuspectedCauseOutsideTheWindowOrAfterTheStart) {
  Time s = T("2026-10-01T10:00:00Z");
  Apply(Native(ChangeEvent{"old", s - Hours(2) - Min(1), "checkout", "deploy"}, s - Hours(3)));
  Apply(Native(ChangeEvent{"later", s + Min(1), "checkout", "deploy"}, s + Min(1)));
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(2)));
  EXPECT_EQ(tracker.SuspectedCause(Inc(id)), nullptr);
}

TEST_F(IncidentTrackerTest, CountingWaitsUntilResolvedPastTheReopenWindow) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(2)));
  Apply(Alert("Errors", checkout, false, s, s + Min(30), s + Min(30)));
  // Resolved at 10:30; counted after reopen_within (15m) plus late_delivery (5m).
  tracker.Advance(s + Min(49));
  EXPECT_EQ(Counters("checkout", "critical").counted, 0u);
  tracker.Advance(s + Min(50));
  const IncidentCounters& c = Counters("checkout", "critical");
  EXPECT_EQ(c.counted, 1u);
  EXPECT_EQ(c.detect_met, 1u);
  EXPECT_EQ(c.fix_met, 1u);
  EXPECT_EQ(c.time_to_detect.count, 1u);
  EXPECT_DOUBLE_EQ(c.time_to_detect.sum, 120.0);
  EXPECT_DOUBLE_EQ(c.time_to_fix.sum, 1800.0);
  EXPECT_TRUE(Inc(id).counted);
}

TEST_F(IncidentTrackerTest, AReopenedIncidentIsCountedOnceWithItsFinalTimes) {
  Time s = T("2026-10-01T10:00:00Z");
  Apply(Alert("Errors", checkout, true, s, s + Min(1)));
  Apply(Alert("Errors", checkout, false, s, s + Min(20), s + Min(20)));
  Apply(Alert("Errors", checkout, true, s + Min(25), s + Min(26)));
  Apply(Alert("Errors", checkout, false, s + Min(25), s + Min(90), s + Min(90)));
  tracker.Advance(s + Hours(5));
  const IncidentCounters& c = Counters("checkout", "critical");
  EXPECT_EQ(c.counted, 1u);
  EXPECT_DOUBLE_EQ(c.time_to_fix.sum, 5400.0);
  EXPECT_EQ(c.fix_missed, 1u);
}

TEST_F(IncidentTrackerTest, AdvanceNeverMovesBackwards) {
  Time s = T("2026-10-01T10:00:00Z");
  Apply(Alert("Errors", checkout, true, s, s + Min(1)));
  Apply(Alert("Errors", checkout, false, s, s + Min(20), s + Min(20)));
  tracker.Advance(s + Hours(1));
  tracker.Advance(s);
  EXPECT_EQ(Counters("checkout", "critical").counted, 1u);
}

TEST_F(IncidentTrackerTest, LateFiringCopyOfAResolvedAlertChangesNothing) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(1)));
  Apply(Alert("Errors", checkout, false, s, s + Min(10), s + Min(10)));
  // Within alerts.late_copy_within (30s) of the resolution's endsAt.
  Event late = Alert("Errors", checkout, true, s, s + Min(10) + std::chrono::seconds(20));
  late.dedup_key += "-ha-peer";
  Apply(late);
  EXPECT_FALSE(Inc(id).open);
  EXPECT_EQ(Inc(id).reopen_count, 0);
}

TEST_F(IncidentTrackerTest, ResolvedNotificationWithoutFiringOpensAndResolves) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, false, s, s + Min(12), s + Min(10)));
  EXPECT_FALSE(Inc(id).open);
  EXPECT_EQ(*Inc(id).resolved_at, s + Min(10));
}

TEST_F(IncidentTrackerTest, DebriefdsOwnRemindersOpenNoIncident) {
  std::map<std::string, std::string> reminder{{"service", "checkout"}, {"severity", "critical"},
                                              {"alert_source", "debriefd"}};
  std::string id = Apply(Alert("IncidentDebriefOverdue", reminder, true, T("2026-10-01T10:00:00Z"), T("2026-10-01T10:00:01Z")));
  EXPECT_EQ(id, "");
  EXPECT_TRUE(tracker.incidents().empty());
}

TEST_F(IncidentTrackerTest, ManualLifecycleEventsSetTheirTimes) {
  Time s = T("2026-10-01T10:00:00Z");
  std::string id = Apply(Alert("Errors", checkout, true, s, s + Min(1)));
  Apply(Native(IncidentTransition{IncidentTransition::Kind::kAcknowledged, id, s + Min(3)}, s + Min(3)));
  Apply(Native(IncidentTransition{IncidentTransition::Kind::kMitigated, id, s + Min(20)}, s + Min(20)));
  Apply(Native(IncidentTransition{IncidentTransition::Kind::kResolved, id, s + Min(40)}, s + Min(40)));
  const Incident& inc = Inc(id);
  EXPECT_EQ(*inc.acknowledged_at, s + Min(3));
  EXPECT_EQ(*inc.mitigated_at, s + Min(20));
  EXPECT_EQ(*inc.resolved_at, s + Min(40));
  EXPECT_FALSE(inc.open);
  EXPECT_FALSE(inc.auto_resolved());
}

TEST_F(IncidentTrackerTest, BucketsIncludeEveryGoal) {
  const auto& b = tracker.bucket_bounds();
  for (double want : {60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 86400.0}) {
    EXPECT_NE(std::find(b.begin(), b.end(), want), b.end()) << want;
  }
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
}

TEST_F(IncidentTrackerTest, CheckRejectsUnknownIncidentsAndTakenIds) {
  Time s = T("2026-10-01T10:00:00Z");
  Event ack = Native(IncidentTransition{IncidentTransition::Kind::kAcknowledged, "nope", s}, s);
  Status st = tracker.Check({&ack});
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.field(), "incident_id");

  Event declare = Native(IncidentDeclared{"INC-1", s, "checkout", "critical", "t", std::nullopt}, s);
  Event ack1 = Native(IncidentTransition{IncidentTransition::Kind::kAcknowledged, "INC-1", s}, s);
  EXPECT_TRUE(tracker.Check({&declare, &ack1}).ok()) << "a batch may refer to what it declares";
  Apply(declare);
  Status again = tracker.Check({&declare});
  EXPECT_EQ(again.code(), StatusCode::kConflict);
  Status in_batch = tracker.Check({&ack1, &ack});
  EXPECT_EQ(in_batch.field(), "[1].incident_id");
}

}  // namespace
}  // namespace debriefd

namespace debriefd {
namespace {
using namespace debriefd::testing;

// People and alerts on one incident; suspected causes by environment.
class PeopleAndAlertsTest : public ::testing::Test {
 protected:
  std::string Apply(Event e) {
    e.dedup_key += std::to_string(seq++);
    std::string id;
    Status st = tracker.Apply(e, &id);
    EXPECT_TRUE(st.ok()) << st.message();
    return id;
  }
  const Incident& Inc(const std::string& id) { return *tracker.Find(id); }

  IncidentTracker tracker{Policy{}};
  Time s = T("2026-10-01T10:00:00Z");
  int seq = 0;
};

TEST_F(PeopleAndAlertsTest, ADeclarationJoinsTheOpenAlertIncidentOfItsKey) {
  std::map<std::string, std::string> labels{{"service", "checkout"}, {"severity", "warning"}};
  std::string id = Apply(Alert("Errors", labels, true, s + Min(2), s + Min(3)));
  IncidentDeclared d{"INC-9", s + Min(10), "checkout", "critical", "Checkout down", s};
  EXPECT_EQ(Apply(Native(d, s + Min(10))), id) << "the incident keeps its id";
  ASSERT_EQ(tracker.incidents().size(), 1u);
  EXPECT_EQ(tracker.Find("INC-9"), tracker.Find(id)) << "the declared id is an alias";
  EXPECT_EQ(Inc(id).title, "Checkout down");
  EXPECT_EQ(Inc(id).severity, "critical");
  EXPECT_EQ(Inc(id).started_at, s) << "the earlier start wins";
  EXPECT_EQ(tracker.counters().at({"checkout", "warning"}).opened, 1u) << "counted at opening";
  EXPECT_EQ(tracker.counters().count({"checkout", "critical"}), 0u);
  // Every later event may use the alias.
  Apply(Native(IncidentTransition{IncidentTransition::Kind::kAcknowledged, "INC-9", s + Min(11)}, s + Min(11)));
  EXPECT_EQ(*Inc(id).acknowledged_at, s + Min(11));
  // A declaration of an id that is taken as an alias is a conflict.
  Event again = Native(IncidentDeclared{"INC-9", s + Min(12), "search", "critical", "t", std::nullopt}, s + Min(12));
  EXPECT_EQ(tracker.Check({&again}).code(), StatusCode::kConflict);
}

TEST_F(PeopleAndAlertsTest, AlertsFiringAfterADeclarationJoinItAsBefore) {
  std::string id = Apply(Native(IncidentDeclared{"INC-1", s, "checkout", "critical", "t", std::nullopt}, s));
  std::map<std::string, std::string> labels{{"service", "checkout"}, {"severity", "critical"}};
  EXPECT_EQ(Apply(Alert("Errors", labels, true, s + Min(1), s + Min(2))), id);
}

TEST_F(PeopleAndAlertsTest, AnIncidentAPersonDeclaredResolvesOnlyWhenAPersonResolvesIt) {
  std::string id = Apply(Native(IncidentDeclared{"INC-1", s, "checkout", "critical", "t", std::nullopt}, s));
  std::map<std::string, std::string> labels{{"service", "checkout"}, {"severity", "critical"}};
  Apply(Alert("Errors", labels, true, s + Min(1), s + Min(2)));
  Apply(Alert("Errors", labels, false, s + Min(1), s + Min(21), s + Min(20)));
  EXPECT_TRUE(Inc(id).open) << "its alerts resolving is recorded, not a resolution";
  bool recorded = false;
  for (const TimelineEntry& t : Inc(id).Timeline()) recorded = recorded || t.kind == "alert.resolved";
  EXPECT_TRUE(recorded);
  Apply(Native(IncidentTransition{IncidentTransition::Kind::kResolved, "INC-1", s + Min(30)}, s + Min(30)));
  EXPECT_FALSE(Inc(id).open);
  EXPECT_EQ(*Inc(id).resolved_at, s + Min(30));
}

TEST_F(PeopleAndAlertsTest, SuspectedCauseIsAChangeInTheIncidentsEnvironmentOrInNone) {
  ChangeEvent prod{"deploy-prod", s - Min(30), "checkout", "deploy", "production"};
  ChangeEvent staging{"deploy-staging", s - Min(5), "checkout", "deploy", "staging"};
  Apply(Native(prod, s - Min(30)));
  Apply(Native(staging, s - Min(5)));
  std::map<std::string, std::string> labels{{"service", "checkout"}, {"severity", "critical"}};
  std::string id = Apply(Alert("Errors", labels, true, s, s + Min(1)));
  ASSERT_NE(tracker.SuspectedCause(Inc(id)), nullptr);
  EXPECT_EQ(tracker.SuspectedCause(Inc(id))->id, "deploy-prod") << "no label: changes.default_environment";

  labels["environment"] = "staging";
  labels["service"] = "checkout";
  std::string st = Apply(Alert("Errors", {{"service", "cart"}, {"environment", "staging"}}, true, s, s + Min(1), {},
                               "fp-cart"));
  EXPECT_EQ(Inc(st).environment, "staging");
  ChangeEvent unlabelled{"flag-1", s - Min(1), "cart", "feature_flag"};
  Apply(Native(unlabelled, s - Min(1)));
  ASSERT_NE(tracker.SuspectedCause(Inc(st)), nullptr);
  EXPECT_EQ(tracker.SuspectedCause(Inc(st))->id, "flag-1") << "a change with no environment is a candidate";
}

}  // namespace
}  // namespace debriefd

namespace debriefd {
namespace {
using namespace debriefd::testing;

// A settled incident keeps its text compressed (IncidentDetail::Seal) and
// shows exactly what it showed before; what a debrief adds later follows it.
TEST(SettledIncidentTest, KeepsItsAlertsAndTimelineCompressedAndUnchanged) {
  IncidentTracker tracker{Policy{}};
  const Time s = T("2026-10-01T10:00:00Z");
  std::string id;
  for (int i = 0; i < 20; ++i) {
    std::map<std::string, std::string> labels{{"service", "checkout"}, {"severity", "critical"},
                                              {"pod", "checkout-" + std::to_string(i)}};
    (void)tracker.Apply(Alert("Errors", labels, true, s + Min(i), s + Min(i + 1), {}, "fp" + std::to_string(i)), &id);
    (void)tracker.Apply(Alert("Errors", labels, false, s + Min(i), s + Min(40), s + Min(39), "fp" + std::to_string(i)));
  }
  const Incident& inc = *tracker.Find(id);
  ASSERT_FALSE(inc.open);
  ASSERT_FALSE(inc.counted);
  const std::vector<AlertDetail> alerts = inc.AlertDetails();
  const std::vector<TimelineEntry> timeline = inc.Timeline();
  ASSERT_EQ(alerts.size(), 20u);
  EXPECT_EQ(alerts[7].fingerprint, "fp7");
  EXPECT_EQ(alerts[7].labels.ToMap().at("pod"), "checkout-7");
  EXPECT_EQ(alerts[7].ends_at, s + Min(39));
  EXPECT_FALSE(inc.detail.is_sealed());
  const size_t open_size = inc.detail.size();

  tracker.Advance(s + Hours(24));
  ASSERT_TRUE(inc.counted);
  EXPECT_TRUE(inc.detail.is_sealed());
  EXPECT_LT(inc.detail.size() * 2, open_size);
  const std::vector<AlertDetail> after = inc.AlertDetails();
  ASSERT_EQ(after.size(), alerts.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].fingerprint, alerts[i].fingerprint);
    EXPECT_EQ(after[i].labels.packed(), alerts[i].labels.packed());
    EXPECT_EQ(after[i].starts_at, alerts[i].starts_at);
    EXPECT_EQ(after[i].ends_at, alerts[i].ends_at);
  }
  ASSERT_EQ(inc.Timeline().size(), timeline.size());

  // A re-sent resolution of a settled alert is still known: nothing changes.
  (void)tracker.Apply(Alert("Errors", {{"service", "checkout"}, {"severity", "critical"}, {"pod", "checkout-3"}}, false,
                            s + Min(3), s + Hours(25), s + Min(39), "fp3"));
  EXPECT_EQ(tracker.incidents().size(), 1u);
  ASSERT_TRUE(tracker.Apply(Native(DebriefCompleted{id, s + Hours(26), "https://wiki/debrief/1"}, s + Hours(26))).ok());
  const std::vector<TimelineEntry> later = inc.Timeline();
  ASSERT_EQ(later.size(), timeline.size() + 1);
  EXPECT_EQ(later.back().kind, "debrief.completed");
  EXPECT_EQ(later.back().detail, "https://wiki/debrief/1");
}

}  // namespace
}  // namespace debriefd
