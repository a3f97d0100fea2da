// IngestService on a real SQLite file behind a switch that fails commits on
// demand: what is acknowledged is on disk, what failed is not applied, no
// counter ever goes down (live or across a restart), the queue is bounded, and
// requests of one group may refer to each other.
#include "collector/ingest/ingest_service.h"

#include <gtest/gtest.h>

#include <thread>

#include "collector/replay.h"
#include "collector/sources/registry.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "tests/support/failing_store.h"
#include "tests/support/request_bodies.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kStart = T("2026-10-01T10:00:00Z");

std::string Firing(const std::string& name, const std::string& starts_at) {
  return R"({"alerts":[{"status":"firing","labels":{"alertname":")" + name +
         R"(","service":"checkout","severity":"critical"},"startsAt":")" + starts_at + R"("}]})";
}
std::string Resolved(const std::string& name, const std::string& starts_at, const std::string& ends_at) {
  return R"({"alerts":[{"status":"resolved","labels":{"alertname":")" + name +
         R"(","service":"checkout","severity":"critical"},"startsAt":")" + starts_at + R"(","endsAt":")" + ends_at +
         R"("}]})";
}

class IngestServiceTest : public ::testing::Test {
 protected:
  IngestServiceTest() { Open(); }
  ~IngestServiceTest() override { Close(); }

  void Open(IngestLimits limits = {}) {
    auto real = SqliteStore::Open(dir.File("debriefd.db"));
    if (!real.ok()) throw std::runtime_error(real.status().message());
    store = std::make_unique<FailingStore>(std::move(real.value()));
    ingest = std::make_unique<IngestService>(*store, Policy{}, clock, limits);
    auto loaded = ingest->Load();
    if (!loaded.ok()) throw std::runtime_error(loaded.status().message());
  }
  void Close() {
    if (ingest) ingest->Stop();
    ingest.reset();
    store.reset();
  }
  // A process restart on the same file.
  void Restart(IngestLimits limits = {}) {
    Close();
    Open(limits);
  }

  IngestOutcome Send(const std::string& source, const std::string& body) {
    return ingest->SubmitAndWait(source, Parse(source, body, clock.Now()));
  }
  size_t Incidents() {
    return ingest->Read([](const IncidentTracker& t, Time) { return t.incidents().size(); });
  }
  uint64_t Count(const std::string& source, const std::string& result) {
    EventCounts counts = ingest->event_counts();
    auto it = counts.find({source, result});
    return it == counts.end() ? 0 : it->second;
  }
  size_t Stored() {
    size_t n = 0;
    EXPECT_TRUE(store->real().ForEach([&](const StoredEvent&) { ++n; return Status::Ok(); }).ok());
    return n;
  }

  // Everything a reader sees: the incidents and the exposition.
  std::string State() { return State(*ingest); }
  static std::string State(IngestService& service) {
    EventCounts counts = service.event_counts();
    return service.Read([&](const IncidentTracker& t, Time now) {
      std::vector<const Incident*> all;
      for (const Incident& inc : t.incidents()) all.push_back(&inc);
      return IncidentListJson(t, all, now) + "\n" + RenderMetrics(t, now, counts, ProcessInfo{"test", 0, {"alertmanager", "events"}, 0});
    });
  }

  TempDir dir;
  FakeClock clock{kStart};
  std::unique_ptr<FailingStore> store;
  std::unique_ptr<IngestService> ingest;
};

TEST_F(IngestServiceTest, AnAcknowledgedEventIsOnDiskAndSurvivesARestart) {
  IngestOutcome out = Send("events", Declared("INC-1", "2026-10-01T09:58:00Z"));
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.accepted, 1u);
  EXPECT_EQ(out.incident_ids, std::vector<std::string>{"INC-1"});
  EXPECT_EQ(Stored(), 1u);
  Restart();
  EXPECT_EQ(Incidents(), 1u);
  EXPECT_EQ(Count("events", "accepted"), 1u);
}

TEST_F(IngestServiceTest, AFailedCommitIsUnavailableAndAppliesNothing) {
  ASSERT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  store->FailWrites(true);
  IngestOutcome out = Send("events", Batch({Declared("INC-2", "2026-10-01T09:59:00Z"), Acknowledged("INC-1", "2026-10-01T10:00:00Z")}));
  EXPECT_EQ(out.status.code(), StatusCode::kUnavailable) << out.status.message();
  EXPECT_EQ(out.accepted, 0u);
  EXPECT_EQ(store->failed_appends(), 1);
  EXPECT_EQ(Incidents(), 1u) << "INC-2 was applied although it is not on disk";
  EXPECT_FALSE(ingest->Read([](const IncidentTracker& t, Time) { return t.Find("INC-1")->acknowledged_at; }))
      << "the acknowledgement was applied although it is not on disk";
  EXPECT_EQ(Count("events", "accepted"), 1u);
  EXPECT_EQ(Stored(), 1u);

  // The sender's retry succeeds once the disk is back, and is not a duplicate.
  store->FailWrites(false);
  out = Send("events", Batch({Declared("INC-2", "2026-10-01T09:59:00Z"), Acknowledged("INC-1", "2026-10-01T10:00:00Z")}));
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.accepted, 2u);
  EXPECT_EQ(out.duplicates, 0u);
  EXPECT_EQ(Incidents(), 2u);
  EXPECT_EQ(Count("events", "accepted"), 3u);
}

TEST_F(IngestServiceTest, AFailedCommitOfAlertsLeavesNoIncidentBehind) {
  store->FailWrites(true);
  IngestOutcome out = Send("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z"));
  EXPECT_EQ(out.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(out.incident_ids, std::vector<std::string>{""}) << "no incident id for what was not stored";
  EXPECT_EQ(Incidents(), 0u);
  store->FailWrites(false);
  out = Send("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z"));
  ASSERT_TRUE(out.status.ok());
  EXPECT_EQ(Incidents(), 1u);
  EXPECT_EQ(out.incident_ids[0], "inc-000001") << "the failed attempt used up no id";
}

TEST_F(IngestServiceTest, RejectionsNeverGoDownThroughAFailedCommitOrARestart) {
  // A rejected request (unknown incident) and one rejected before the queue.
  EXPECT_EQ(Send("events", Acknowledged("INC-9", "2026-10-01T10:00:00Z")).status.code(),
            StatusCode::kNotFound);
  ingest->CountRejected("alertmanager");
  EXPECT_EQ(Count("events", "rejected"), 1u);

  store->FailWrites(true);
  EXPECT_EQ(Send("events", Acknowledged("INC-8", "2026-10-01T10:00:00Z")).status.code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(Count("events", "rejected"), 2u) << "a failed commit must not take back counted rejections";
  EXPECT_EQ(Count("alertmanager", "rejected"), 1u);

  store->FailWrites(false);
  ASSERT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  Restart();
  EXPECT_EQ(Count("events", "rejected"), 2u) << "the rejections reached the disk with the next commit";
  EXPECT_EQ(Count("alertmanager", "rejected"), 1u);
  EXPECT_EQ(Count("events", "accepted"), 1u);
}

TEST_F(IngestServiceTest, ALaterRequestOfTheGroupMayReferToAnEarlierOne) {
  ingest->Stop();
  Time t = clock.Now();
  std::vector<std::pair<std::string, std::vector<ParsedEvent>>> group;
  group.emplace_back("alertmanager", Parse("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z"), t));
  group.emplace_back("events", Parse("events", Acknowledged("inc-000001", "2026-10-01T10:00:00Z"), t));
  group.emplace_back("events", Parse("events", Declared("INC-2", "2026-10-01T09:59:00Z"), t));
  group.emplace_back("events", Parse("events", Acknowledged("INC-2", "2026-10-01T10:01:00Z"), t));
  std::vector<IngestOutcome> out = ingest->ProcessNow(std::move(group));
  ASSERT_EQ(out.size(), 4u);
  for (const IngestOutcome& o : out) EXPECT_TRUE(o.status.ok()) << o.status.message();
  EXPECT_EQ(out[1].incident_ids, std::vector<std::string>{"inc-000001"});
  EXPECT_EQ(ingest->commits(), 1u) << "one group, one commit";
  EXPECT_EQ(Stored(), 4u);
}

TEST_F(IngestServiceTest, DuplicatesInOneGroupCountOnceButARejectedCopyDoesNotHideTheNext) {
  ingest->Stop();
  Time t = clock.Now();
  const std::string declared = Declared("INC-1", "2026-10-01T09:58:00Z");
  std::vector<std::pair<std::string, std::vector<ParsedEvent>>> group;
  // Rejected as a whole (the acknowledgement names no incident): its
  // declaration must not make the next request's copy a "duplicate".
  group.emplace_back("events", Parse("events", Batch({declared, Acknowledged("INC-9", "2026-10-01T10:00:00Z")}), t));
  group.emplace_back("events", Parse("events", declared, t));
  group.emplace_back("events", Parse("events", declared, t));
  std::vector<IngestOutcome> out = ingest->ProcessNow(std::move(group));
  EXPECT_EQ(out[0].status.code(), StatusCode::kNotFound);
  EXPECT_EQ(out[0].status.message(), "events: [1].incident_id: unknown incident \"INC-9\"");
  EXPECT_EQ(out[1].accepted, 1u);
  EXPECT_EQ(out[2].accepted, 0u);
  EXPECT_EQ(out[2].duplicates, 1u);
  EXPECT_EQ(Count("events", "accepted"), 1u);
  EXPECT_EQ(Count("events", "duplicate"), 1u);
  EXPECT_EQ(Count("events", "rejected"), 1u);
  EXPECT_EQ(Stored(), 1u);
}

TEST_F(IngestServiceTest, AFullQueueAnswersUnavailableAtOnceAndKeepsWhatItHolds) {
  Restart(IngestLimits{.max_group_events = 100, .max_queued_events = 2});
  ingest->Stop();  // queued work waits for the writer
  std::vector<IngestOutcome> done;
  auto submit = [&](const std::string& body) {
    ingest->Submit("events", Parse("events", body, clock.Now()), [&done](IngestOutcome o) { done.push_back(o); });
  };
  submit(Batch({Declared("INC-1", "2026-10-01T09:58:00Z"), Declared("INC-2", "2026-10-01T09:59:00Z")}));
  EXPECT_TRUE(done.empty()) << "queued, not answered";
  submit(Declared("INC-3", "2026-10-01T09:59:30Z"));
  ASSERT_EQ(done.size(), 1u) << "the third event exceeds the queue: answered at once";
  EXPECT_EQ(done[0].status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(done[0].status.message(), "ingest: 2 events are waiting for the store; retry later");

  ingest->Start();
  ingest->Stop();  // drains the queue
  ASSERT_EQ(done.size(), 2u);
  EXPECT_TRUE(done[1].status.ok()) << done[1].status.message();
  EXPECT_EQ(done[1].accepted, 2u);
  EXPECT_EQ(Incidents(), 2u);
}

TEST_F(IngestServiceTest, LoadTakesTheStateOnlyOnceTheCheckBesideItSucceeded) {
  ASSERT_EQ(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).accepted, 1u);
  Close();
  auto real = SqliteStore::Open(dir.File("debriefd.db"));
  ASSERT_TRUE(real.ok());
  std::thread::id checked_on;
  IngestService refused(**real, Policy{}, clock);
  Result<size_t> failed = refused.Load([&] {
    checked_on = std::this_thread::get_id();
    return Status::DataLoss("store: damaged, refusing to start");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(refused.loaded());
  EXPECT_FALSE(refused.ready());
  EXPECT_NE(checked_on, std::this_thread::get_id()) << "the check runs beside the load";

  IngestService taken(**real, Policy{}, clock);
  bool ran = false;
  Result<size_t> loaded = taken.Load([&] {
    ran = true;
    return Status::Ok();
  });
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(taken.loaded());
  EXPECT_EQ(taken.Read([](const IncidentTracker& t, Time) { return t.incidents().size(); }), 1u);
}

TEST_F(IngestServiceTest, UnreadableStoredEventsAreCountedAndTheRestLoads) {
  ASSERT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  // What an older or damaged file may hold: rows no source can read back.
  ASSERT_TRUE(store->real()
                  .Append({{0, "events", "bad-1", kStart, R"({"type":"incident.declared"})"},
                           {0, "nagios", "bad-2", kStart, "{}"}},
                          {})
                  .ok());
  Close();
  auto real = SqliteStore::Open(dir.File("debriefd.db"));
  ASSERT_TRUE(real.ok());
  store = std::make_unique<FailingStore>(std::move(real.value()));
  ingest = std::make_unique<IngestService>(*store, Policy{}, clock);
  Result<size_t> loaded = ingest->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(*loaded, 2u);
  EXPECT_EQ(ingest->unreadable_events(), 2u);
  EXPECT_TRUE(ingest->ready());
  EXPECT_EQ(Incidents(), 1u);
}

TEST_F(IngestServiceTest, AStoreThatCannotBeReadIsNotLoaded) {
  Close();
  auto real = SqliteStore::Open(dir.File("debriefd.db"));
  ASSERT_TRUE(real.ok());
  store = std::make_unique<FailingStore>(std::move(real.value()));
  store->FailReads(true);
  ingest = std::make_unique<IngestService>(*store, Policy{}, clock);
  Result<size_t> loaded = ingest->Load();
  EXPECT_EQ(loaded.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(ingest->ready());
}

// Rule: a live event is stamped when it is applied, never before what the
// tracker has seen, so a scrape between its arrival and its application
// cannot count an incident ahead of it, and a restart rebuilds what was live.
TEST_F(IngestServiceTest, ALiveEventIsStampedWhenAppliedSoLiveAndRebuiltAgree) {
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T10:00:00Z")).status.ok());
  clock.Set(T("2026-10-01T10:10:00Z"));
  ASSERT_TRUE(Send("alertmanager", Resolved("Errors", "2026-10-01T10:00:00Z", "2026-10-01T10:10:00Z")).status.ok());
  // 10:29: a re-fire starting 10:20 (within reopen_within of 10:10) arrives
  // and waits in the queue; the incident is counted at 10:10 + 15m + 5m = 10:30.
  ingest->Stop();
  clock.Set(T("2026-10-01T10:29:00Z"));
  std::vector<IngestOutcome> done;
  ingest->Submit("alertmanager", Parse("alertmanager", Firing("Errors", "2026-10-01T10:20:00Z"), clock.Now()),
                 [&done](IngestOutcome o) { done.push_back(std::move(o)); });
  // 10:31: a scrape lands before the writer applies it, and counts the incident.
  clock.Set(T("2026-10-01T10:31:00Z"));
  EXPECT_EQ(ingest->Read([](const IncidentTracker& t, Time) { return t.incidents()[0].counted; }), true);
  ingest->Start();
  ingest->Stop();
  ASSERT_EQ(done.size(), 1u);
  ASSERT_TRUE(done[0].status.ok()) << done[0].status.message();
  const std::string live = State();
  EXPECT_NE(live.find(R"("state":"open")"), std::string::npos) << "the re-fire reopens the incident";
  EXPECT_NE(live.find(R"(debriefd_incidents_counted_total{service="checkout",severity="critical"} 1)"),
            std::string::npos)
      << "what the scrape counted stays counted";

  Restart();
  EXPECT_EQ(State(), live) << "a restart must rebuild exactly the live state";

  // And the store's dump, replayed into a new store, gives it too.
  std::string dump;
  ASSERT_TRUE(store->real().ForEach([&](const StoredEvent& e) {
    dump += FormatReplayLine(e.source, e.received_at, e.raw) + "\n";
    return Status::Ok();
  }).ok());
  TempDir other;
  auto replay_store = SqliteStore::Open(other.File("replayed.db"));
  ASSERT_TRUE(replay_store.ok());
  IngestService replayed(*replay_store.value(), Policy{}, clock);
  ASSERT_TRUE(replayed.Load().ok());
  std::istringstream in(dump);
  ReplaySummary summary = Replay(in, replayed, [](size_t, const Status& why) { ADD_FAILURE() << why.message(); });
  EXPECT_EQ(summary.accepted, 3u);
  EXPECT_EQ(State(replayed), live) << "a replay of the dump must give the live state";
}

// Rule: while the writer runs, a counted incident's records are sealed
// (compressed) by the sealer, not by the read or group that counted it; what
// a reader sees does not change. Without the writer, the read that counts
// an incident seals it.
TEST_F(IngestServiceTest, TheSealerSealsCountedIncidentsAndChangesNothingRead) {
  auto sealed = [this] {
    return ingest->Read([](const IncidentTracker& t, Time) { return t.incidents().at(0).detail.is_sealed(); });
  };
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T10:00:00Z")).status.ok());
  ASSERT_TRUE(Send("alertmanager", Resolved("Errors", "2026-10-01T10:00:00Z", "2026-10-01T10:05:00Z")).status.ok());
  ingest->Start();
  clock.Set(T("2026-10-01T11:00:00Z"));
  const std::string counted = State();  // this read counts it
  ASSERT_NE(counted.find(R"(debriefd_incidents_counted_total{service="checkout",severity="critical"} 1)"),
            std::string::npos);
  ASSERT_TRUE(ingest->WaitForSeals(std::chrono::seconds(30)));
  EXPECT_EQ(ingest->seals(), 1u);
  EXPECT_TRUE(sealed());
  EXPECT_EQ(State(), counted);

  // A second incident, counted by a read after Stop: sealed by that read.
  ingest->Stop();
  ASSERT_TRUE(Send("alertmanager", Firing("Latency", "2026-10-01T11:00:00Z")).status.ok());
  ASSERT_TRUE(Send("alertmanager", Resolved("Latency", "2026-10-01T11:00:00Z", "2026-10-01T11:05:00Z")).status.ok());
  clock.Set(T("2026-10-01T12:00:00Z"));
  const std::string both = State();
  EXPECT_TRUE(ingest->Read([](const IncidentTracker& t, Time) { return t.incidents().at(1).detail.is_sealed(); }));
  Restart();
  EXPECT_EQ(State(), both);
}

// Rule: rejections are counters like the others; they reach the disk without
// waiting for an accepted request, and at the latest when the service stops.
// Rule: a pure duplicate costs no commit (no sync); its count is visible at
// once, reaches the disk with the next commit or at Stop, and goes on after a
// restart. A failed write of counts alone fails no request.
TEST_F(IngestServiceTest, APureDuplicateCostsNoCommitAndItsCountSurvivesARestart) {
  ASSERT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  const uint64_t commits = ingest->commits();
  for (int i = 0; i < 3; ++i) {
    IngestOutcome dup = Send("events", Declared("INC-1", "2026-10-01T09:58:00Z"));
    ASSERT_TRUE(dup.status.ok()) << dup.status.message();
    EXPECT_EQ(dup.duplicates, 1u);
  }
  EXPECT_EQ(ingest->commits(), commits) << "a duplicate must not commit";
  EXPECT_EQ(Count("events", "duplicate"), 3u) << "counted at once";

  // Counts alone that fail to be written wait; the duplicate is still a 200.
  store->FailWrites(true);
  ingest->Stop();
  EXPECT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  EXPECT_EQ(Count("events", "duplicate"), 4u);
  store->FailWrites(false);

  // The next commit of an event writes them too.
  ASSERT_TRUE(Send("events", Declared("INC-2", "2026-10-01T09:59:00Z")).status.ok());
  EXPECT_EQ(ingest->commits(), commits + 1);
  Restart();
  EXPECT_EQ(Count("events", "duplicate"), 4u) << "the duplicate count goes on after a restart";
  EXPECT_EQ(Count("events", "accepted"), 2u);
}

TEST_F(IngestServiceTest, RejectionsAreWrittenWithoutAnAcceptedRequestAndSurviveARestart) {
  ingest->CountRejected("alertmanager");
  ingest->CountRejected("events");
  ingest->Stop();
  EXPECT_GE(ingest->commits(), 1u);
  Restart();
  EXPECT_EQ(Count("alertmanager", "rejected"), 1u);
  EXPECT_EQ(Count("events", "rejected"), 1u);
  EXPECT_EQ(Stored(), 0u) << "counts only, no events";
}

// Rule: truncated notifications are visible. truncatedAlerts counts once per
// notification that is not wholly a re-send, per receiver, and survives a restart.
TEST_F(IngestServiceTest, TruncatedAlertsAreCountedOncePerNotificationPerReceiver) {
  auto truncated = [](const std::string& name, int n) {
    return R"({"receiver":"debriefd","truncatedAlerts":)" + std::to_string(n) +
           R"(,"alerts":[{"status":"firing","labels":{"alertname":")" + name +
           R"(","service":"checkout"},"startsAt":"2026-10-01T09:55:00Z"}]})";
  };
  ASSERT_TRUE(Send("alertmanager", truncated("A", 3)).status.ok());
  EXPECT_EQ(Count(kAlertsTruncated, "debriefd"), 3u);
  IngestOutcome resend = Send("alertmanager", truncated("A", 3));
  EXPECT_EQ(resend.duplicates, 1u);
  EXPECT_EQ(Count(kAlertsTruncated, "debriefd"), 3u) << "a re-sent notification is not counted again";
  ASSERT_TRUE(Send("alertmanager", truncated("B", 2)).status.ok());
  EXPECT_EQ(Count(kAlertsTruncated, "debriefd"), 5u);
  Restart();
  EXPECT_EQ(Count(kAlertsTruncated, "debriefd"), 5u);
  EXPECT_NE(State().find("debriefd_alerts_truncated_total{receiver=\"debriefd\"} 5\n"), std::string::npos) << State();
}

}  // namespace
}  // namespace debriefd
