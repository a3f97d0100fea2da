// The exposition of a small recorded history, compared with a golden file
// (tests/golden/metrics.prom) that `promtool check metrics` also validates.
// Regenerate with DEBRIEFD_UPDATE_GOLDEN=1 after an intended change.
//
// The golden file holds the debriefd_events_total and debriefd_http_* series of
// the two sources the history uses; those of every other registered source are checked
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
      other = other || line.find("debriefd_events_total{source=\"" + std::string(s->name) + "\"") == 0 ||
              (line.starts_with("debriefd_http_") && line.find("handler=\"" + std::string(s->route) + "\"") != std::string::npos);
    }
    if (!other) out += line + "\n";
  }
  return out;
}

// Every family, with the figures of the machine (process, server, request
// durations) fixed so that the exposition is the same everywhere.
std::string FullExposition(ApiHarness& h) {
  ReloadState reload;
  reload.RecordSuccess(1761350400);
  double clock = 100;
  ApiOptions o;
  o.version = "test";
  o.revision = "0123abc";
  o.sources = h.config().sources;
  o.reload_state = &reload;
  o.monotonic_seconds = [&clock] { return clock += 0.125; };  // every request takes 0.125 s
  o.server_stats = [] { return ServerFigures{.connections_open = 2}; };
  o.process_stats = []() -> Result<ProcessStats> {
    return ProcessStats{.cpu_seconds = 1.5, .resident_bytes = 20971520, .virtual_bytes = 104857600,
                        .open_fds = 12, .max_fds = 1024, .start_time_seconds = 1761350400};
  };
  Api api(h.ingest(), o);
  std::string text;
  for (const char* target : {"/healthz", "/metrics"}) {
    HttpRequest req;
    req.method = "GET";
    req.target = target;
    api.Handle(req, [&text](HttpResponse r) { text = std::move(r.body); });
  }
  return text;
}

TEST_F(SmallHistory, MetricsMatchTheGoldenExposition) {
  std::string text = WithoutOtherSources(FullExposition(h));
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

// Counters per (service, severity) as a tracker would hold them.
IncidentCounters Opened(uint64_t n, double detect_seconds) {
  IncidentCounters c;
  c.opened = n;
  c.time_to_detect = Histogram({60, 300});
  c.time_to_fix = Histogram({60, 300});
  for (uint64_t i = 0; i < n; ++i) c.time_to_detect.Observe(detect_seconds);
  return c;
}

TEST(FoldServices, KeepsTheFirstServicesByFirstIncidentAndSumsTheRest) {
  MetricsSnapshot s;
  s.services_by_first_incident = {"zeta", "alpha", "mid", "late"};
  s.counters[{"zeta", "critical"}] = Opened(1, 30);
  s.counters[{"alpha", "critical"}] = Opened(2, 30);
  s.counters[{"mid", "critical"}] = Opened(3, 120);
  s.counters[{"late", "critical"}] = Opened(4, 400);
  s.changes[{"deploy-only", "deploy"}] = 5;
  s.changes[{"zeta", "deploy"}] = 1;
  s.gauges.overdue_debriefs.push_back({"inc-9", "late", "critical", std::chrono::seconds(10)});

  EXPECT_EQ(FoldServices(s, 2), 3u);  // mid, late, deploy-only
  ASSERT_EQ(s.counters.size(), 3u);
  EXPECT_EQ(s.counters.at({"zeta", "critical"}).opened, 1u);
  EXPECT_EQ(s.counters.at({"alpha", "critical"}).opened, 2u);
  const IncidentCounters& other = s.counters.at({"_other", "critical"});
  EXPECT_EQ(other.opened, 7u);
  EXPECT_EQ(other.time_to_detect.count, 7u);
  EXPECT_EQ(other.time_to_detect.counts, (std::vector<uint64_t>{0, 3, 4}));
  EXPECT_DOUBLE_EQ(other.time_to_detect.sum, 3 * 120 + 4 * 400);
  EXPECT_EQ(s.changes.at({"_other", "deploy"}), 5u);
  EXPECT_EQ(s.changes.at({"zeta", "deploy"}), 1u);
  EXPECT_EQ(s.gauges.overdue_debriefs[0].service, "_other");
  EXPECT_EQ(s.gauges.overdue_debriefs[0].incident_id, "inc-9");
}

TEST(CapOverdueDebriefs, KeepsTheLongestOverdueInIncidentOrder) {
  MetricsSnapshot s;
  auto overdue = [](const char* id, int hours) {
    return OverdueDebrief{id, "svc", "critical", std::chrono::hours(hours)};
  };
  s.gauges.overdue_debriefs = {overdue("a", 5), overdue("b", 90), overdue("c", 5), overdue("d", 30), overdue("e", 1)};
  EXPECT_EQ(CapOverdueDebriefs(s, 3), 2u);
  std::vector<std::string> ids;
  for (const OverdueDebrief& o : s.gauges.overdue_debriefs) ids.push_back(o.incident_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "d"})) << "90 h, 30 h, and the first of the two at 5 h";
  EXPECT_EQ(CapOverdueDebriefs(s, 3), 0u) << "within the bound";
  EXPECT_EQ(CapOverdueDebriefs(s, 0), 0u) << "no bound";
  EXPECT_EQ(s.gauges.overdue_debriefs.size(), 3u);
}

// A snapshot taken with the cap copies only the kept overdue debriefs, and
// CapOverdueDebriefs still reports every one left out (for
// debriefd_label_values_folded{label="incident_id"}).
TEST(CapOverdueDebriefs, CountsWhatTheSnapshotLeftOut) {
  IncidentTracker tracker{Policy{}};
  const Time s = T("2026-10-01T10:00:00Z");
  for (int i = 0; i < 5; ++i) {
    const std::string id = "INC-" + std::to_string(i);
    const Time at = s + Hours(i);
    ASSERT_TRUE(tracker.Apply(Native(IncidentDeclared{id, at, "checkout", "critical", "t", std::nullopt}, at)).ok());
    ASSERT_TRUE(tracker.Apply(Native(IncidentTransition{IncidentTransition::Kind::kResolved, id, at + Min(30)},
                                     at + Min(30))).ok());
  }
  const Time now = s + Days(20);
  MetricsSnapshot all = TakeMetricsSnapshot(tracker, now);
  ASSERT_EQ(all.gauges.overdue_debriefs.size(), 5u);
  MetricsSnapshot capped = TakeMetricsSnapshot(tracker, now, 0, 2);
  ASSERT_EQ(capped.gauges.overdue_debriefs.size(), 2u);
  EXPECT_EQ(CapOverdueDebriefs(capped, 2), 3u);
  EXPECT_EQ(CapOverdueDebriefs(all, 2), 3u);
  EXPECT_EQ(capped.gauges.overdue_debriefs, all.gauges.overdue_debriefs);
  EXPECT_EQ(capped.gauges.overdue_debriefs[0].incident_id, "INC-0");
}

// The scrape's snapshot in steps (one short hold of the state lock per step)
// is the snapshot of one hold; when the state is replaced between steps (a
// reload), the last hold takes the whole snapshot of the new state.
TEST(TakeMetricsSnapshotInSteps, IsTheSnapshotOfOneHoldOrOfTheStateThatReplacedTheWalked) {
  Policy policy;
  policy.debrief_required_for = {"critical"};
  auto history = [&policy](int incidents) {
    auto tracker = std::make_unique<IncidentTracker>(policy);
    const Time s = T("2026-10-01T10:00:00Z");
    for (int i = 0; i < incidents; ++i) {
      const std::string id = "INC-" + std::to_string(i);
      const Time at = s + Hours(i);
      const std::string service = i % 3 ? "checkout" : "search";
      EXPECT_TRUE(tracker->Apply(Native(IncidentDeclared{id, at, service, "critical", "t", std::nullopt}, at)).ok());
      if (i % 4 == 0) continue;  // still open
      EXPECT_TRUE(tracker->Apply(Native(IncidentTransition{IncidentTransition::Kind::kResolved, id, at + Min(30)},
                                        at + Min(30))).ok());
    }
    return tracker;
  };
  const Time now = T("2026-10-30T00:00:00Z");
  std::unique_ptr<IncidentTracker> tracker = history(10);
  uint64_t generation = 7;
  int holds = 0;
  std::function<void()> between;  // runs before each hold after the first
  StepReader read = [&](const std::function<void(const IncidentTracker&, Time, uint64_t)>& fn) {
    if (holds++ > 0 && between) between();
    fn(*tracker, now, generation);
  };
  const EventCounts none;
  const std::string want = RenderMetrics(TakeMetricsSnapshot(*tracker, now, 1, 2), none, ProcessInfo{});
  const MetricsSnapshot one = TakeMetricsSnapshot(*tracker, now, 1, 2);
  for (size_t step : {1, 3, 10, 100}) {
    holds = 0;
    MetricsSnapshot stepped = TakeMetricsSnapshotInSteps(read, 1, 2, step);
    EXPECT_EQ(holds, static_cast<int>((10 + step - 1) / step) + 2) << "the steps, the gauges' finish, the rest";
    EXPECT_EQ(stepped.gauges, one.gauges) << "step " << step;
    EXPECT_EQ(stepped.services_by_first_incident, one.services_by_first_incident);
    EXPECT_EQ(RenderMetrics(stepped, none, ProcessInfo{}), want) << "step " << step;
  }
  // A reload replaces the tracker after the second hold.
  std::unique_ptr<IncidentTracker> reloaded = history(5);
  const MetricsSnapshot after = TakeMetricsSnapshot(*reloaded, now, 1, 2);
  ASSERT_NE(after.gauges, one.gauges);
  holds = 0;
  between = [&] {
    if (holds == 3) {
      tracker = std::move(reloaded);
      ++generation;
    }
  };
  MetricsSnapshot stepped = TakeMetricsSnapshotInSteps(read, 1, 2, 2);
  EXPECT_EQ(holds, 4) << "two steps, the one that finds the state replaced, and the whole snapshot";
  EXPECT_EQ(stepped.gauges, after.gauges);
  EXPECT_EQ(RenderMetrics(stepped, none, ProcessInfo{}), RenderMetrics(after, none, ProcessInfo{}));
}

TEST(FoldServices, NothingIsFoldedWithinTheBoundOrWithoutOne) {
  MetricsSnapshot s;
  s.services_by_first_incident = {"a", "b"};
  s.counters[{"a", "critical"}] = Opened(1, 30);
  s.counters[{"b", "critical"}] = Opened(1, 30);
  EXPECT_EQ(FoldServices(s, 2), 0u);
  EXPECT_EQ(FoldServices(s, 0), 0u);
  EXPECT_EQ(s.counters.size(), 2u);
  EXPECT_EQ(FoldServices(s, 1), 1u);
  EXPECT_EQ(s.counters.count({"b", "critical"}), 0u);
}

}  // namespace
}  // namespace debriefd
