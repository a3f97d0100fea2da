// Action items from trackers (docs/debrief-loop.md, "Action items from
// trackers"): every rule applied to TrackerIssue snapshots, with explicit times.
#include <gtest/gtest.h>

#include "domain/tracker.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

class TrackerItemsTest : public ::testing::Test {
 protected:
  TrackerItemsTest() : tracker(Policy{}) {}

  Status Apply(EventBody body, Time at, const std::string& source = "jira") {
    Event e = Native(std::move(body), at);
    e.source = source;
    e.dedup_key += std::to_string(seq++);
    return tracker.Apply(e);
  }
  // Declares an incident at `at` on `service` and resolves it 30 minutes later.
  void Incident(const std::string& id, Time at, const std::string& service = "checkout") {
    ASSERT_TRUE(Apply(IncidentDeclared{id, at, service, "critical", "t", std::nullopt}, at, "events").ok());
    ASSERT_TRUE(
        Apply(IncidentTransition{IncidentTransition::Kind::kResolved, id, at + Min(30)}, at + Min(30), "events").ok());
  }
  // The issue OPS-12 as a tracker would send it at `at`.
  TrackerIssue Issue(Time at, std::vector<std::string> labels) {
    TrackerIssue i;
    i.id = "OPS-12";
    i.time = at;
    i.title = "Add a canary stage";
    i.url = "https://acme.atlassian.net/browse/OPS-12";
    i.service = "ops";
    i.labels = std::move(labels);
    i.created_at = s;
    return i;
  }
  const ActionItem* Item(const std::string& id = "OPS-12") const {
    auto it = tracker.action_items().find(id);
    return it == tracker.action_items().end() ? nullptr : &it->second;
  }
  uint64_t OpenGauge(const std::string& service, bool linked) {
    GaugeSnapshot g = tracker.Gauges(tracker.now());
    auto it = g.action_items_open.find({service, linked});
    return it == g.action_items_open.end() ? 0 : it->second;
  }
  static uint64_t Count(const std::map<std::string, uint64_t>& m, const std::string& service) {
    auto it = m.find(service);
    return it == m.end() ? 0 : it->second;
  }

  IncidentTracker tracker;
  Time s = T("2026-11-02T10:00:00Z");
  int seq = 0;
};

TEST_F(TrackerItemsTest, AnIssueWithoutTheLabelIsNotAnItem) {
  ASSERT_TRUE(Apply(Issue(s, {"bug"}), s).ok());
  EXPECT_EQ(Item(), nullptr);
  EXPECT_TRUE(tracker.action_items().empty());
}

TEST_F(TrackerItemsTest, LabelledLaterOpensAtTheDeliveryTime) {
  ASSERT_TRUE(Apply(Issue(s, {"bug"}), s).ok());
  ASSERT_TRUE(Apply(Issue(s + Days(2), {"bug", "debrief"}), s + Days(2)).ok());
  const ActionItem* item = Item();
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->opened_at, s + Days(2));
  EXPECT_EQ(item->due_at, s + Days(2) + Days(30)) << "no tracker due date: action_items.due_within";
  EXPECT_EQ(item->source, "jira");
  EXPECT_TRUE(item->open());
  EXPECT_FALSE(item->linked());
  EXPECT_EQ(item->service, "ops") << "an unlinked item counts under the source's service";
  EXPECT_EQ(OpenGauge("ops", false), 1u);
}

TEST_F(TrackerItemsTest, TheTrackersDueDateWins) {
  TrackerIssue i = Issue(s, {"debrief"});
  i.due = s + Days(5);
  ASSERT_TRUE(Apply(i, s).ok());
  EXPECT_EQ(Item()->due_at, s + Days(5));
  EXPECT_FALSE(Item()->OverdueAt(s + Days(5)));
  EXPECT_TRUE(Item()->OverdueAt(s + Days(5) + Duration(1)));
  i.due.reset();
  i.time = s + Days(1);
  ASSERT_TRUE(Apply(i, s + Days(1)).ok());
  EXPECT_EQ(Item()->due_at, s + Days(30)) << "a cleared due date falls back to due_within from the opening";
}

TEST_F(TrackerItemsTest, UnlabelledOrDeletedIsWithdrawnNeitherClosedNorOverdue) {
  ASSERT_TRUE(Apply(Issue(s, {"debrief"}), s).ok());
  ASSERT_TRUE(Apply(Issue(s + Days(40), {}), s + Days(40)).ok());
  const ActionItem* item = Item();
  EXPECT_TRUE(item->withdrawn);
  EXPECT_FALSE(item->open());
  EXPECT_FALSE(item->closed_at);
  EXPECT_FALSE(item->OverdueAt(s + Days(41)));
  EXPECT_EQ(item->state(), ActionItemState::kWithdrawn);
  EXPECT_EQ(Count(tracker.action_item_counters().closed, "ops"), 0u);
  EXPECT_EQ(OpenGauge("ops", false), 0u);
  EXPECT_EQ(tracker.Gauges(s + Days(41)).action_items_overdue["ops"], 0u);

  // Labelled again: opened anew, then deleted.
  ASSERT_TRUE(Apply(Issue(s + Days(42), {"debrief"}), s + Days(42)).ok());
  EXPECT_TRUE(Item()->open());
  EXPECT_EQ(Item()->opened_at, s + Days(42));
  EXPECT_EQ(Item()->due_at, s + Days(72));
  TrackerIssue deleted = Issue(s + Days(43), {"debrief"});
  deleted.deleted = true;
  ASSERT_TRUE(Apply(deleted, s + Days(43)).ok());
  EXPECT_EQ(Item()->state(), ActionItemState::kWithdrawn);
  EXPECT_EQ(Item()->StateAt(s + Days(41)), ActionItemState::kWithdrawn);
  EXPECT_EQ(Item()->StateAt(s + Days(42)), ActionItemState::kOpen);
  EXPECT_EQ(Item()->StateAt(s - Duration(1)), ActionItemState::kNone);
}

TEST_F(TrackerItemsTest, ClosedAtTheTrackersTimeReopenedCountsBothAndNeverGoesDown) {
  ASSERT_TRUE(Apply(Issue(s, {"debrief"}), s).ok());
  TrackerIssue done = Issue(s + Days(3), {"debrief"});
  done.done = true;
  done.closed_at = s + Days(3) - Min(5);
  ASSERT_TRUE(Apply(done, s + Days(3)).ok());
  EXPECT_EQ(Item()->closed_at, s + Days(3) - Min(5)) << "the resolution date, not the delivery";
  EXPECT_EQ(Count(tracker.action_item_counters().closed, "ops"), 1u);
  ASSERT_TRUE(Apply(done, s + Days(3) + Min(1)).ok()) << "the same snapshot again changes nothing";
  EXPECT_EQ(Count(tracker.action_item_counters().closed, "ops"), 1u);

  ASSERT_TRUE(Apply(Issue(s + Days(4), {"debrief"}), s + Days(4)).ok());
  EXPECT_TRUE(Item()->open());
  EXPECT_EQ(Item()->opened_at, s) << "reopening keeps the opening";
  EXPECT_EQ(Count(tracker.action_item_counters().reopened, "ops"), 1u);
  EXPECT_EQ(Count(tracker.action_item_counters().closed, "ops"), 1u) << "the earlier close stays counted";

  done.time = s + Days(6);
  done.closed_at = s + Days(6);
  ASSERT_TRUE(Apply(done, s + Days(6)).ok());
  EXPECT_EQ(Count(tracker.action_item_counters().closed, "ops"), 2u);
  EXPECT_EQ(Item()->StateAt(s + Days(5)), ActionItemState::kOpen);
  EXPECT_EQ(Item()->StateAt(s + Days(6)), ActionItemState::kClosed);
}

TEST_F(TrackerItemsTest, FirstSeenClosedOpenedNoLaterThanItClosed) {
  TrackerIssue done = Issue(s + Days(10), {"debrief"});
  done.done = true;
  done.closed_at = s + Days(9);
  ASSERT_TRUE(Apply(done, s + Days(10)).ok());
  EXPECT_EQ(Item()->opened_at, s) << "its creation";
  EXPECT_EQ(Item()->closed_at, s + Days(9));
  EXPECT_EQ(Count(tracker.action_item_counters().reopened, "ops"), 0u);
}

TEST_F(TrackerItemsTest, LinkedByLabelBeforePatternAndCountedUnderTheIncidentsService) {
  Incident("INC-7", s - Days(2), "checkout");
  Incident("INC-8", s - Days(1), "search");
  TrackerIssue i = Issue(s, {"debrief", "incident:INC-8"});
  i.title = "Follow-up of INC-7";
  ASSERT_TRUE(Apply(i, s).ok());
  EXPECT_EQ(Item()->incident_id, "INC-8") << "the label wins over the title";
  EXPECT_EQ(Item()->service, "search");
  EXPECT_EQ(OpenGauge("search", true), 1u);
  const debriefd::Incident* inc = tracker.Find("INC-8");
  ASSERT_EQ(inc->debrief().action_item_ids, std::vector<std::string>{"OPS-12"});
  EXPECT_EQ(inc->Timeline().back().kind, "action_item.opened");
}

TEST_F(TrackerItemsTest, LinkedByTheFirstKnownIncidentThePatternFinds) {
  Incident("INC-7", s - Days(2));
  TrackerIssue i = Issue(s, {"debrief"});
  i.title = "Canary for INC-99";  // unknown: skipped
  i.description = "After inc-000001 and INC-7 we want a canary.";
  ASSERT_TRUE(Apply(i, s).ok());
  EXPECT_EQ(Item()->incident_id, "INC-7");
  EXPECT_EQ(tracker.Find("INC-7")->debrief().action_item_ids.size(), 1u);
}

TEST_F(TrackerItemsTest, AnItemNamingNoKnownIncidentIsKeptUnlinkedAndLinksOnALaterEdit) {
  TrackerIssue i = Issue(s, {"debrief"});
  i.title = "Follow-up of INC-50";
  ASSERT_TRUE(Apply(i, s).ok());
  ASSERT_NE(Item(), nullptr) << "never dropped";
  EXPECT_FALSE(Item()->linked());
  EXPECT_EQ(OpenGauge("ops", false), 1u);

  Incident("INC-50", s + Hours(1), "payments");
  i.time = s + Hours(2);
  ASSERT_TRUE(Apply(i, s + Hours(2)).ok());
  EXPECT_EQ(Item()->incident_id, "INC-50");
  EXPECT_EQ(Item()->service, "payments");
  EXPECT_EQ(OpenGauge("ops", false), 0u);
  EXPECT_EQ(OpenGauge("payments", true), 1u);

  i.title = "Canary";  // the mention dropped: the link stays
  i.time = s + Hours(3);
  ASSERT_TRUE(Apply(i, s + Hours(3)).ok());
  EXPECT_EQ(Item()->incident_id, "INC-50");
}

TEST_F(TrackerItemsTest, TheLabelAndTheIncidentRulesComeFromThePolicy) {
  Policy p;
  p.action_item_label = "follow-up";
  p.action_item_incident_label = "inc/{id}";
  p.action_item_incident_pattern = "OUT-[0-9]+";
  tracker = IncidentTracker(p);
  Incident("OUT-3", s - Days(1));
  Incident("INC-4", s - Days(1));
  TrackerIssue i = Issue(s, {"debrief"});
  ASSERT_TRUE(Apply(i, s).ok());
  EXPECT_EQ(Item(), nullptr) << "debrief is not the label any more";
  i.labels = {"follow-up"};
  i.title = "After INC-4 and OUT-3";
  ASSERT_TRUE(Apply(i, s).ok());
  EXPECT_EQ(Item()->incident_id, "OUT-3");
  i.labels = {"follow-up", "inc/INC-4"};
  ASSERT_TRUE(Apply(i, s).ok());
  EXPECT_EQ(Item()->incident_id, "INC-4");
  EXPECT_TRUE(tracker.Find("OUT-3")->debrief().action_item_ids.empty()) << "moved, not copied";
}

TEST_F(TrackerItemsTest, ARepeatWhileTheEarlierIncidentHasOpenItemsIsCounted) {
  Incident("INC-1", s);
  ASSERT_TRUE(Apply(Issue(s + Days(1), {"debrief", "incident:INC-1"}), s + Days(1)).ok());
  Incident("INC-2", s + Days(5));
  EXPECT_EQ(tracker.Find("INC-2")->repeat_of, "INC-1");
  EXPECT_TRUE(tracker.Find("INC-2")->repeat_with_open_items);
  EXPECT_EQ(Count(tracker.action_item_counters().repeats_with_open_items, "checkout"), 1u);

  TrackerIssue done = Issue(s + Days(6), {"debrief", "incident:INC-2"});
  done.id = "OPS-13";
  done.done = true;
  done.closed_at = s + Days(6);
  ASSERT_TRUE(Apply(done, s + Days(6)).ok());
  Incident("INC-3", s + Days(7));
  EXPECT_EQ(tracker.Find("INC-3")->repeat_of, "INC-2");
  EXPECT_FALSE(tracker.Find("INC-3")->repeat_with_open_items) << "INC-2's only item was closed";
  EXPECT_EQ(Count(tracker.action_item_counters().repeats_with_open_items, "checkout"), 1u);
}

TEST_F(TrackerItemsTest, NativeItemsShareTheListAndTheCounters) {
  Incident("INC-1", s);
  ASSERT_TRUE(Apply(ActionItemOpened{"INC-1", s + Hours(1), ActionItemSpec{"AI-1", "Alert on p99"}}, s + Hours(1),
                    "events")
                  .ok());
  ASSERT_TRUE(Apply(Issue(s + Hours(2), {"debrief", "incident:INC-1"}), s + Hours(2)).ok());
  EXPECT_EQ(OpenGauge("checkout", true), 2u);
  EXPECT_EQ(tracker.action_items().at("AI-1").source, "events");
  ASSERT_TRUE(Apply(ActionItemClosed{"AI-1", s + Hours(3)}, s + Hours(3), "events").ok());
  EXPECT_EQ(Count(tracker.action_item_counters().closed, "checkout"), 1u);
  EXPECT_EQ(tracker.action_items().at("AI-1").StateAt(s + Hours(3)), ActionItemState::kClosed);
  EXPECT_EQ(tracker.Find("INC-1")->debrief().action_item_ids, (std::vector<std::string>{"AI-1", "OPS-12"}));
}

}  // namespace
}  // namespace debriefd
