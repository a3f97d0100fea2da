// The clock's rules as whole histories (tests/fixtures/history/rules/): each is
// sent live, replayed into a fresh store, and rebuilt from the live store, and
// all three must give the same incidents and the same counters.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "collector/ingest/ingest_service.h"
#include "collector/replay.h"
#include "collector/sources/registry.h"
#include "collector/store/sqlite_store.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

// A store and an ingest service on a file of its own.
struct Instance {
  Instance(const std::string& path, const Clock& clock, const Policy& policy) {
    store = std::move(SqliteStore::Open(path).value());
    ingest = std::make_unique<IngestService>(*store, policy, clock);
    if (!ingest->Load().ok()) throw std::runtime_error("load failed");
  }
  ~Instance() { ingest->Stop(); }

  // The incidents (with their alerts and timelines) and the exposition.
  std::string State() {
    EventCounts counts = ingest->event_counts();
    return ingest->Read([&](const IncidentTracker& t, Time now) {
      std::string out;
      for (const Incident& inc : t.incidents()) out += IncidentJson(t, inc, now, true) + "\n";
      return out + RenderMetrics(t, now, counts, ProcessInfo{"test", 0, {"alertmanager", "events"}, 0});
    });
  }

  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<IngestService> ingest;
};

struct Outcome {
  std::string live, replayed, rebuilt;
};

// Sends, replays and rebuilds `history` (a file under rules/), read at `end`.
Outcome SendReplayRebuild(const std::string& history, Time end, const Policy& policy = {}) {
  const std::string path = SourcePath("tests/fixtures/history/rules/" + history);
  TempDir dir;
  FakeClock clock(T("2026-01-01T00:00:00Z"));
  Outcome out;
  {
    Instance live(dir.File("live.db"), clock, policy);
    live.ingest->Start();
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      auto rl = ParseReplayLine(line);
      if (!rl.ok()) throw std::runtime_error(rl.status().message());
      clock.Set(rl->received_at);
      auto parsed = ParseRequestBody(rl->source, rl->body, clock.Now());
      if (!parsed.ok()) throw std::runtime_error(parsed.status().message());
      IngestOutcome o = live.ingest->SubmitAndWait(rl->source, std::move(parsed.value()));
      EXPECT_TRUE(o.status.ok()) << o.status.message();
      // A scrape after every delivery, as Prometheus would.
      live.State();
    }
    clock.Set(end);
    out.live = live.State();
  }
  {
    Instance rebuilt(dir.File("live.db"), clock, policy);
    out.rebuilt = rebuilt.State();
  }
  {
    Instance replayed(dir.File("replayed.db"), clock, policy);
    std::ifstream in(path);
    ReplaySummary s = Replay(in, *replayed.ingest, [](size_t line, const Status& why) {
      ADD_FAILURE() << "line " << line << ": " << why.message();
    });
    EXPECT_EQ(s.rejected, 0u);
    out.replayed = replayed.State();
  }
  return out;
}

void ExpectSame(const Outcome& o) {
  EXPECT_EQ(o.replayed, o.live) << "replay differs from live";
  EXPECT_EQ(o.rebuilt, o.live) << "rebuild differs from live";
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HistoryRules, FlappingInsideOneGroupIntervalIsOneIncidentThatResolves) {
  Outcome o = SendReplayRebuild("flapping.jsonl", T("2026-10-01T12:00:00Z"));
  ExpectSame(o);
  EXPECT_EQ(Count(o.live, "\"id\":\"inc-"), 1u) << o.live;
  EXPECT_NE(o.live.find(R"("state":"resolved")"), std::string::npos) << o.live;
  EXPECT_NE(o.live.find(R"("started_at":"2026-10-01T10:00:00Z")"), std::string::npos);
  EXPECT_NE(o.live.find(R"("resolved_at":"2026-10-01T10:20:00Z")"), std::string::npos);
  EXPECT_NE(o.live.find(R"(debriefd_incidents_counted_total{service="checkout",severity="critical"} 1)"),
            std::string::npos);
}

TEST(HistoryRules, AReFireDeliveredAfterCountingReopensByItsStartAndIsNotCountedTwice) {
  Outcome o = SendReplayRebuild("late-refire.jsonl", T("2026-10-01T12:00:00Z"));
  ExpectSame(o);
  EXPECT_EQ(Count(o.live, "\"id\":\"inc-"), 1u) << o.live;
  EXPECT_NE(o.live.find(R"("reopen_count":1)"), std::string::npos) << o.live;
  EXPECT_NE(o.live.find(R"("resolved_at":"2026-10-01T10:50:00Z")"), std::string::npos);
  EXPECT_NE(o.live.find(R"(debriefd_incidents_total{service="checkout",severity="critical"} 1)"), std::string::npos);
  EXPECT_NE(o.live.find(R"(debriefd_incidents_counted_total{service="checkout",severity="critical"} 1)"),
            std::string::npos);
}

// The real Alertmanager 0.25 bodies of tests/fixtures/alertmanager/refire/,
// received as recorded (group_interval 2s, so late_copy_within 1s).
TEST(HistoryRules, AFiringAlertAfterItsOwnResolutionReopensWithTheRealAlertmanagersBodies) {
  Policy policy;
  policy.late_copy_within = std::chrono::seconds(1);
  Outcome o = SendReplayRebuild("refire.jsonl", T("2026-12-03T10:00:00Z"), policy);
  ExpectSame(o);
  EXPECT_EQ(Count(o.live, "\"id\":\"inc-"), 1u) << o.live;
  EXPECT_NE(o.live.find(R"("reopen_count":2)"), std::string::npos)
      << "the re-fire with the resolved startsAt and the new startsAt each reopen it\n" << o.live;
  EXPECT_NE(o.live.find(R"("state":"resolved")"), std::string::npos);
  EXPECT_NE(o.live.find(R"("started_at":"2026-12-03T08:27:14.164Z")"), std::string::npos) << o.live;
  EXPECT_NE(o.live.find(R"(debriefd_events_total{source="alertmanager",result="accepted"} 6)"), std::string::npos)
      << "the re-fire is not a duplicate of the first firing notification";

  // With a late-copy window wider than the gap, the same body is a late copy.
  policy.late_copy_within = std::chrono::seconds(10);
  Outcome copy = SendReplayRebuild("refire.jsonl", T("2026-12-03T10:00:00Z"), policy);
  ExpectSame(copy);
  EXPECT_NE(copy.live.find(R"(debriefd_events_total{source="alertmanager",result="duplicate"} 1)"), std::string::npos)
      << copy.live;
}

}  // namespace
}  // namespace debriefd
