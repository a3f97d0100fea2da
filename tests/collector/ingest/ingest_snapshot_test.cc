// The state read from a snapshot plus the events stored after it equals the
// state read from every event: a snapshot never changes a figure, and one
// made under another config is ignored.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "collector/ingest/ingest_service.h"
#include "collector/replay.h"
#include "collector/store/sqlite_store.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "tests/support/failing_store.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

class IngestSnapshotTest : public ::testing::Test {
 protected:
  ~IngestSnapshotTest() override { Close(); }

  // Opens the store and loads the state (`policy` as the config gives it).
  // With a `gate`, snapshots are written apart, each once a byte can be read
  // from it (FailingStore::GateSnapshots).
  void Open(Policy policy = {}, int gate = -1) {
    auto real = SqliteStore::Open(path);
    if (!real.ok()) throw std::runtime_error(real.status().message());
    if (gate >= 0) {
      auto gated = std::make_unique<FailingStore>(std::move(real.value()));
      gated->GateSnapshots(gate);
      store = std::move(gated);
    } else {
      store = std::move(real.value());
    }
    ingest = std::make_unique<IngestService>(*store, std::move(policy), clock);
    auto loaded = ingest->Load();
    if (!loaded.ok()) throw std::runtime_error(loaded.status().message());
  }
  void Close() {
    if (ingest) ingest->Stop();
    ingest.reset();
    store.reset();
  }
  // Imports the fixture's lines [from, to) as `debriefd replay` does.
  void ReplayLines(size_t from, size_t to) {
    std::ifstream in(SourcePath("tests/fixtures/history/example.jsonl"));
    std::string line, part;
    for (size_t i = 0; std::getline(in, line); ++i) {
      if (i >= from && i < to) part += line + "\n";
    }
    std::istringstream lines(part);
    ReplaySummary s = Replay(lines, *ingest, [](size_t n, const Status& why) {
      ADD_FAILURE() << "line " << n << ": " << why.message();
    });
    EXPECT_GT(s.accepted, 0u);
  }
  // Everything a reader sees: every incident in detail and the exposition.
  std::string State() {
    EventCounts counts = ingest->event_counts();
    return ingest->Read([&](const IncidentTracker& t, Time now) {
      std::string out;
      for (const Incident& inc : t.incidents()) out += IncidentJson(t, inc, now, true) + "\n";
      return out + RenderMetrics(t, now, counts, ProcessInfo{"test", 0, {"alertmanager", "events"}, 0});
    });
  }

  TempDir dir;
  const std::string path = dir.File("debriefd.db");
  FakeClock clock{T("2026-12-01T00:00:00Z")};
  std::unique_ptr<EventStore> store;
  std::unique_ptr<IngestService> ingest;
};

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
// The machine's boot (steady_clock's epoch), a start 20 hours later, and the
// snapshot interval.
const std::chrono::steady_clock::time_point kBoot{};
const std::chrono::steady_clock::time_point kStart = kBoot + hours(20);
constexpr seconds kInterval = minutes(5);

// When the writer saves a snapshot. steady_clock's epoch is the machine's
// boot, which is what last_snapshot holds before the first save: a process
// under constant load must not save one in its first hour (a save costs the
// writer a fork, or the whole save on PostgreSQL), whatever the machine's uptime.
TEST(SnapshotMomentDue, AtAQuietMomentOrAnHourIntoConstantLoad) {
  // Busy (a group just ran), never saved: not in the first hour after start.
  EXPECT_FALSE(SnapshotMomentDue(kStart + minutes(10), kStart + minutes(10), kBoot, kStart, kInterval));
  EXPECT_FALSE(SnapshotMomentDue(kStart + minutes(59), kStart + minutes(59), kBoot, kStart, kInterval));
  EXPECT_TRUE(SnapshotMomentDue(kStart + minutes(61), kStart + minutes(61), kBoot, kStart, kInterval));
  // Quiet for a second: at once, the interval since the last one permitting.
  EXPECT_TRUE(SnapshotMomentDue(kStart + seconds(2), kStart, kBoot, kStart, kInterval));
  EXPECT_FALSE(SnapshotMomentDue(kStart + minutes(2), kStart + minutes(1), kStart + minutes(1) - seconds(5), kStart,
                                 kInterval));
  EXPECT_TRUE(SnapshotMomentDue(kStart + minutes(7), kStart + minutes(6), kStart + minutes(1), kStart, kInterval));
  // Busy, saved before: an hour after that save.
  const auto saved = kStart + hours(2);
  EXPECT_FALSE(SnapshotMomentDue(saved + minutes(30), saved + minutes(30), saved, kStart, kInterval));
  EXPECT_TRUE(SnapshotMomentDue(saved + minutes(61), saved + minutes(61), saved, kStart, kInterval));
}

// How long an idle writer that wants a snapshot sleeps: until the moment it is
// due. Quiet for a second but saved a minute ago, that is the end of the
// interval, not the second after the last group (already past, which made
// the writer's wait return at once, over and over: a spinning core).
TEST(SnapshotMomentDue, TheNextMomentIsWhenItIsDue) {
  const auto saved = kStart + minutes(10);
  const auto group = saved + seconds(30);
  const auto next = NextSnapshotMoment(group, saved, kStart, kInterval);
  EXPECT_EQ(next, saved + kInterval);
  EXPECT_GT(next, group + seconds(1));
  EXPECT_FALSE(SnapshotMomentDue(next - seconds(1), group, saved, kStart, kInterval));
  EXPECT_TRUE(SnapshotMomentDue(next, group, saved, kStart, kInterval));
  // Past the interval: a second after the last group.
  EXPECT_EQ(NextSnapshotMoment(saved + minutes(8), saved, kStart, kInterval), saved + minutes(8) + seconds(1));
  // Busy since the start, never saved: an hour after the start.
  EXPECT_EQ(NextSnapshotMoment(kStart + hours(3), kBoot, kStart, kInterval), kStart + hours(1));
}

TEST_F(IngestSnapshotTest, SnapshotStartAndFullReplayStartGiveTheSameState) {
  Open();
  ReplayLines(0, 14);
  Close();  // Stop saves a snapshot of the first half
  Open();
  EXPECT_TRUE(ingest->load_figures().from_snapshot);
  EXPECT_EQ(ingest->load_figures().tail, 0u) << "nothing stored after the snapshot";
  auto first_half = store->LoadSnapshot();
  ASSERT_TRUE(first_half.ok() && first_half->has_value());
  ReplayLines(14, 1000);
  const std::string live = State();
  Close();

  // The snapshot of the first half, and the second half as its tail (as after
  // a crash that left an older snapshot).
  {
    auto s = SqliteStore::Open(path);
    ASSERT_TRUE(s.ok());
    const StoredSnapshot& old = **first_half;
    ASSERT_TRUE((*s)->SaveSnapshot(old.seq, old.key, old.data).ok());
  }
  Open();
  EXPECT_TRUE(ingest->load_figures().from_snapshot);
  EXPECT_GT(ingest->load_figures().tail, 0u);
  EXPECT_EQ(State(), live) << "snapshot plus tail must give the live state";
  Close();

  // No usable snapshot: every event is re-read, to the same state.
  {
    auto s = SqliteStore::Open(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->SaveSnapshot(1, "another version", "junk").ok());
  }
  Open();
  EXPECT_FALSE(ingest->load_figures().from_snapshot);
  EXPECT_EQ(State(), live) << "a full replay must give the live state";
}

TEST_F(IngestSnapshotTest, ASnapshotMadeUnderAnotherPolicyIsIgnored) {
  Open();
  ReplayLines(0, 1000);
  Close();
  Policy other;
  other.repeat_window = std::chrono::hours(1);
  Open(other);
  EXPECT_FALSE(ingest->load_figures().from_snapshot) << "another policy derives other incidents";
  const std::string rebuilt = State();
  Close();  // saves one for the new policy
  Open(other);
  EXPECT_TRUE(ingest->load_figures().from_snapshot);
  EXPECT_EQ(State(), rebuilt);
}

TEST_F(IngestSnapshotTest, ADamagedSnapshotIsIgnoredAndTheStateRebuilt) {
  Open();
  ReplayLines(0, 1000);
  const std::string live = State();
  Close();
  {
    auto s = SqliteStore::Open(path);
    ASSERT_TRUE(s.ok());
    auto snap = (*s)->LoadSnapshot();
    ASSERT_TRUE(snap.ok() && snap->has_value());
    std::string data = (**snap).data;
    data.resize(data.size() / 2);
    ASSERT_TRUE((*s)->SaveSnapshot((**snap).seq, (**snap).key, data).ok());
  }
  Open();
  EXPECT_FALSE(ingest->load_figures().from_snapshot);
  EXPECT_EQ(State(), live);
}

// A pipe whose ends close with the test.
struct Gate {
  Gate() { EXPECT_EQ(::pipe(fds), 0); }
  ~Gate() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  void Open() { EXPECT_EQ(::write(fds[1], "x", 1), 1); }
  int fds[2] = {-1, -1};
};

// A snapshot is written by a forked child: groups commit and reads answer
// while it writes (here, while it waits at the gate), nothing is published
// before it is done, and what it publishes is the state at the fork, which
// the events stored meanwhile follow as the next start's tail.
TEST_F(IngestSnapshotTest, ASnapshotIsWrittenApartWhileGroupsGoOn) {
  Gate gate;
  Open({}, gate.fds[0]);
  ReplayLines(0, 14);
  Result<int64_t> forked_at = store->LastSeq();
  ASSERT_TRUE(forked_at.ok());
  ASSERT_TRUE(ingest->StartSnapshot().ok());
  ReplayLines(14, 1000);
  const std::string live = State();
  EXPECT_FALSE(ingest->FinishSnapshot(/*wait=*/false)) << "the child waits at the gate";
  EXPECT_EQ(ingest->StartSnapshot().code(), StatusCode::kFailedPrecondition) << "one at a time";
  auto none = store->LoadSnapshot();
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value()) << "nothing is published before the child is done";
  EXPECT_EQ(ingest->load_figures().snapshots_saved, 0u);
  Result<int64_t> stored = store->LastSeq();
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(ingest->load_figures().events_since_snapshot, static_cast<uint64_t>(*stored))
      << "until the child is done, a start would re-read every event";

  gate.Open();
  EXPECT_TRUE(ingest->FinishSnapshot(/*wait=*/true));
  EXPECT_EQ(ingest->load_figures().snapshots_saved, 1u);
  EXPECT_EQ(ingest->load_figures().snapshots_failed, 0u);
  EXPECT_EQ(ingest->load_figures().last_snapshot_saved, clock.Now());
  EXPECT_EQ(ingest->load_figures().events_since_snapshot, static_cast<uint64_t>(*stored - *forked_at))
      << "the events stored while the child wrote";
  auto snap = store->LoadSnapshot();
  ASSERT_TRUE(snap.ok() && snap->has_value()) << snap.status().message();
  EXPECT_EQ((*snap)->seq, *forked_at);

  ingest->SaveSnapshots(false);  // the start below reads the child's snapshot
  Close();
  Open();
  EXPECT_TRUE(ingest->load_figures().from_snapshot);
  EXPECT_GT(ingest->load_figures().tail, 0u) << "the events stored while the child wrote";
  EXPECT_EQ(State(), live);
}

// A child that cannot write leaves the previous snapshot in place, logs why,
// and gives its events back: the next save (here Stop's) covers them.
TEST_F(IngestSnapshotTest, AChildThatFailsLeavesThePreviousSnapshot) {
  Open();
  ReplayLines(0, 14);
  Close();
  Gate gate;
  Open({}, gate.fds[0]);
  auto first = store->LoadSnapshot();
  ASSERT_TRUE(first.ok() && first->has_value());
  ReplayLines(14, 1000);
  const std::string live = State();
  std::filesystem::create_directory(path + "-snapshot.tmp");  // where the child writes first
  gate.Open();
  ASSERT_TRUE(ingest->StartSnapshot().ok());
  EXPECT_TRUE(ingest->FinishSnapshot(/*wait=*/true));
  EXPECT_EQ(ingest->load_figures().snapshots_saved, 0u);
  EXPECT_EQ(ingest->load_figures().snapshots_failed, 1u);
  EXPECT_FALSE(ingest->load_figures().last_snapshot_saved.has_value());
  auto kept = store->LoadSnapshot();
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->seq, (*first)->seq);

  std::filesystem::remove(path + "-snapshot.tmp");
  Close();  // Stop saves what the child did not
  Open();
  EXPECT_TRUE(ingest->load_figures().from_snapshot);
  EXPECT_EQ(ingest->load_figures().tail, 0u);
  EXPECT_EQ(State(), live);
}

}  // namespace
}  // namespace debriefd
