// SqliteStore's snapshots (the file beside the database; the table for
// ":memory:") and ForEachAfter, on real files in a temporary directory.
#include "collector/store/sqlite_store.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/failing_store.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

StoredEvent Ev(const std::string& key) { return StoredEvent{0, "events", key, T("2026-10-01T10:00:00Z"), "{}"}; }

std::vector<std::string> KeysAfter(EventStore& store, int64_t seq) {
  std::vector<std::string> keys;
  Status s = store.ForEachAfter(seq, [&](const StoredEvent& e) {
    keys.push_back(e.dedup_key);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return keys;
}

// The rows of table `snapshot` (where a debriefd before the snapshot file kept it).
int TableRows(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return -1;
  sqlite3_stmt* st = nullptr;
  int rows = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM snapshot", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    rows = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

std::vector<int64_t> Seqs(EventStore& store) {
  std::vector<int64_t> seqs;
  EXPECT_TRUE(store.ForEach([&](const StoredEvent& e) {
                     seqs.push_back(e.seq);
                     return Status::Ok();
                   })
                  .ok());
  return seqs;
}

TEST(SnapshotStore, AnEmptyStoreHasNoSnapshot) {
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  auto snap = (*store)->LoadSnapshot();
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  EXPECT_FALSE(snap->has_value());
}

TEST(SnapshotStore, SavesReplacesAndReadsBackAcrossReopen) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  // Bytes of every value, a NUL among them: a snapshot is binary.
  std::string first(1000, '\0');
  for (size_t i = 0; i < first.size(); ++i) first[i] = static_cast<char>(i % 256);
  const std::string second = std::string("\0\xff", 2) + std::string(3 << 20, 'x');
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE((*store)->Append({Ev("a"), Ev("b")}, {}).ok());
    ASSERT_TRUE((*store)->SaveSnapshot(1, "v1-key", first).ok());
    auto snap = (*store)->LoadSnapshot();
    ASSERT_TRUE(snap.ok() && snap->has_value());
    EXPECT_EQ((*snap)->seq, 1);
    EXPECT_EQ((*snap)->key, "v1-key");
    EXPECT_EQ((*snap)->data, first);
    ASSERT_TRUE((*store)->SaveSnapshot(2, "v1-other", second).ok());
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto snap = (*store)->LoadSnapshot();
  ASSERT_TRUE(snap.ok() && snap->has_value()) << snap.status().message();
  EXPECT_EQ((*snap)->seq, 2);
  EXPECT_EQ((*snap)->key, "v1-other");
  EXPECT_EQ((*snap)->data, second);
  // A file beside the database, replaced whole: no temporary one is left,
  // and the database's table holds none.
  EXPECT_EQ((*store)->snapshot_path(), path + "-snapshot");
  EXPECT_TRUE(std::filesystem::exists(path + "-snapshot"));
  EXPECT_FALSE(std::filesystem::exists(path + "-snapshot.tmp"));
  EXPECT_EQ(TableRows(path), 0);
}

// A snapshot beside a database that does not hold its last event at its seq
// (a database restored from an older backup, a file copied from elsewhere)
// is refused, naming both files, not trusted.
TEST(SnapshotStore, ASnapshotOfOtherEventsIsRefused) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Append({Ev("a"), Ev("b")}, {}).ok());
    ASSERT_TRUE((*store)->SaveSnapshot(2, "k", "state").ok());
  }
  const std::string kept = path + ".kept";
  std::filesystem::copy_file(path + "-snapshot", kept);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::filesystem::rename(kept, path + "-snapshot");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->Append({Ev("c")}, {}).ok());
  auto snap = (*store)->LoadSnapshot();
  EXPECT_EQ(snap.status().code(), StatusCode::kFailedPrecondition) << "no event 2 here";
  ASSERT_TRUE((*store)->Append({Ev("d")}, {}).ok());
  snap = (*store)->LoadSnapshot();
  EXPECT_EQ(snap.status().code(), StatusCode::kFailedPrecondition) << "event 2 is d, not b";
  EXPECT_NE(snap.status().message().find(path + "-snapshot"), std::string::npos) << snap.status().message();
  EXPECT_NE(snap.status().message().find("\"b\""), std::string::npos) << snap.status().message();
}

TEST(SnapshotStore, ACutShortSnapshotFileIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append({Ev("a")}, {}).ok());
  ASSERT_TRUE((*store)->SaveSnapshot(1, "k", std::string(4096, 's')).ok());
  for (uintmax_t size : {uintmax_t{4000}, uintmax_t{30}, uintmax_t{3}}) {
    std::filesystem::resize_file(path + "-snapshot", size);
    auto snap = (*store)->LoadSnapshot();
    EXPECT_EQ(snap.status().code(), StatusCode::kDataLoss) << size;
    EXPECT_NE(snap.status().message().find(path + "-snapshot"), std::string::npos) << snap.status().message();
  }
}

// The snapshot an older debriefd kept in table `snapshot` moves to the file
// when the store is opened, so the first start after an upgrade still
// restores it.
TEST(SnapshotStore, AnOlderTableSnapshotMovesToTheFile) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Append({Ev("a"), Ev("b")}, {}).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO snapshot (id, seq, state_key, data) VALUES (1, 2, 'v4-k', x'00ff01')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ASSERT_EQ(TableRows(path), 1);
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(TableRows(path), 0);
  auto snap = (*store)->LoadSnapshot();
  ASSERT_TRUE(snap.ok() && snap->has_value()) << snap.status().message();
  EXPECT_EQ((*snap)->seq, 2);
  EXPECT_EQ((*snap)->key, "v4-k");
  EXPECT_EQ((*snap)->data, std::string("\0\xff\x01", 3));
}

TEST(SnapshotStore, AnEmptySnapshotReadsBackEmpty) {
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->SaveSnapshot(0, "k", "").ok());
  auto snap = (*store)->LoadSnapshot();
  ASSERT_TRUE(snap.ok() && snap->has_value());
  EXPECT_EQ((*snap)->data, "");
}

TEST(SnapshotStore, ForEachAfterGivesTheLaterEventsInOrder) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("d.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append({Ev("a"), Ev("b"), Ev("c")}, {}).ok());
  ASSERT_TRUE((*store)->Append({Ev("d")}, {}).ok());
  std::vector<int64_t> seqs = Seqs(**store);
  ASSERT_EQ(seqs.size(), 4u);
  EXPECT_EQ(KeysAfter(**store, 0), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(KeysAfter(**store, seqs[1]), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(KeysAfter(**store, seqs[3]), std::vector<std::string>{});
  EXPECT_EQ(KeysAfter(**store, seqs[3] + 100), std::vector<std::string>{});
}

TEST(SnapshotStore, ForEachAfterStopsAtTheFirstError) {
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append({Ev("a"), Ev("b"), Ev("c")}, {}).ok());
  int calls = 0;
  Status s = (*store)->ForEachAfter(0, [&](const StoredEvent&) {
    ++calls;
    return Status::DataLoss("stop");
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(calls, 1);
}

// A store at schema version 2, as the previous debriefd left it: it gains the
// snapshot table, keeps its events, and has no snapshot yet.
TEST(SnapshotStore, AVersion2StoreUpgrades) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE events (seq INTEGER PRIMARY KEY, source TEXT NOT NULL, dedup_key TEXT NOT "
                           "NULL UNIQUE, received_at_ms INTEGER NOT NULL, body TEXT NOT NULL);"
                           "CREATE TABLE event_counts (source TEXT NOT NULL, result TEXT NOT NULL, value INTEGER NOT "
                           "NULL, PRIMARY KEY (source, result));"
                           "ALTER TABLE events ADD COLUMN digest TEXT;"
                           "INSERT INTO events (source, dedup_key, received_at_ms, body, digest) VALUES "
                           "('events', 'old', 0, '{}', NULL);"
                           "PRAGMA user_version = 2;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->schema_version(), 3);
  auto snap = (*store)->LoadSnapshot();
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  EXPECT_FALSE(snap->has_value());
  EXPECT_EQ(KeysAfter(**store, 0), std::vector<std::string>{"old"});
  ASSERT_TRUE((*store)->Append({Ev("new")}, {}).ok());
  ASSERT_TRUE((*store)->SaveSnapshot(2, "k", "state").ok());
  EXPECT_EQ((*(*store)->LoadSnapshot())->seq, 2);
}

TEST(SnapshotStore, AFailedSaveKeepsThePreviousSnapshot) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append({Ev("a"), Ev("b")}, {}).ok());
  ASSERT_TRUE((*store)->SaveSnapshot(1, "k", "first").ok());
  // The new snapshot cannot be written where it goes first.
  std::filesystem::create_directory(path + "-snapshot.tmp");
  Status s = (*store)->SaveSnapshot(2, "k", std::string(1 << 20, 'y'));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find(path + "-snapshot.tmp"), std::string::npos) << s.message();
  auto snap = (*store)->LoadSnapshot();
  ASSERT_TRUE(snap.ok() && snap->has_value());
  EXPECT_EQ((*snap)->seq, 1);
  EXPECT_EQ((*snap)->data, "first");
  // No event at the seq: nothing to write a snapshot of.
  EXPECT_EQ((*store)->SaveSnapshot(3, "k", "x").code(), StatusCode::kNotFound);
}

// A ":memory:" store keeps its snapshot in its table; only a file's store
// writes one apart.
TEST(SnapshotStore, OnlyAFilesStoreWritesSnapshotsApart) {
  auto memory = SqliteStore::Open(":memory:");
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ((*memory)->PrepareSnapshot(0, "k").status().code(), StatusCode::kUnimplemented);
  TempDir dir;
  auto file = SqliteStore::Open(dir.File("d.db"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append({Ev("a")}, {}).ok());
  auto writer = (*file)->PrepareSnapshot(1, "k");
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ASSERT_TRUE((*writer)->Write("apart").ok());
  EXPECT_FALSE((*(*file)->LoadSnapshot()).has_value()) << "written, not yet published";
  ASSERT_TRUE((*writer)->Publish().ok());
  EXPECT_EQ((*(*file)->LoadSnapshot())->data, "apart");
}

// A store without snapshots (the EventStore defaults) says so, and its
// ForEachAfter filters ForEach.
class PlainStore final : public EventStore {
 public:
  Result<bool> Contains(std::string_view) override { return false; }
  Status Append(const std::vector<StoredEvent>& events, const EventCounts&) override {
    for (StoredEvent e : events) {
      e.seq = static_cast<int64_t>(events_.size()) + 1;
      events_.push_back(e);
    }
    return Status::Ok();
  }
  Status ForEach(const std::function<Status(const StoredEvent&)>& fn) override {
    for (const StoredEvent& e : events_) {
      if (Status s = fn(e); !s.ok()) return s;
    }
    return Status::Ok();
  }
  Result<EventCounts> LoadCounts() override { return EventCounts{}; }

 private:
  std::vector<StoredEvent> events_;
};

TEST(SnapshotStore, TheDefaultsKeepNoSnapshot) {
  PlainStore store;
  ASSERT_TRUE(store.Append({Ev("a"), Ev("b"), Ev("c")}, {}).ok());
  EXPECT_EQ(store.SaveSnapshot(1, "k", "x").code(), StatusCode::kUnimplemented);
  auto snap = store.LoadSnapshot();
  ASSERT_TRUE(snap.ok());
  EXPECT_FALSE(snap->has_value());
  EXPECT_EQ(KeysAfter(store, 1), (std::vector<std::string>{"b", "c"}));
}

TEST(SnapshotStore, FailingStoreFailsSnapshotsWithTheRest) {
  auto real = SqliteStore::Open(":memory:");
  ASSERT_TRUE(real.ok());
  FailingStore store(std::move(*real));
  ASSERT_TRUE(store.SaveSnapshot(1, "k", "x").ok());
  store.FailWrites(true);
  EXPECT_EQ(store.SaveSnapshot(2, "k", "y").code(), StatusCode::kUnavailable);
  store.FailReads(true);
  EXPECT_EQ(store.LoadSnapshot().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.ForEachAfter(0, [](const StoredEvent&) { return Status::Ok(); }).code(), StatusCode::kUnavailable);
  store.FailReads(false);
  EXPECT_EQ((*store.LoadSnapshot())->data, "x");
}

}  // namespace
}  // namespace debriefd
