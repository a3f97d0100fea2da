// The exposition of a small recorded history, compared with a golden file
// (tests/golden/metrics.prom) that `promtool check metrics` also validates.
// Regenerate with DEBRIEFD_UPDATE_GOLDEN=1 after an intended change.
//
// The golden file holds the debriefd_events_total series of the two sources
// the history uses; those of every other registered source are checked
// against the registry instead, so adding a source leaves the file alone.
#include "exporters/metrics.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "collector/sources/registry.h"
#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

// The small history with the example config's debrief and warning goals, seen
// on 2026-10-25.
class SmallHistory : public ::testing::Test {
 protected:
  static Config MakeConfig() {
    Config c;
    c.policy.debrief_required_for = {"critical", "warning"};
    c.policy.goals_by_severity["warning"] = Goals{Min(15), Hours(4)};
    return c;
  }
  void SetUp() override {
    h.ReplayFile(SourcePath("tests/fixtures/history/small.jsonl"));
    h.clock().Set(T("2026-10-25T00:00:00Z"));
  }
  ApiHarness h{MakeConfig()};
};

// The exposition without the event series of sources the history does not use.
std::string WithoutOtherSources(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    bool other = false;
    for (const Source* s : Sources()) {
      if (s->name == "alertmanager" || s->name == "events") continue;  // the history's sources
      other = other || line.find("debriefd_events_total{source=\"" + std::string(s->name) + "\"") == 0;
    }
    if (!other) out += line + "\n";
  }
  return out;
}

TEST_F(SmallHistory, MetricsMatchTheGoldenExposition) {
  std::string text = WithoutOtherSources(h.Get("/metrics").body);
  const std::string golden_path = SourcePath("tests/golden/metrics.prom");
  if (std::getenv("DEBRIEFD_UPDATE_GOLDEN") != nullptr) std::ofstream(golden_path) << text;
  EXPECT_EQ(text, ReadFile(golden_path)) << "regenerate with DEBRIEFD_UPDATE_GOLDEN=1 if intended";
}

TEST_F(SmallHistory, EveryActiveSourceHasItsEventSeriesFromZero) {
  // Sources that need no config are always on; a webhook source's series
  // appear once it is configured (Api.AConfiguredGitHubSource... checks those).
  for (const Source* s : Sources()) {
    for (const char* result : {"accepted", "duplicate", "rejected"}) {
      std::string series = "debriefd_events_total{source=\"" + std::string(s->name) + "\",result=\"" + result + "\"}";
      if (s->needs_config) {
        EXPECT_EQ(h.Metric(series), -1) << series << " exists although the source is not configured";
      } else {
        EXPECT_GE(h.Metric(series), 0) << series << " is missing";
      }
    }
  }
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="accepted"})"), 4);
}

TEST_F(SmallHistory, MetricsShowTheHandComputedFigures) {
  // checkout: onset 09:06:40, detected 09:07:10 (30 s), resolved 09:48:00 (41m20s).
  EXPECT_EQ(h.Metric(R"(debriefd_incident_time_to_detect_seconds_sum{service="checkout",severity="critical"})"), 30);
  EXPECT_EQ(h.Metric(R"(debriefd_incident_time_to_fix_seconds_sum{service="checkout",severity="critical"})"), 2480);
  EXPECT_EQ(h.Metric(R"(debriefd_incident_time_to_detect_seconds_bucket{service="checkout",severity="critical",le="60"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_incident_goal_total{service="checkout",severity="critical",goal="fix",result="met"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_incident_suspected_cause_total{service="checkout",severity="critical"})"), 1);
  // search: onset 01:55, detected 02:15 (20m > 15m warning goal), fixed 04:39 (2h44m < 4h).
  EXPECT_EQ(h.Metric(R"(debriefd_incident_goal_total{service="search",severity="warning",goal="detect",result="missed"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_incident_goal_total{service="search",severity="warning",goal="fix",result="met"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_incidents_auto_resolved_total{service="search",severity="warning"})"), 1);
  // search resolved 10-12 04:39 + 72h = 10-15 04:39 due; at 10-25 00:00 it is overdue.
  EXPECT_EQ(h.Metric(R"(debriefd_debrief_overdue_seconds{incident_id="inc-000002",service="search",severity="warning"})"),
            Seconds(T("2026-10-25T00:00:00Z") - T("2026-10-15T04:39:00Z")));
  EXPECT_EQ(h.Metric(R"(debriefd_debriefs_total{service="checkout",severity="critical",result="on_time"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_overdue{service="checkout"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="duplicate"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_incidents_total{service="payments",severity="critical"})"), 1);
  // The checkout incident's debrief confirmed deploy-checkout-412 as its cause.
  EXPECT_EQ(h.Metric(R"(debriefd_change_failures_total{service="checkout",kind="deploy"})"), 1);
}

}  // namespace
}  // namespace debriefd
