// IngestService on a real SQLite file that fails the way disks and operators
// make it fail: the file deleted or replaced while running, the file full, an
// idempotency id re-used for other content. Whatever happens, what readers see
// is what is on disk, no counter goes down, and a failed commit of a lone
// request costs no rebuild from the store.
#include "collector/ingest/ingest_service.h"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "collector/sources/registry.h"
#include "collector/store/sqlite_store.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "tests/support/failing_store.h"
#include "tests/support/request_bodies.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kStart = T("2026-10-01T10:00:00Z");

std::string Resolved(const std::string& id, const std::string& time) {
  return R"({"type":"incident.resolved","incident_id":")" + id + R"(","time":")" + time + R"("})";
}
std::string Firing(const std::string& name, const std::string& starts_at, const std::string& summary = "") {
  return R"({"alerts":[{"status":"firing","labels":{"alertname":")" + name +
         R"(","service":"checkout","app":"payments","severity":"critical"},"annotations":{"summary":")" + summary +
         R"("},"startsAt":")" + starts_at + R"("}]})";
}
std::string AlertResolved(const std::string& name, const std::string& starts_at, const std::string& ends_at) {
  return R"({"alerts":[{"status":"resolved","labels":{"alertname":")" + name +
         R"(","service":"checkout","app":"payments","severity":"critical"},"startsAt":")" + starts_at +
         R"(","endsAt":")" + ends_at + R"("}]})";
}

// Captures what spdlog logs while it lives.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000)) {
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  // Lines at error level containing `text`.
  size_t Errors(const std::string& text) const { return Lines(spdlog::level::err, text).size(); }
  // The messages at `level` containing `text`.
  std::vector<std::string> Lines(spdlog::level::level_enum level, const std::string& text = "") const {
    std::vector<std::string> out;
    for (const auto& line : sink_->last_raw()) {
      std::string msg(line.payload.begin(), line.payload.end());
      if (line.level == level && msg.find(text) != std::string::npos) out.push_back(msg);
    }
    return out;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

class IngestStoreFaultsTest : public ::testing::Test {
 protected:
  ~IngestStoreFaultsTest() override { Close(); }

  void Open(SqliteStore::Options options = {}, Policy policy = {}) {
    auto real = SqliteStore::Open(path, options);
    if (!real.ok()) throw std::runtime_error(real.status().message());
    store = std::make_unique<FailingStore>(std::move(real.value()));
    ingest = std::make_unique<IngestService>(*store, std::move(policy), clock);
    auto loaded = ingest->Load();
    if (!loaded.ok()) throw std::runtime_error(loaded.status().message());
  }
  void Close() {
    if (ingest) ingest->Stop();
    ingest.reset();
    store.reset();
  }

  IngestOutcome Send(const std::string& source, const std::string& body) {
    return ingest->SubmitAndWait(source, Parse(source, body, clock.Now()));
  }
  uint64_t Count(const std::string& source, const std::string& result) {
    EventCounts counts = ingest->event_counts();
    auto it = counts.find({source, result});
    return it == counts.end() ? 0 : it->second;
  }
  // Everything a reader sees: the incidents and the exposition.
  std::string State() {
    EventCounts counts = ingest->event_counts();
    return ingest->Read([&](const IncidentTracker& t, Time now) {
      std::vector<const Incident*> all;
      for (const Incident& inc : t.incidents()) all.push_back(&inc);
      return IncidentListJson(t, all, now) + "\n" +
             RenderMetrics(t, now, counts, ProcessInfo{"test", 0, {"alertmanager", "events"}, 0});
    });
  }

  TempDir dir;
  const std::string path = dir.File("debriefd.db");
  FakeClock clock{kStart};
  std::unique_ptr<FailingStore> store;
  std::unique_ptr<IngestService> ingest;
};

// --- The store file deleted or replaced while running.

TEST_F(IngestStoreFaultsTest, ADeletedStoreFileFailsWritesAndReadinessAndIsLoggedOnce) {
  LogCapture log;
  Open();
  ASSERT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  EXPECT_TRUE(ingest->ready());
  const std::string before = State();

  ASSERT_EQ(std::remove(path.c_str()), 0);
  EXPECT_FALSE(ingest->ready()) << "/readyz must fail once the file is gone";
  for (int i = 0; i < 3; ++i) {
    IngestOutcome out = Send("events", Declared("INC-2", "2026-10-01T09:59:00Z"));
    EXPECT_EQ(out.status.code(), StatusCode::kUnavailable);
    EXPECT_NE(out.status.message().find(path + " was deleted"), std::string::npos) << out.status.message();
    EXPECT_EQ(out.accepted, 0u);
  }
  EXPECT_EQ(State(), before) << "nothing acknowledged into the unlinked file";
  EXPECT_EQ(ingest->store_status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(ingest->ready());
  EXPECT_EQ(log.Errors(path + " was deleted"), 1u) << "logged loudly, but once";
}

TEST_F(IngestStoreFaultsTest, AStoreFileReplacedByRenameFailsWritesEvenWithTheWriterRunning) {
  Open();
  ingest->Start();
  ASSERT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  {
    auto other = SqliteStore::Open(dir.File("other.db"));
    ASSERT_TRUE(other.ok());
  }
  std::filesystem::rename(dir.File("other.db"), path);
  IngestOutcome out = Send("events", Declared("INC-2", "2026-10-01T09:59:00Z"));
  EXPECT_EQ(out.status.code(), StatusCode::kUnavailable);
  EXPECT_NE(out.status.message().find(path + " was replaced"), std::string::npos) << out.status.message();
  EXPECT_FALSE(ingest->ready());
  EXPECT_EQ(ingest->Read([](const IncidentTracker& t, Time) { return t.incidents().size(); }), 1u);
}

// --- A failed commit: memory exactly as it was, no counter down.

TEST_F(IngestStoreFaultsTest, AFullStoreLeavesStateExactlyAsItWas) {
  Open();
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T09:50:00Z")).status.ok());
  ASSERT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  ASSERT_TRUE(Send("events", Acknowledged("INC-1", "2026-10-01T09:59:00Z")).status.ok());
  EXPECT_EQ(Send("events", Acknowledged("INC-404", "2026-10-01T09:59:00Z")).status.code(), StatusCode::kNotFound);
  Close();
  // The file may not grow: SQLite raises a lower limit to the current size.
  Open(SqliteStore::Options{false, 1});
  const uint64_t rebuilds = ingest->rebuilds();
  const uint64_t rejected = Count("events", "rejected");
  const std::string before = State();

  // One group: events touching existing incidents, a new one, an alert
  // resolution, and a rejected request; large enough not to fit.
  std::vector<std::string> events;
  events.push_back(Resolved("INC-1", "2026-10-01T10:00:00Z"));
  for (int i = 0; i < 200; ++i) {
    events.push_back(Declared("BIG-" + std::to_string(i), "2026-10-01T09:59:00Z", std::string(200, 'x')));
  }
  clock.Advance(std::chrono::minutes(1));
  std::vector<std::pair<std::string, std::vector<ParsedEvent>>> group;
  group.emplace_back("alertmanager",
                     Parse("alertmanager", AlertResolved("Errors", "2026-10-01T09:50:00Z", "2026-10-01T10:00:30Z"),
                           clock.Now()));
  group.emplace_back("events", Parse("events", Acknowledged("INC-405", "2026-10-01T10:00:00Z"), clock.Now()));
  group.emplace_back("events", Parse("events", Batch(events), clock.Now()));
  std::vector<IngestOutcome> out = ingest->ProcessNow(std::move(group));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].status.code(), StatusCode::kUnavailable) << out[0].status.message();
  EXPECT_NE(out[0].status.message().find(path), std::string::npos) << "names the file: " << out[0].status.message();
  EXPECT_EQ(out[1].status.code(), StatusCode::kNotFound);
  EXPECT_EQ(out[2].status.code(), StatusCode::kUnavailable);

  EXPECT_EQ(ingest->rebuilds(), rebuilds + 1)
      << "requests applied before the failed commit are undone by re-reading the store";
  EXPECT_EQ(Count("events", "rejected"), rejected + 1) << "a rejection is counted, never taken back";
  // Everything else a reader sees is as it was (the rejection aside).
  std::string expected = before;
  const std::string series = "debriefd_events_total{source=\"events\",result=\"rejected\"} ";
  const size_t at = expected.find(series + std::to_string(rejected));
  ASSERT_NE(at, std::string::npos) << expected;
  expected.replace(at + series.size(), std::to_string(rejected).size(), std::to_string(rejected + 1));
  EXPECT_EQ(State(), expected);

  // A lone request that does not fit was never applied: nothing to undo.
  EXPECT_EQ(Send("events", Batch(events)).status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(ingest->rebuilds(), rebuilds + 1) << "a lone failed request must not rebuild the state";
  EXPECT_EQ(State(), expected);

  // The same state goes on taking what fits, as if the group never happened.
  IngestOutcome small = Send("events", Resolved("INC-1", "2026-10-01T10:00:00Z"));
  ASSERT_TRUE(small.status.ok()) << small.status.message();
  const std::string live = State();
  Close();
  Open();
  EXPECT_EQ(State(), live) << "live state and the state rebuilt from the store agree";
  EXPECT_EQ(Count("events", "rejected"), rejected + 1);
}

TEST_F(IngestStoreFaultsTest, StateStaysEqualToTheStoreThroughManyGroupsAndReads) {
  Open();
  ingest->Start();
  // Groups interleaved with reads that advance the clock past reopen windows
  // and goals: both trackers must see the same history.
  const std::vector<std::pair<std::string, std::string>> steps = {
      {"alertmanager", Firing("Errors", "2026-10-01T10:05:00Z")},                          // at 10:07
      {"events", Acknowledged("inc-000001", "2026-10-01T10:13:00Z")},                      // 10:14
      {"alertmanager", AlertResolved("Errors", "2026-10-01T10:05:00Z", "2026-10-01T10:20:00Z")},  // 10:21
      {"alertmanager", Firing("Errors", "2026-10-01T10:27:00Z")},                          // 10:28, reopens
      {"events", Declared("INC-7", "2026-10-01T10:34:00Z")},                               // 10:35
      {"alertmanager", AlertResolved("Errors", "2026-10-01T10:27:00Z", "2026-10-01T10:41:00Z")},  // 10:42
      {"events", Resolved("INC-7", "2026-10-01T10:48:00Z")},                               // 10:49
      {"alertmanager", Firing("Latency", "2026-10-01T10:55:00Z")},                         // 10:56
  };
  for (const auto& [source, body] : steps) {
    clock.Advance(std::chrono::minutes(7));
    State();  // a read advances the visible tracker
    IngestOutcome out = Send(source, body);
    ASSERT_TRUE(out.status.ok()) << out.status.message();
  }
  clock.Advance(std::chrono::hours(1));
  const std::string live = State();
  Close();
  Open();
  EXPECT_EQ(State(), live);
}

// --- Incident transitions in the log.

TEST_F(IngestStoreFaultsTest, IncidentsOpenedReopenedAndResolvedAreLoggedOnceDurable) {
  Open();
  LogCapture log;
  store->FailWrites(true);
  EXPECT_EQ(Send("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z")).status.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(log.Lines(spdlog::level::info, "incident").empty()) << "nothing logged for what is not on disk";
  store->FailWrites(false);
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z")).status.ok());
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z")).status.ok());  // duplicate
  clock.Advance(std::chrono::minutes(6));
  ASSERT_TRUE(Send("alertmanager", AlertResolved("Errors", "2026-10-01T09:55:00Z", "2026-10-01T10:05:00Z")).status.ok());
  clock.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T10:06:00Z")).status.ok());
  ASSERT_TRUE(Send("events", Acknowledged("inc-000001", "2026-10-01T10:07:00Z")).status.ok());
  EXPECT_EQ(log.Lines(spdlog::level::info, "incident"),
            (std::vector<std::string>{
                R"(incident inc-000001 opened: service="checkout" severity="critical" source=alertmanager)",
                R"(incident inc-000001 resolved: service="checkout" severity="critical" source=alertmanager)",
                R"(incident inc-000001 reopened: service="checkout" severity="critical" source=alertmanager)",
            }));
}

// --- A re-used idempotency id.

TEST_F(IngestStoreFaultsTest, AReusedIdWithOtherContentIsAConflictNamingIt) {
  Open();
  ASSERT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
  IngestOutcome same = Send("events", Declared("INC-1", "2026-10-01T09:58:00Z"));
  ASSERT_TRUE(same.status.ok()) << "a re-send is a duplicate";
  EXPECT_EQ(same.duplicates, 1u);

  IngestOutcome other = Send("events", Declared("INC-1", "2026-10-01T09:58:00Z", "Other title"));
  EXPECT_EQ(other.status.code(), StatusCode::kConflict);  // the api answers 409
  EXPECT_EQ(other.status.field(), "id");
  EXPECT_EQ(other.status.message(),
            "events: id: \"d-INC-1\" was already used by a different incident.declared event; an id names one "
            "event: re-send it unchanged, or give a new event a new id");
  EXPECT_EQ(other.duplicates, 0u);
  EXPECT_EQ(Count("events", "rejected"), 1u);
  EXPECT_EQ(Count("events", "duplicate"), 1u);

  // In a batch, all or nothing, naming the element.
  IngestOutcome batch = Send("events", Batch({Declared("INC-2", "2026-10-01T09:59:00Z"),
                                              Declared("INC-1", "2026-10-01T09:58:00Z", "Other title")}));
  EXPECT_EQ(batch.status.code(), StatusCode::kConflict);
  EXPECT_EQ(batch.status.field(), "[1].id");
  EXPECT_EQ(batch.accepted, 0u);
  EXPECT_EQ(ingest->Read([](const IncidentTracker& t, Time) { return t.Find("INC-2") != nullptr; }), false);

  // Survives a restart (the digest is stored).
  Close();
  Open();
  EXPECT_EQ(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z", "Other title")).status.code(),
            StatusCode::kConflict);
  EXPECT_TRUE(Send("events", Declared("INC-1", "2026-10-01T09:58:00Z")).status.ok());
}

TEST_F(IngestStoreFaultsTest, AReusedIdWithinOneGroupIsAConflict) {
  Open();
  Time t = clock.Now();
  std::vector<std::pair<std::string, std::vector<ParsedEvent>>> group;
  group.emplace_back("events", Parse("events", Declared("INC-1", "2026-10-01T09:58:00Z"), t));
  group.emplace_back("events", Parse("events", Declared("INC-1", "2026-10-01T09:58:00Z"), t));
  group.emplace_back("events", Parse("events", Declared("INC-1", "2026-10-01T09:58:00Z", "Other"), t));
  std::vector<IngestOutcome> out = ingest->ProcessNow(std::move(group));
  ASSERT_TRUE(out[0].status.ok());
  ASSERT_TRUE(out[1].status.ok());
  EXPECT_EQ(out[1].duplicates, 1u);
  EXPECT_EQ(out[2].status.code(), StatusCode::kConflict);
}

TEST_F(IngestStoreFaultsTest, KeysDerivedFromContentStayDuplicatesWhenOtherFieldsChange) {
  Open();
  // Alertmanager repeats a firing alert with fresh annotations under the same
  // key: a duplicate, never a conflict.
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z", "5% errors")).status.ok());
  IngestOutcome again = Send("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z", "7% errors"));
  ASSERT_TRUE(again.status.ok()) << again.status.message();
  EXPECT_EQ(again.duplicates, 1u);
  // Native events without an id are keyed by their content.
  const std::string no_id = R"({"type":"incident.acknowledged","incident_id":"inc-000001","time":"2026-10-01T10:00:00Z"})";
  ASSERT_TRUE(Send("events", no_id).status.ok());
  EXPECT_EQ(Send("events", no_id).duplicates, 1u);
}

// --- Reconfigure (config reload).

TEST_F(IngestStoreFaultsTest, ReconfigureRebuildsWithTheNewPolicyOrKeepsTheRunningState) {
  Open();
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T09:55:00Z")).status.ok());
  auto service = [&] {
    return ingest->Read([](const IncidentTracker& t, Time) { return t.incidents().at(0).service; });
  };
  EXPECT_EQ(service(), "checkout");
  auto generation = [&] { return ingest->ReadStep([](const IncidentTracker&, Time, uint64_t g) { return g; }); };
  const uint64_t loaded = generation();
  ASSERT_TRUE(Send("alertmanager", Firing("Errors", "2026-10-01T09:55:30Z")).status.ok());
  EXPECT_EQ(generation(), loaded) << "applying events keeps the tracker";
  const uint64_t accepted = Count("alertmanager", "accepted");

  Policy by_app;
  by_app.service_label = "app";
  by_app.group_by = {"app"};
  ASSERT_TRUE(ingest->Reconfigure(by_app, {}).ok());
  EXPECT_NE(generation(), loaded) << "a reload replaces the tracker: a stepped reader must start over";
  EXPECT_EQ(service(), "payments");
  EXPECT_EQ(Count("alertmanager", "accepted"), accepted) << "counters are kept";
  EXPECT_EQ(ingest->rebuilds(), 2u);
  // What follows applies under the new policy, in both trackers.
  ASSERT_TRUE(Send("alertmanager", Firing("Latency", "2026-10-01T09:56:00Z")).status.ok());
  ASSERT_TRUE(Send("alertmanager", Firing("Saturation", "2026-10-01T09:57:00Z")).status.ok());
  EXPECT_EQ(ingest->Read([](const IncidentTracker& t, Time) { return t.incidents().size(); }), 1u)
      << "grouped by app into the same incident";

  // A store that cannot be read: the error, and the running state stays.
  const std::string before = State();
  store->FailReads(true);
  Status s = ingest->Reconfigure(Policy{}, {});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  store->FailReads(false);
  EXPECT_EQ(State(), before);
  EXPECT_EQ(service(), "payments");
}

}  // namespace
}  // namespace debriefd
