// debriefd_change_failures_total: each change a debrief confirmed as the cause
// of an incident counts once, under the change's own service and kind, however
// many incidents it caused; so failures never exceed changes (docs/metrics.md).
#include <gtest/gtest.h>

#include "domain/tracker.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

using Totals = std::map<std::pair<std::string, std::string>, uint64_t>;

class ChangeFailures : public ::testing::Test {
 protected:
  ChangeFailures() : tracker(MakePolicy()) {}
  static Policy MakePolicy() {
    Policy p;
    p.debrief_required_for = {"critical", "warning"};
    return p;
  }
  // Applies and keeps the event, so that a rebuild can apply the same ones.
  Status Apply(EventBody body, Time at) {
    Event e = Native(std::move(body), at);
    e.dedup_key += std::to_string(events.size());
    events.push_back(e);
    return tracker.Apply(e);
  }
  void Change(const std::string& id, Time at, const std::string& service = "checkout",
              const std::string& kind = "deploy") {
    ASSERT_TRUE(Apply(ChangeEvent{id, at, service, kind, "production"}, at).ok());
  }
  // Declares an incident at `at` and resolves it 30 minutes later.
  void Incident(const std::string& id, Time at, const std::string& service = "checkout") {
    ASSERT_TRUE(Apply(IncidentDeclared{id, at, service, "critical", "t", std::nullopt}, at).ok());
    ASSERT_TRUE(Apply(IncidentTransition{IncidentTransition::Kind::kResolved, id, at + Min(30)}, at + Min(30)).ok());
  }
  Status Debrief(const std::string& incident, Time at, std::optional<std::string> cause) {
    return Apply(DebriefCompleted{incident, at, "https://wiki.example/" + incident, std::move(cause)}, at);
  }

  IncidentTracker tracker;
  std::vector<Event> events;
  Time s = T("2026-10-01T10:00:00Z");
};

TEST_F(ChangeFailures, OneChangeConfirmedByTwoIncidentsDebriefsCountsOnce) {
  Change("deploy-412", s);
  Incident("INC-1", s + Min(10));
  Incident("INC-2", s + Hours(2));
  ASSERT_TRUE(Debrief("INC-1", s + Days(1), "deploy-412").ok());
  ASSERT_TRUE(Debrief("INC-2", s + Days(2), "deploy-412").ok());

  EXPECT_EQ(tracker.change_failures_total(), (Totals{{{"checkout", "deploy"}, 1}}));
  EXPECT_EQ(tracker.changes_total(), (Totals{{{"checkout", "deploy"}, 1}}));
  // Stamped at the first debrief that confirmed it.
  ASSERT_EQ(tracker.change_failures().size(), 1u);
  EXPECT_EQ(tracker.change_failures()[0].change_id, "deploy-412");
  EXPECT_EQ(tracker.change_failures()[0].confirmed_at, s + Days(1));
  // Both incidents still name it.
  EXPECT_EQ(tracker.Find("INC-2")->debrief().confirmed_cause_id, "deploy-412");
}

TEST_F(ChangeFailures, AnUnconfirmedChangeCountsZero) {
  Change("deploy-412", s);
  Change("deploy-413", s + Hours(1));
  Incident("INC-1", s + Hours(1) + Min(5));
  // deploy-413 is the suspected cause, but the debrief confirms none.
  ASSERT_NE(tracker.SuspectedCause(*tracker.Find("INC-1")), nullptr);
  ASSERT_TRUE(Debrief("INC-1", s + Days(1), std::nullopt).ok());

  EXPECT_TRUE(tracker.change_failures_total().empty());
  EXPECT_TRUE(tracker.change_failures().empty());
  EXPECT_EQ(tracker.changes_total(), (Totals{{{"checkout", "deploy"}, 2}}));
}

TEST_F(ChangeFailures, CountUnderTheChangesOwnServiceAndKind) {
  // A config change to payments broke checkout.
  Change("cfg-7", s, "payments", "config");
  Incident("INC-1", s + Min(10), "checkout");
  ASSERT_TRUE(Debrief("INC-1", s + Days(1), "cfg-7").ok());
  EXPECT_EQ(tracker.change_failures_total(), (Totals{{{"payments", "config"}, 1}}));
}

TEST_F(ChangeFailures, EachConfirmedChangeCountsOnceAndNeverMoreThanTheChanges) {
  Change("deploy-1", s);
  Change("deploy-2", s + Hours(3));
  Incident("INC-1", s + Min(10));
  Incident("INC-2", s + Min(40));
  Incident("INC-3", s + Hours(3) + Min(10));
  ASSERT_TRUE(Debrief("INC-1", s + Days(1), "deploy-1").ok());
  ASSERT_TRUE(Debrief("INC-2", s + Days(1) + Hours(1), "deploy-1").ok());
  ASSERT_TRUE(Debrief("INC-3", s + Days(2), "deploy-2").ok());
  // Three incidents, two changes, both failed: a rate of 100 %, not 150 %.
  EXPECT_EQ(tracker.change_failures_total(), (Totals{{{"checkout", "deploy"}, 2}}));
  EXPECT_EQ(tracker.changes_total(), (Totals{{{"checkout", "deploy"}, 2}}));
}

TEST_F(ChangeFailures, ASecondDebriefOfTheSameIncidentIsRejectedAndCountsNothing) {
  Change("deploy-1", s);
  Change("deploy-2", s + Min(5));
  Incident("INC-1", s + Min(10));
  ASSERT_TRUE(Debrief("INC-1", s + Days(1), "deploy-1").ok());
  EXPECT_EQ(Debrief("INC-1", s + Days(2), "deploy-2").code(), StatusCode::kConflict);
  EXPECT_EQ(tracker.change_failures_total(), (Totals{{{"checkout", "deploy"}, 1}}));
  EXPECT_EQ(tracker.Find("INC-1")->debrief().confirmed_cause_id, "deploy-1");
}

TEST(ChangeLogFailures, ALaterConfirmationOfAnotherChangeNeverTakesTheFirstAway) {
  ChangeLog log;
  Time s = T("2026-10-01T10:00:00Z");
  log.Add(ChangeEvent{"deploy-1", s, "checkout", "deploy"});
  log.Add(ChangeEvent{"flag-2", s + Min(5), "checkout", "feature_flag"});
  EXPECT_TRUE(log.ConfirmCause("deploy-1", s + Days(1)));
  // The same incident's cause corrected to another change: both stay counted.
  EXPECT_TRUE(log.ConfirmCause("flag-2", s + Days(2)));
  EXPECT_FALSE(log.ConfirmCause("deploy-1", s + Days(3)));
  EXPECT_FALSE(log.ConfirmCause("unknown", s + Days(3)));
  EXPECT_EQ(log.failure_totals(), (Totals{{{"checkout", "deploy"}, 1}, {{"checkout", "feature_flag"}, 1}}));
  ASSERT_EQ(log.failures().size(), 2u);
  EXPECT_EQ(log.failures()[0].confirmed_at, s + Days(1));
  EXPECT_EQ(log.failures()[1].confirmed_at, s + Days(2));
}

TEST_F(ChangeFailures, SurviveARebuildFromTheSameEvents) {
  Change("deploy-412", s);
  Change("cfg-9", s + Min(1), "search", "config");
  Incident("INC-1", s + Min(10));
  Incident("INC-2", s + Hours(2));
  ASSERT_TRUE(Debrief("INC-1", s + Days(1), "deploy-412").ok());
  ASSERT_TRUE(Debrief("INC-2", s + Days(2), "deploy-412").ok());

  // The store re-applies its events in order at start-up.
  IncidentTracker rebuilt(MakePolicy());
  for (const Event& e : events) ASSERT_TRUE(rebuilt.Apply(e).ok());
  EXPECT_EQ(rebuilt.change_failures_total(), tracker.change_failures_total());
  EXPECT_EQ(rebuilt.change_failures_total(), (Totals{{{"checkout", "deploy"}, 1}}));
  ASSERT_EQ(rebuilt.change_failures().size(), 1u);
  EXPECT_EQ(rebuilt.change_failures()[0].confirmed_at, s + Days(1));
}

}  // namespace
}  // namespace debriefd
