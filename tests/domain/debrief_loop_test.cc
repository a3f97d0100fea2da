// The debrief loop: due and overdue debriefs, checkpoints, action items,
// repeats and auto-resolved incidents, with explicit times.
#include <gtest/gtest.h>

#include "domain/tracker.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

class DebriefLoopTest : public ::testing::Test {
 protected:
  DebriefLoopTest() : tracker(MakePolicy()) {}
  static Policy MakePolicy() {
    Policy p;
    p.debrief_required_for = {"critical", "warning"};
    p.debrief_due_within = Hours(72);
    p.checkpoint_after = Days(14);
    p.action_item_due_within = Days(30);
    p.repeat_window = Days(90);
    return p;
  }
  Status Apply(EventBody body, Time at) {
    Event e = Native(std::move(body), at);
    e.dedup_key += std::to_string(seq++);
    return tracker.Apply(e);
  }
  // Declares an incident at s and resolves it 30 minutes later.
  void Incident(const std::string& id, const std::string& severity = "critical",
                const std::string& service = "checkout") {
    ASSERT_TRUE(Apply(IncidentDeclared{id, s, service, severity, "t", std::nullopt}, s).ok());
    ASSERT_TRUE(Apply(IncidentTransition{IncidentTransition::Kind::kResolved, id, s + Min(30)}, s + Min(30)).ok());
  }
  DebriefView Debrief(const std::string& id, Time now) { return tracker.DebriefOf(*tracker.Find(id), now); }
  CheckpointView Checkpoint(const std::string& id, Time now) {
    return tracker.CheckpointAt(*tracker.Find(id), now);
  }

  IncidentTracker tracker;
  Time s = T("2026-10-01T10:00:00Z");
  int seq = 0;
};

// Most incidents never get a debrief: theirs holds no record (one empty
// pointer); the first debrief event writes one, and copies carry it.
TEST_F(DebriefLoopTest, AnIncidentHoldsADebriefRecordOnlyOnceOneIsWritten) {
  Incident("INC-1");
  Incident("INC-2");
  EXPECT_FALSE(tracker.Find("INC-1")->debrief_record.has_value());
  EXPECT_EQ(tracker.Find("INC-1")->debrief().debrief_url, "");
  ASSERT_TRUE(Apply(DebriefCompleted{"INC-2", s + Hours(24), "https://wiki/2"}, s + Hours(24)).ok());
  EXPECT_FALSE(tracker.Find("INC-1")->debrief_record.has_value());
  ASSERT_TRUE(tracker.Find("INC-2")->debrief_record.has_value());
  ::debriefd::Incident copy = *tracker.Find("INC-2");
  copy.mutable_debrief().debrief_url = "https://wiki/changed";
  EXPECT_EQ(tracker.Find("INC-2")->debrief().debrief_url, "https://wiki/2") << "a copy is deep";
  EXPECT_EQ(*copy.debrief().debrief_completed_at, s + Hours(24));
}

TEST_F(DebriefLoopTest, DebriefIsPendingUntilDueThenOverdue) {
  Incident("INC-1");
  Time due = s + Min(30) + Hours(72);
  EXPECT_EQ(*Debrief("INC-1", s).due_at, due);
  EXPECT_EQ(Debrief("INC-1", due).status, DebriefStatus::kPending);
  EXPECT_EQ(Debrief("INC-1", due + Duration(1)).status, DebriefStatus::kOverdue);
  GaugeSnapshot g = tracker.Gauges(due + Hours(1));
  ASSERT_EQ(g.overdue_debriefs.size(), 1u);
  EXPECT_EQ(g.overdue_debriefs[0].incident_id, "INC-1");
  EXPECT_EQ(g.overdue_debriefs[0].overdue_by, Hours(1));
  EXPECT_EQ((g.debriefs_overdue[{"checkout", "critical"}]), 1u);
}

// A cap on the overdue list keeps the longest overdue, in incident order, and
// changes none of the counts: the same as capping the whole list afterwards.
TEST_F(DebriefLoopTest, ACapOnOverdueDebriefsKeepsTheLongestOverdueInIncidentOrder) {
  s = T("2026-10-01T10:00:00Z");
  for (int i = 1; i <= 6; ++i) {
    Incident("INC-" + std::to_string(i));
    if (i != 1) s += Hours(i);  // INC-1 and INC-2 overdue the longest (a tie), then INC-3, ...
  }
  const Time now = s + Days(10);
  const GaugeSnapshot all = tracker.Gauges(now);
  ASSERT_EQ(all.overdue_debriefs.size(), 6u);
  EXPECT_EQ(all.overdue_debriefs_total, 6u);
  const GaugeSnapshot capped = tracker.Gauges(now, 3);
  std::vector<std::string> ids;
  for (const OverdueDebrief& o : capped.overdue_debriefs) ids.push_back(o.incident_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"INC-1", "INC-2", "INC-3"}));
  EXPECT_EQ(capped.overdue_debriefs_total, 6u);
  EXPECT_EQ(capped.overdue_debriefs[1].overdue_by, all.overdue_debriefs[1].overdue_by);
  EXPECT_EQ(capped.debriefs_overdue, all.debriefs_overdue);
  EXPECT_EQ(capped.open, all.open);
  EXPECT_EQ(tracker.Gauges(now, 6).overdue_debriefs, all.overdue_debriefs);
  const GaugeSnapshot one = tracker.Gauges(now, 1);
  ASSERT_EQ(one.overdue_debriefs.size(), 1u);
  EXPECT_EQ(one.overdue_debriefs[0].incident_id, "INC-1") << "a tie goes to the earlier incident";
}

// A walk in steps of any size (a scrape that takes the state lock once per
// step) gives the gauges of one walk: the same tallies, the same overdue list
// under the same cap.
TEST_F(DebriefLoopTest, GaugesWalkedInStepsAreTheGaugesOfOneWalk) {
  for (int i = 1; i <= 7; ++i) {
    Incident("INC-" + std::to_string(i), i % 2 ? "critical" : "warning", i % 3 ? "checkout" : "search");
    s += Hours(i);
  }
  ASSERT_TRUE(Apply(DebriefCompleted{"INC-2", s, "https://wiki/2"}, s).ok());  // its checkpoint comes due
  ASSERT_TRUE(Apply(IncidentDeclared{"INC-8", s, "search", "critical", "t", std::nullopt}, s).ok());  // open
  const Time now = s + Days(20);
  for (size_t cap : {0, 1, 3}) {
    const GaugeSnapshot want = tracker.Gauges(now, cap);
    ASSERT_EQ(want.overdue_debriefs_total, 6u);
    ASSERT_EQ((want.checkpoints_overdue.at({"checkout", "warning"})), 1u);
    ASSERT_EQ((want.open.at({"search", "critical"})), 1u);
    for (size_t step : {1, 2, 3, 100}) {
      GaugeWalk walk(now, cap);
      size_t steps = 1;
      while (!walk.Step(tracker.policy(), tracker.incidents(), step)) {
        if (steps++ % 2) walk.Trim();  // between some steps, as a scrape does before its last
      }
      EXPECT_EQ(steps, (tracker.incidents().size() + step - 1) / step) << "step " << step;
      EXPECT_EQ(walk.Finish(tracker.policy(), tracker.incidents(), tracker.action_items(), tracker.counters()), want)
          << "cap " << cap << ", step " << step;
    }
  }
}

// Incidents no tracker numbered (kNoTallyKey: built by hand) are counted by
// their names, and land in the same series as numbered ones of the same
// (service, severity): the gauges are the tracker's either way.
TEST_F(DebriefLoopTest, IncidentsWithoutATallyKeyCountAsTheNumberedOnes) {
  for (int i = 1; i <= 7; ++i) {
    Incident("INC-" + std::to_string(i), i % 2 ? "critical" : "warning", i % 3 ? "checkout" : "search");
    s += Hours(i);
  }
  ASSERT_TRUE(Apply(DebriefCompleted{"INC-2", s, "https://wiki/2"}, s).ok());
  ASSERT_TRUE(Apply(IncidentDeclared{"INC-8", s, "search", "critical", "t", std::nullopt}, s).ok());
  const Time now = s + Days(20);
  const GaugeSnapshot want = tracker.Gauges(now, 3);
  ASSERT_EQ(want.overdue_debriefs_total, 6u);
  for (int every : {1, 2}) {  // all unnumbered, then every other one
    std::vector<struct Incident> incidents = tracker.incidents();
    for (size_t i = 0; i < incidents.size(); i += every) incidents[i].tally_key = kNoTallyKey;
    EXPECT_EQ(ComputeGauges(tracker.policy(), incidents, tracker.action_items(), tracker.counters(), now, 3), want)
        << "every " << every;
  }
}

// Between steps the incidents change: one already walked is counted as it
// was at its step, and one opened since is counted by the finish.
TEST_F(DebriefLoopTest, AGaugeWalkCountsEachIncidentAsItWasAtItsStep) {
  ASSERT_TRUE(Apply(IncidentDeclared{"INC-1", s, "checkout", "critical", "t", std::nullopt}, s).ok());
  ASSERT_TRUE(Apply(IncidentDeclared{"INC-2", s, "checkout", "critical", "t", std::nullopt}, s).ok());
  GaugeWalk walk(s + Min(1), 0);
  EXPECT_FALSE(walk.Step(tracker.policy(), tracker.incidents(), 1));
  EXPECT_EQ(walk.walked(), 1u);
  ASSERT_TRUE(Apply(IncidentTransition{IncidentTransition::Kind::kResolved, "INC-1", s + Min(1)}, s + Min(1)).ok());
  ASSERT_TRUE(Apply(IncidentDeclared{"INC-3", s + Min(1), "checkout", "critical", "t", std::nullopt}, s + Min(1)).ok());
  const GaugeSnapshot g =
      walk.Finish(tracker.policy(), tracker.incidents(), tracker.action_items(), tracker.counters());
  EXPECT_EQ(walk.walked(), 3u);
  EXPECT_EQ((g.open.at({"checkout", "critical"})), 3u) << "INC-1 open at its step, INC-2, and INC-3 since";
  EXPECT_EQ((tracker.Gauges(s + Min(1)).open.at({"checkout", "critical"})), 2u);
}

TEST_F(DebriefLoopTest, OpenIncidentsHaveNoDebriefDueYet) {
  ASSERT_TRUE(Apply(IncidentDeclared{"INC-1", s, "checkout", "critical", "t", std::nullopt}, s).ok());
  DebriefView d = Debrief("INC-1", s + Days(30));
  EXPECT_EQ(d.status, DebriefStatus::kPending);
  EXPECT_FALSE(d.due_at);
}

TEST_F(DebriefLoopTest, DebriefOnTimeAndLateAreCounted) {
  Incident("A");
  Incident("B");
  ASSERT_TRUE(Apply(DebriefCompleted{"A", s + Hours(24), "https://wiki/a"}, s + Hours(24)).ok());
  ASSERT_TRUE(Apply(DebriefCompleted{"B", s + Hours(80), "https://wiki/b"}, s + Hours(80)).ok());
  EXPECT_EQ(Debrief("A", s + Days(10)).status, DebriefStatus::kDone);
  EXPECT_TRUE(*Debrief("A", s + Days(10)).on_time);
  EXPECT_FALSE(*Debrief("B", s + Days(10)).on_time);
  const IncidentCounters& c = tracker.counters().at({"checkout", "critical"});
  EXPECT_EQ(c.debriefs_on_time, 1u);
  EXPECT_EQ(c.debriefs_late, 1u);
  EXPECT_TRUE(tracker.Gauges(s + Days(10)).overdue_debriefs.empty());
}

TEST_F(DebriefLoopTest, WaivedDebriefIsNeverOverdue) {
  Incident("INC-1");
  ASSERT_TRUE(Apply(DebriefWaived{"INC-1", s + Hours(1), "duplicate of INC-0"}, s + Hours(1)).ok());
  EXPECT_EQ(Debrief("INC-1", s + Days(30)).status, DebriefStatus::kWaived);
  EXPECT_EQ(Checkpoint("INC-1", s + Days(30)).status, CheckpointStatus::kNotDue);
}

TEST_F(DebriefLoopTest, SeveritiesOutsideRequiredForNeedNoDebrief) {
  Incident("INC-1", "info");
  EXPECT_EQ(Debrief("INC-1", s + Days(30)).status, DebriefStatus::kNotRequired);
  EXPECT_TRUE(tracker.Gauges(s + Days(30)).overdue_debriefs.empty());
}

TEST_F(DebriefLoopTest, SkipAutoResolvedExemptsIncidentsNoPersonTouched) {
  Policy p = MakePolicy();
  p.skip_auto_resolved = true;
  IncidentTracker t(p);
  Event fire = Alert("Errors", {{"service", "checkout"}, {"severity", "critical"}}, true, s, s + Min(1));
  Event resolve = Alert("Errors", {{"service", "checkout"}, {"severity", "critical"}}, false, s, s + Min(9), s + Min(8));
  std::string id;
  ASSERT_TRUE(t.Apply(fire, &id).ok());
  ASSERT_TRUE(t.Apply(resolve).ok());
  const debriefd::Incident& inc = *t.Find(id);
  EXPECT_TRUE(inc.auto_resolved());
  EXPECT_EQ(t.DebriefOf(inc, s + Days(30)).status, DebriefStatus::kNotRequired);
  t.Advance(s + Hours(1));
  EXPECT_EQ(t.counters().at({"checkout", "critical"}).auto_resolved, 1u);
}

TEST_F(DebriefLoopTest, AcknowledgedIncidentIsNotAutoResolved) {
  Event fire = Alert("Errors", {{"service", "checkout"}, {"severity", "critical"}}, true, s, s + Min(1));
  std::string id;
  ASSERT_TRUE(tracker.Apply(fire, &id).ok());
  ASSERT_TRUE(Apply(IncidentTransition{IncidentTransition::Kind::kAcknowledged, id, s + Min(2)}, s + Min(2)).ok());
  ASSERT_TRUE(tracker.Apply(Alert("Errors", {{"service", "checkout"}, {"severity", "critical"}}, false, s,
                                  s + Min(9), s + Min(8))).ok());
  EXPECT_FALSE(tracker.Find(id)->auto_resolved());
}

TEST_F(DebriefLoopTest, CheckpointBeforeDebriefIsAConflict) {
  Incident("INC-1");
  Event cp = Native(CheckpointCompleted{"INC-1", s + Days(1), ""}, s + Days(1));
  Status st = tracker.Check({&cp});
  // A state that forbids it (HTTP 409, like a conflict): see server/http.cc.
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "incident_id");
  EXPECT_FALSE(tracker.Apply(cp).ok());
  EXPECT_FALSE(tracker.Find("INC-1")->debrief().checkpoint_completed_at);
}

TEST_F(DebriefLoopTest, CheckpointIsDueAfterTheDebriefThenOverdueThenDone) {
  Incident("INC-1");
  Time held = s + Hours(30);
  ASSERT_TRUE(Apply(DebriefCompleted{"INC-1", held, "https://wiki/1"}, held).ok());
  EXPECT_EQ(*Checkpoint("INC-1", held).due_at, held + Days(14));
  EXPECT_EQ(Checkpoint("INC-1", held + Days(14)).status, CheckpointStatus::kPending);
  EXPECT_EQ(Checkpoint("INC-1", held + Days(14) + Duration(1)).status, CheckpointStatus::kOverdue);
  EXPECT_EQ((tracker.Gauges(held + Days(15)).checkpoints_overdue[{"checkout", "critical"}]), 1u);
  ASSERT_TRUE(Apply(CheckpointCompleted{"INC-1", held + Days(15), "all items done"}, held + Days(15)).ok());
  EXPECT_EQ(Checkpoint("INC-1", held + Days(16)).status, CheckpointStatus::kDone);
}

TEST_F(DebriefLoopTest, ConfirmedCauseMovesTheStartAndRecomputesTimes) {
  ASSERT_TRUE(Apply(ChangeEvent{"deploy-42", s - Min(40), "checkout", "deploy"}, s - Min(40)).ok());
  Incident("INC-1");
  Clocking before = tracker.ClockOf(*tracker.Find("INC-1"));
  EXPECT_EQ(before.time_to_detect, Duration(0));
  EXPECT_EQ(*before.time_to_fix, Min(30));
  ASSERT_TRUE(Apply(DebriefCompleted{"INC-1", s + Days(1), "u", std::string("deploy-42")}, s + Days(1)).ok());
  const debriefd::Incident& inc = *tracker.Find("INC-1");
  EXPECT_EQ(inc.started_at, s - Min(40));
  Clocking after = tracker.ClockOf(inc);
  EXPECT_EQ(after.time_to_detect, Min(40));
  EXPECT_FALSE(after.detect_goal_met);
  EXPECT_EQ(*after.time_to_fix, Min(70));
  EXPECT_FALSE(*after.fix_goal_met);
}

TEST_F(DebriefLoopTest, ConfirmedCauseLaterThanTheStartLeavesItAlone) {
  Incident("INC-1");
  ASSERT_TRUE(Apply(ChangeEvent{"late", s + Min(5), "checkout", "deploy"}, s + Min(5)).ok());
  ASSERT_TRUE(Apply(DebriefCompleted{"INC-1", s + Days(1), "u", std::string("late")}, s + Days(1)).ok());
  EXPECT_EQ(tracker.Find("INC-1")->started_at, s);
}

TEST_F(DebriefLoopTest, UnknownConfirmedCauseIsNotFound) {
  Incident("INC-1");
  Event e = Native(DebriefCompleted{"INC-1", s + Days(1), "u", std::string("nope")}, s + Days(1));
  Status st = tracker.Check({&e});
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.field(), "confirmed_cause_id");
}

TEST_F(DebriefLoopTest, CorrectedStartFromTheDebriefTimelineIsUsed) {
  Incident("INC-1");
  DebriefCompleted d{"INC-1", s + Days(1), "u"};
  d.started_at = s - Min(20);
  ASSERT_TRUE(Apply(d, s + Days(1)).ok());
  EXPECT_EQ(tracker.ClockOf(*tracker.Find("INC-1")).time_to_detect, Min(20));
}

TEST_F(DebriefLoopTest, RepeatWithinTheWindowPointsAtTheEarlierIncident) {
  Incident("A");
  Time later = s + Days(60);
  ASSERT_TRUE(Apply(IncidentDeclared{"B", later, "checkout", "critical", "again", std::nullopt}, later).ok());
  EXPECT_EQ(*tracker.Find("B")->repeat_of, "A");
  EXPECT_EQ(tracker.counters().at({"checkout", "critical"}).repeats, 1u);
}

TEST_F(DebriefLoopTest, IncidentOutsideTheRepeatWindowIsNoRepeat) {
  Incident("A");
  Time later = s + Min(30) + Days(90) + Duration(1);
  ASSERT_TRUE(Apply(IncidentDeclared{"B", later, "checkout", "critical", "again", std::nullopt}, later).ok());
  EXPECT_FALSE(tracker.Find("B")->repeat_of);
  Incident("C", "critical", "search");
  EXPECT_FALSE(tracker.Find("C")->repeat_of) << "another service is another key";
}

TEST_F(DebriefLoopTest, ActionItemsOpenDueAndOverdueThenClosed) {
  Incident("INC-1");
  ActionItemOpened o{"INC-1", s + Days(1), ActionItemSpec{"AI-1", "Add canary", "https://tracker/1", std::nullopt, {"debrief"}}};
  ASSERT_TRUE(Apply(o, s + Days(1)).ok());
  const ActionItem& item = tracker.action_items().at("AI-1");
  EXPECT_EQ(item.due_at, s + Days(31));
  EXPECT_EQ(item.service, "checkout");
  EXPECT_FALSE(item.OverdueAt(s + Days(31)));
  GaugeSnapshot g = tracker.Gauges(s + Days(32));
  EXPECT_EQ((g.action_items_open[{"checkout", true}]), 1u);
  EXPECT_EQ(g.action_items_overdue["checkout"], 1u);
  ASSERT_TRUE(Apply(ActionItemClosed{"AI-1", s + Days(33)}, s + Days(33)).ok());
  g = tracker.Gauges(s + Days(34));
  EXPECT_EQ((g.action_items_open[{"checkout", true}]), 0u);
  EXPECT_EQ(g.action_items_overdue["checkout"], 0u);
}

TEST_F(DebriefLoopTest, DebriefCanOpenActionItemsWithTheirOwnDueDates) {
  Incident("INC-1");
  DebriefCompleted d{"INC-1", s + Days(1), "u"};
  d.action_items.push_back({"AI-1", "Alert on saturation", "", s + Days(7), {}});
  d.action_items.push_back({"AI-2", "Runbook", "", std::nullopt, {}});
  ASSERT_TRUE(Apply(d, s + Days(1)).ok());
  EXPECT_EQ(tracker.action_items().at("AI-1").due_at, s + Days(7));
  EXPECT_EQ(tracker.action_items().at("AI-2").due_at, s + Days(31));
  EXPECT_EQ(tracker.Find("INC-1")->debrief().action_item_ids.size(), 2u);
}

TEST_F(DebriefLoopTest, ActionItemErrorsNameTheField) {
  Incident("INC-1");
  Event unknown_incident = Native(ActionItemOpened{"nope", s, ActionItemSpec{"AI-1", "x"}}, s);
  EXPECT_EQ(tracker.Check({&unknown_incident}).code(), StatusCode::kNotFound);
  Event close_unknown = Native(ActionItemClosed{"AI-9", s}, s);
  Status st = tracker.Check({&close_unknown});
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.field(), "id");
  ASSERT_TRUE(Apply(ActionItemOpened{"INC-1", s, ActionItemSpec{"AI-1", "x"}}, s).ok());
  Event dup = Native(ActionItemOpened{"INC-1", s, ActionItemSpec{"AI-1", "y"}}, s);
  EXPECT_EQ(tracker.Check({&dup}).code(), StatusCode::kConflict);
}

// debrief.updated amends what the debrief found, never when it was held.
TEST_F(DebriefLoopTest, DebriefUpdatedAmendsFindingsWithoutChangingWhenItWasHeld) {
  ASSERT_TRUE(Apply(ChangeEvent{"d-1", s - Min(30), "checkout", "deploy"}, s - Min(30)).ok());
  ASSERT_TRUE(Apply(ChangeEvent{"d-2", s - Min(60), "checkout", "config"}, s - Min(60)).ok());
  Incident("INC-1");
  DebriefCompleted held{"INC-1", s + Hours(24), "https://wiki/draft", std::string("d-1")};
  held.action_items = {{"AI-1", "Canary", "https://t/1"}};
  ASSERT_TRUE(Apply(held, s + Hours(24)).ok());
  const Time checkpoint_due = *Checkpoint("INC-1", s + Hours(30)).due_at;

  DebriefUpdated u{"INC-1", s + Hours(100), "https://wiki/final", std::string("d-2"), Impact{120, std::nullopt, "carts"}};
  ActionItemSpec restated{"AI-1", "Canary every deploy", "https://t/1"};
  restated.due = s + Days(40);
  u.action_items = {restated, {"AI-2", "Alert on pool", ""}};
  ASSERT_TRUE(Apply(u, s + Hours(100)).ok());

  const auto& inc = *tracker.Find("INC-1");
  EXPECT_EQ(inc.debrief().debrief_url, "https://wiki/final");
  EXPECT_EQ(*inc.debrief().debrief_completed_at, s + Hours(24)) << "when it was held stays";
  EXPECT_TRUE(*Debrief("INC-1", s + Days(10)).on_time) << "amended after its due time, still held on time";
  EXPECT_EQ(*Checkpoint("INC-1", s + Hours(30)).due_at, checkpoint_due);
  EXPECT_EQ(*inc.debrief().confirmed_cause_id, "d-2");
  EXPECT_EQ(inc.started_at, s - Min(60)) << "the start moves to the newly confirmed, earlier change";
  EXPECT_DOUBLE_EQ(*inc.debrief().impact->customers_affected, 120);
  EXPECT_EQ(inc.debrief().impact->summary, "carts");
  const IncidentCounters& c = tracker.counters().at({"checkout", "critical"});
  EXPECT_EQ(c.debriefs_on_time, 1u) << "an update is not a second debrief";
  EXPECT_EQ(c.debriefs_late, 0u);
  EXPECT_EQ(tracker.change_failures().size(), 2u) << "d-1 stays counted: counters never go down";

  const ActionItem& ai1 = tracker.action_items().at("AI-1");
  EXPECT_EQ(ai1.title, "Canary every deploy");
  EXPECT_EQ(ai1.due_at, s + Days(40));
  EXPECT_EQ(ai1.opened_at, s + Hours(24));
  const ActionItem& ai2 = tracker.action_items().at("AI-2");
  EXPECT_EQ(ai2.incident_id, "INC-1");
  EXPECT_EQ(ai2.opened_at, s + Hours(100));
  EXPECT_EQ(ai2.due_at, s + Hours(100) + Days(30));
  EXPECT_EQ(inc.debrief().action_item_ids, (std::vector<std::string>{"AI-1", "AI-2"}));
  ASSERT_FALSE(inc.Timeline().empty());
  EXPECT_EQ(inc.Timeline().back().kind, "debrief.updated");
  EXPECT_EQ(inc.Timeline().back().detail, "url, confirmed_cause_id, impact, action_items");
}

TEST_F(DebriefLoopTest, DebriefUpdatedWithoutAHeldDebriefIsRefusedAndChangesNothing) {
  Incident("INC-1");
  Status st = Apply(DebriefUpdated{"INC-1", s + Hours(2), "https://wiki/1"}, s + Hours(2));
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "incident_id");
  EXPECT_EQ(tracker.Find("INC-1")->debrief().debrief_url, "");
  EXPECT_EQ(Debrief("INC-1", s + Hours(3)).status, DebriefStatus::kPending);
}

TEST_F(DebriefLoopTest, TheSameDebriefUpdateTwiceChangesNothingMore) {
  Incident("INC-1");
  ASSERT_TRUE(Apply(DebriefCompleted{"INC-1", s + Hours(24), "https://wiki/draft"}, s + Hours(24)).ok());
  DebriefUpdated u{"INC-1", s + Hours(30), "https://wiki/final", std::nullopt, Impact{std::nullopt, 5000, ""}};
  u.action_items = {{"AI-9", "Runbook", "https://t/9"}};
  ASSERT_TRUE(Apply(u, s + Hours(30)).ok());
  const std::vector<TimelineEntry> timeline = tracker.Find("INC-1")->Timeline();
  const size_t items = tracker.action_items().size();
  ASSERT_TRUE(Apply(u, s + Hours(31)).ok()) << "a re-sent update is accepted";
  const auto& inc = *tracker.Find("INC-1");
  EXPECT_EQ(inc.Timeline().size(), timeline.size());
  EXPECT_EQ(tracker.action_items().size(), items);
  EXPECT_EQ(inc.debrief().action_item_ids, std::vector<std::string>{"AI-9"});
  EXPECT_EQ(tracker.action_items().at("AI-9").opened_at, s + Hours(30));
  EXPECT_EQ(inc.debrief().debrief_url, "https://wiki/final");
  EXPECT_DOUBLE_EQ(*inc.debrief().impact->cost, 5000);
}

TEST_F(DebriefLoopTest, AnAbsentFieldOfADebriefUpdateKeepsItsValue) {
  Incident("INC-1");
  DebriefCompleted held{"INC-1", s + Hours(24), "https://wiki/1"};
  held.impact = Impact{7, 1.5, "some"};
  ASSERT_TRUE(Apply(held, s + Hours(24)).ok());
  ASSERT_TRUE(Apply(DebriefUpdated{"INC-1", s + Hours(30)}, s + Hours(30)).ok());
  const auto& inc = *tracker.Find("INC-1");
  EXPECT_EQ(inc.debrief().debrief_url, "https://wiki/1");
  EXPECT_DOUBLE_EQ(*inc.debrief().impact->customers_affected, 7);
  EXPECT_EQ(inc.Timeline().back().kind, "debrief.completed") << "nothing changed, nothing to note";
}

}  // namespace
}  // namespace debriefd
