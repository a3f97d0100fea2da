// The gauges of /metrics (domain/counters.h): a GaugeIndex, kept up to date
// incident by incident, gives what a pass over every incident gives.
#include <gtest/gtest.h>

#include "domain/tracker.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

class GaugeIndexTest : public ::testing::Test {
 protected:
  GaugeIndexTest() : tracker(MakePolicy()) {}
  static Policy MakePolicy() {
    Policy p;
    p.debrief_required_for = {"critical"};
    p.debrief_due_within = Hours(72);
    p.checkpoint_after = Days(14);
    return p;
  }
  // Applies the event and re-files the incident it touched, as a tracker would.
  void Apply(const Event& e) {
    std::string id;
    ASSERT_TRUE(tracker.Apply(e, &id).ok());
    const Incident* inc = tracker.Find(id);
    ASSERT_NE(inc, nullptr);
    index.File(tracker.policy(), static_cast<size_t>(inc - tracker.incidents().data()), *inc);
  }
  void Apply(EventBody body, Time at) {
    Event e = Native(std::move(body), at);
    e.dedup_key += std::to_string(seq++);
    Apply(e);
  }
  void Declare(const std::string& id, const std::string& severity, bool resolve) {
    Apply(IncidentDeclared{id, s, "svc-" + severity, severity, "t", std::nullopt}, s);
    if (resolve) Apply(IncidentTransition{IncidentTransition::Kind::kResolved, id, s + Min(30)}, s + Min(30));
  }
  void ExpectSameGaugesUntil(Time from, Duration span) {
    for (Duration later : {Duration(0), Days(1), Hours(72) + Min(31), Days(15), Days(17), span}) {
      const Time now = from + later;
      EXPECT_EQ(index.Compute(tracker.incidents(), tracker.action_items(), tracker.counters(), now),
                tracker.Gauges(now))
          << FormatRfc3339(now);
    }
  }

  IncidentTracker tracker;
  GaugeIndex index;
  Time s = T("2026-10-01T10:00:00Z");
  int seq = 0;
};

TEST_F(GaugeIndexTest, GivesTheGaugesOfEveryIncidentAtAnyTime) {
  Declare("open", "critical", false);
  Declare("pending", "critical", true);  // overdue from s + 72h30m
  Declare("pending-too", "critical", true);
  Declare("not-required", "warning", true);
  Declare("waived", "critical", true);
  Apply(DebriefWaived{"waived", s + Hours(1), "duplicate"}, s + Hours(1));
  Declare("checkpoint-due", "critical", true);
  Apply(DebriefCompleted{"checkpoint-due", s + Hours(2), "https://wiki/1"}, s + Hours(2));
  Declare("settled", "critical", true);
  Apply(DebriefCompleted{"settled", s + Hours(2), "https://wiki/2"}, s + Hours(2));
  Apply(CheckpointCompleted{"settled", s + Days(3), "held"}, s + Days(3));
  ExpectSameGaugesUntil(s + Days(3), Days(400));

  const GaugeSnapshot g = index.Compute(tracker.incidents(), tracker.action_items(), tracker.counters(), s + Days(400));
  EXPECT_EQ((g.open.at({"svc-critical", "critical"})), 1u);
  EXPECT_EQ((g.debriefs_overdue.at({"svc-critical", "critical"})), 2u);
  ASSERT_EQ(g.overdue_debriefs.size(), 2u);
  EXPECT_EQ(g.overdue_debriefs[0].incident_id, "pending");  // in the order of the incidents
  EXPECT_EQ((g.checkpoints_overdue.at({"svc-critical", "critical"})), 1u);
  EXPECT_EQ((g.debriefs_overdue.at({"svc-warning", "warning"})), 0u);  // a zero, not a gap
  EXPECT_EQ(g.action_items_overdue.at("svc-warning"), 0u);

  // Rebuilt from scratch, it files the same.
  GaugeIndex rebuilt;
  rebuilt.Rebuild(tracker.policy(), tracker.incidents());
  EXPECT_EQ(rebuilt.Compute(tracker.incidents(), tracker.action_items(), tracker.counters(), s + Days(400)), g);
}

TEST_F(GaugeIndexTest, AnIncidentIsReFiledWhenAnEventChangesIt) {
  const std::map<std::string, std::string> labels = {{"service", "api"}, {"severity", "critical"}};
  Apply(Alert("Errors", labels, true, s, s));
  ExpectSameGaugesUntil(s, Days(30));
  Apply(Alert("Errors", labels, false, s, s + Min(10), s + Min(10)));
  ExpectSameGaugesUntil(s + Min(10), Days(30));
  // The same alert fires again within alerts.reopen_within: the incident reopens.
  Apply(Alert("Errors", labels, true, s + Min(15), s + Min(15)));
  ASSERT_EQ(tracker.incidents().size(), 1u);
  ExpectSameGaugesUntil(s + Min(15), Days(30));
  Apply(Alert("Errors", labels, false, s + Min(15), s + Min(20), s + Min(20)));
  Apply(DebriefCompleted{tracker.incidents()[0].id, s + Days(5), "https://wiki/3"}, s + Days(5));
  ExpectSameGaugesUntil(s + Days(5), Days(60));
}

}  // namespace
}  // namespace debriefd
