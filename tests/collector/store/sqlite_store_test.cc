// SqliteStore on real files in a temporary directory.
#include "collector/store/sqlite_store.h"
#include "collector/store/store_lock.h"

#include <unistd.h>

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
    EXPECT_EQ((*store)->schema_version(), 1);
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
