// SqliteStore on real files in a temporary directory.
#include "collector/store/sqlite_store.h"
#include "collector/store/store_lock.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

StoredEvent Ev(const std::string& key, const std::string& raw = "{}") {
  return StoredEvent{0, "events", key, T("2026-10-01T10:00:00Z"), raw};
}

TEST(SqliteStore, AppendsAndReadsBackInOrderAcrossReopen) {
  TempDir dir;
  {
    auto store = SqliteStore::Open(dir.File("sub/dir/d.db"));
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_EQ((*store)->schema_version(), 3);
    ASSERT_TRUE((*store)->Append({Ev("a", R"({"n":1})"), Ev("b", R"({"n":2})")}, {{{"events", "accepted"}, 2}}).ok());
    ASSERT_TRUE((*store)->Append({Ev("c", R"({"n":3})")}, {{{"events", "accepted"}, 1}}).ok());
  }
  auto store = SqliteStore::Open(dir.File("sub/dir/d.db"));
  ASSERT_TRUE(store.ok());
  std::vector<std::string> keys;
  std::vector<int64_t> seqs;
  ASSERT_TRUE((*store)->ForEach([&](const StoredEvent& e) {
    keys.push_back(e.dedup_key);
    seqs.push_back(e.seq);
    EXPECT_EQ(e.received_at, T("2026-10-01T10:00:00Z"));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
  auto counts = (*store)->LoadCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((counts->at({"events", "accepted"})), 3u);
}

TEST(SqliteStore, ContainsKnowsStoredKeys) {
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append({Ev("a")}, {}).ok());
  EXPECT_TRUE(*(*store)->Contains("a"));
  EXPECT_FALSE(*(*store)->Contains("b"));
}

TEST(SqliteStore, AFailedAppendStoresNothing) {
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append({Ev("a")}, {}).ok());
  // "a" again violates the unique key: the whole group must roll back.
  Status s = (*store)->Append({Ev("b"), Ev("a")}, {{{"events", "accepted"}, 2}});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(*(*store)->Contains("b"));
  EXPECT_TRUE((*store)->LoadCounts()->empty());
}

TEST(SqliteStore, UsesWriteAheadLogging) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("d.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append({Ev("a")}, {}).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.File("d.db-wal")));
}

TEST(SqliteStore, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  std::ofstream(dir.File("junk.db")) << "this is not sqlite, just text that is long enough to be a header....";
  auto store = SqliteStore::Open(dir.File("junk.db"));
  EXPECT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
}

TEST(SqliteStore, NoticesItsFileDeletedWhileOpen) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("d.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->CheckFile().ok());
  std::filesystem::remove(dir.File("d.db"));
  Status s = (*store)->CheckFile();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find(dir.File("d.db") + " was deleted or moved away"), std::string::npos) << s.message();
}

TEST(SqliteStore, NoticesItsFileReplacedWhileOpen) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("d.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(SqliteStore::Open(dir.File("new.db")).ok());
  std::filesystem::rename(dir.File("new.db"), dir.File("d.db"));
  Status s = (*store)->CheckFile();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find(dir.File("d.db") + " was replaced by another file"), std::string::npos) << s.message();
  EXPECT_TRUE((*SqliteStore::Open(":memory:"))->CheckFile().ok());
}

// Garbage over the start of one page of a file the store wrote (pages are
// 4096 bytes; page 1 holds the header and schema, the tables' and indexes'
// b-tree pages follow, each starting with its page header).
void DamagePage(const std::string& path, int page) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(page - 1) * 4096);
  std::string junk(1000, '\xA5');
  f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
}

void FillStore(const std::string& path) {
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  std::vector<StoredEvent> events;
  for (int i = 0; i < 300; ++i) events.push_back(Ev("key-" + std::to_string(i), std::string(100, 'a' + i % 26)));
  ASSERT_TRUE((*store)->Append(events, {}).ok());
}  // closing checkpoints the write-ahead log into the file

TEST(SqliteStore, RefusesADamagedFileNamingItAndTheFinding) {
  for (bool full : {false, true}) {
    TempDir dir;
    const std::string path = dir.File("d.db");
    FillStore(path);
    ASSERT_TRUE(SqliteStore::Open(path, SqliteStore::Options{full, 0}).ok()) << "intact";
    DamagePage(path, 3);
    auto store = SqliteStore::Open(path, SqliteStore::Options{full, 0});
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::kDataLoss);
    const std::string check = full ? "PRAGMA integrity_check: " : "PRAGMA quick_check: ";
    EXPECT_NE(store.status().message().find("store: " + path + ": damaged, refusing to start (" + check),
              std::string::npos)
        << store.status().message();
  }
}

TEST(SqliteStore, ALaterCheckRunsOnAConnectionOfItsOwnBesideTheOwnersReads) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  FillStore(path);
  SqliteStore::Options later;
  later.check_later = true;
  {
    auto store = SqliteStore::Open(path, later);
    ASSERT_TRUE(store.ok());
    // The owner reads every event while another thread checks the file.
    Status checked;
    std::thread checker([&] { checked = (*store)->CheckIntegrity(false); });
    size_t read = 0;
    ASSERT_TRUE((*store)->ForEach([&](const StoredEvent&) { ++read; return Status::Ok(); }).ok());
    checker.join();
    EXPECT_TRUE(checked.ok()) << checked.message();
    EXPECT_EQ(read, 300u);
  }
  DamagePage(path, 3);
  auto store = SqliteStore::Open(path, later);
  ASSERT_TRUE(store.ok()) << "not checked yet";
  Status checked;
  std::thread checker([&] { checked = (*store)->CheckIntegrity(false); });
  checker.join();
  EXPECT_EQ(checked.code(), StatusCode::kDataLoss);
  EXPECT_NE(checked.message().find("store: " + path + ": damaged, refusing to start (PRAGMA quick_check: "),
            std::string::npos)
      << checked.message();
}

TEST(SqliteStore, AFullFileFailsTheCommitNamingTheFile) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  auto store = SqliteStore::Open(path, SqliteStore::Options{false, 1});  // may not grow
  ASSERT_TRUE(store.ok());
  std::vector<StoredEvent> events;
  for (int i = 0; i < 100; ++i) events.push_back(Ev("key-" + std::to_string(i), std::string(500, 'x')));
  Status s = (*store)->Append(events, {{{"events", "accepted"}, 100}});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "store: " + path + ": append: database or disk is full");
  EXPECT_FALSE(*(*store)->Contains("key-0"));
}

TEST(SqliteStore, RefusesAReadOnlyFileNamingIt) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes read-only files";
  TempDir dir;
  const std::string path = dir.File("d.db");
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::group_read |
                                         std::filesystem::perms::others_read);
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find(path + ": the file is read-only"), std::string::npos)
      << store.status().message();
}

// The writer runs each group's lookups and its append in one transaction
// (BeginGroup). Whatever ends it (a commit, nothing to write, a failed
// append, EndGroup), the next group opens its own, and readers of the file
// never see what is not committed.
TEST(SqliteStore, AGroupsLookupsAndAppendAreOneTransactionThatAlwaysEnds) {
  TempDir dir;
  auto opened = SqliteStore::Open(dir.File("d.db"));
  ASSERT_TRUE(opened.ok());
  SqliteStore& store = **opened;
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(dir.File("d.db").c_str(), &reader, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto stored = [&] {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(reader, "SELECT count(*) FROM events", -1, &st, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
  };

  ASSERT_TRUE(store.BeginGroup().ok());
  EXPECT_EQ(*store.Match("a", "{}"), KeyMatch::kAbsent);
  EXPECT_EQ(stored(), 0);  // the group holds the write lock; readers go on
  ASSERT_TRUE(store.Append({Ev("a")}, {{{"events", "accepted"}, 1}}).ok());
  EXPECT_EQ(stored(), 1);

  // Ended without appending: nothing stored, and the next group opens.
  ASSERT_TRUE(store.BeginGroup().ok());
  EXPECT_EQ(*store.Match("a", "{}"), KeyMatch::kSameContent);
  store.EndGroup();
  // Nothing to write ends it too.
  ASSERT_TRUE(store.BeginGroup().ok());
  ASSERT_TRUE(store.Append({}, {}).ok());
  // A failed append rolls the whole group back and ends it.
  ASSERT_TRUE(store.BeginGroup().ok());
  EXPECT_FALSE(store.Append({Ev("b"), Ev("a")}, {{{"events", "accepted"}, 2}}).ok());
  EXPECT_EQ(stored(), 1);
  ASSERT_TRUE(store.BeginGroup().ok());
  ASSERT_TRUE(store.Append({Ev("b")}, {{{"events", "accepted"}, 1}}).ok());
  EXPECT_EQ(stored(), 2);
  // Without a group, each call is its own transaction, as before.
  ASSERT_TRUE(store.Append({Ev("c")}, {}).ok());
  EXPECT_EQ(stored(), 3);
  EXPECT_EQ((store.LoadCounts()->at({"events", "accepted"})), 2u);
  sqlite3_close(reader);
}

// The write-ahead log is checkpointed into the file as it goes: it stays a
// few MB however much is appended.
// However far the checkpoint thread is behind, the writer's own commit
// checkpoints once the log holds inline_pages: the log stays bounded. Here the
// thread is never woken, so only the commits checkpoint.
TEST(SqliteStore, TheWriteAheadLogStaysBounded) {
  TempDir dir;
  SqliteStore::Options options;
  options.checkpoints.start_pages = 1u << 30;
  options.checkpoints.inline_pages = 1500;  // 6 MB
  auto store = SqliteStore::Open(dir.File("d.db"), options);
  ASSERT_TRUE(store.ok());
  const std::string body(16 * 1024, 'x');
  for (int i = 0; i < 1200; ++i) {  // 19 MB in 1,200 commits
    ASSERT_TRUE((*store)->Append({Ev(std::to_string(i), body)}, {}).ok());
  }
  EXPECT_GT(std::filesystem::file_size(dir.File("d.db")), 12u << 20);  // most of it checkpointed
  EXPECT_LT(std::filesystem::file_size(dir.File("d.db-wal")), 8u << 20);
}

// The commits only wake the checkpoint thread, which copies the log into the
// file on a connection of its own.
TEST(SqliteStore, AThreadOfItsOwnCheckpointsTheLog) {
  TempDir dir;
  SqliteStore::Options options;
  options.checkpoints.inline_pages = 1u << 30;  // never in a commit
  auto store = SqliteStore::Open(dir.File("d.db"), options);
  ASSERT_TRUE(store.ok());
  const std::string body(16 * 1024, 'x');
  for (int i = 0; i < 300; ++i) {  // 5 MB, past the 1,000 pages that start one
    ASSERT_TRUE((*store)->Append({Ev(std::to_string(i), body)}, {}).ok());
  }
  // Waits for the thread, however slow the machine (ctest's timeout bounds it).
  while ((*store)->background_checkpoints() == 0 || std::filesystem::file_size(dir.File("d.db")) < (4u << 20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // The log restarts from its beginning once all of it was copied.
  ASSERT_TRUE((*store)->Append({Ev("after", "{}")}, {}).ok());
  auto stored = (*store)->Contains("after");
  ASSERT_TRUE(stored.ok() && *stored);
}

// The checkpoint thread runs at the priority its options give (nice 5 by
// default, below the request threads), and lowers no other thread.
TEST(SqliteStore, TheCheckpointThreadRunsAtItsOwnPriority) {
  TempDir dir;
  const int own = getpriority(PRIO_PROCESS, 0);  // this thread's
  SqliteStore::Options options;
  options.checkpoints.nice = std::min(own + 7, 19);
  auto store = SqliteStore::Open(dir.File("d.db"), options);
  ASSERT_TRUE(store.ok());
  // The thread lowers itself, then names itself: waits for the name (ctest's
  // timeout bounds the wait).
  std::optional<id_t> tid;
  while (!tid) {
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      if (name == "debriefd-ckpt") tid = static_cast<id_t>(std::stoul(task.path().filename()));
    }
    if (!tid) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(getpriority(PRIO_PROCESS, *tid), options.checkpoints.nice);
  EXPECT_EQ(getpriority(PRIO_PROCESS, 0), own) << "only the checkpoint thread is lowered";
}

TEST(SqliteStore, MatchTellsAReSentEventFromAReusedKey) {
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append({Ev("a", R"({"n":1})")}, {}).ok());
  EXPECT_EQ(*(*store)->Match("a", R"({"n":1})"), KeyMatch::kSameContent);
  EXPECT_EQ(*(*store)->Match("a", R"({"n":2})"), KeyMatch::kOtherContent);
  EXPECT_EQ(*(*store)->Match("b", R"({"n":1})"), KeyMatch::kAbsent);
  EXPECT_EQ(ContentDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SqliteStore, EventsStoredBeforeDigestsMatchAnyContent) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  {
    // A file at schema version 1, as an earlier debriefd left it.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE events (seq INTEGER PRIMARY KEY, source TEXT NOT NULL, dedup_key TEXT NOT "
                           "NULL UNIQUE, received_at_ms INTEGER NOT NULL, body TEXT NOT NULL);"
                           "CREATE TABLE event_counts (source TEXT NOT NULL, result TEXT NOT NULL, value INTEGER NOT "
                           "NULL, PRIMARY KEY (source, result));"
                           "INSERT INTO events (source, dedup_key, received_at_ms, body) VALUES "
                           "('events', 'old', 0, '{}');"
                           "PRAGMA user_version = 1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->schema_version(), 3);
  EXPECT_EQ(*(*store)->Match("old", "anything"), KeyMatch::kSameContent);
  ASSERT_TRUE((*store)->Append({Ev("new", "{}")}, {}).ok());
  EXPECT_EQ(*(*store)->Match("new", "other"), KeyMatch::kOtherContent);
}

}  // namespace
}  // namespace debriefd

namespace debriefd {
namespace {

TEST(StoreLock, ASecondWriterIsRefusedNamingTheHolder) {
  testing::TempDir dir;
  const std::string store = dir.File("debriefd.db");
  Result<StoreLock> first = StoreLock::Acquire(store);
  ASSERT_TRUE(first.ok()) << first.status().message();
  Result<StoreLock> second = StoreLock::Acquire(store);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(store + " is in use by another debriefd (pid " + std::to_string(::getpid()) + ")"),
            std::string::npos)
      << second.status().message();
  {
    StoreLock moved = std::move(first.value());  // the lock moves with its owner
    EXPECT_FALSE(StoreLock::Acquire(store).ok());
  }
  EXPECT_TRUE(StoreLock::Acquire(store).ok()) << "released with its owner";
}

}  // namespace
}  // namespace debriefd
