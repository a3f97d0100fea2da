// The state read from a snapshot plus the events stored after it equals the
// state read from every event: a snapshot never changes a figure, and one
// made under another config is ignored.
#include <gtest/gtest.h>

#include <fstream>

#include "collector/ingest/ingest_service.h"
#include "collector/replay.h"
#include "collector/store/sqlite_store.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

class IngestSnapshotTest : public ::testing::Test {
 protected:
  ~IngestSnapshotTest() override { Close(); }

  // Opens the store and loads the state (`policy` as the config gives it).
  void Open(Policy policy = {}) {
    auto real = SqliteStore::Open(path);
    if (!real.ok()) throw std::runtime_error(real.status().message());
    store = std::move(real.value());
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
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<IngestService> ingest;
};

// When the writer saves a snapshot. steady_clock's epoch is the machine's
// boot, which is what last_snapshot holds before the first save: a process
// under constant load must not save one in its first hour (the save holds the
// state lock), whatever the machine's uptime.
TEST(SnapshotMomentDue, AtAQuietMomentOrAnHourIntoConstantLoad) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const std::chrono::steady_clock::time_point boot{};
  const auto start = boot + hours(20);
  const seconds interval = minutes(5);
  // Busy (a group just ran), never saved: not in the first hour after start.
  EXPECT_FALSE(SnapshotMomentDue(start + minutes(10), start + minutes(10), boot, start, interval));
  EXPECT_FALSE(SnapshotMomentDue(start + minutes(59), start + minutes(59), boot, start, interval));
  EXPECT_TRUE(SnapshotMomentDue(start + minutes(61), start + minutes(61), boot, start, interval));
  // Quiet for a second: at once, the interval since the last one permitting.
  EXPECT_TRUE(SnapshotMomentDue(start + seconds(2), start, boot, start, interval));
  EXPECT_FALSE(SnapshotMomentDue(start + minutes(2), start + minutes(1), start + minutes(1) - seconds(5), start,
                                 interval));
  EXPECT_TRUE(SnapshotMomentDue(start + minutes(7), start + minutes(6), start + minutes(1), start, interval));
  // Busy, saved before: an hour after that save.
  const auto saved = start + hours(2);
  EXPECT_FALSE(SnapshotMomentDue(saved + minutes(30), saved + minutes(30), saved, start, interval));
  EXPECT_TRUE(SnapshotMomentDue(saved + minutes(61), saved + minutes(61), saved, start, interval));
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

}  // namespace
}  // namespace debriefd
