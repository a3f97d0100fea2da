// PostgresStore on a private PostgreSQL server (tests/support/temp_postgres.h),
// a fresh database per test. Two PostgresStore objects on one database stand
// for two debriefd replicas. Skipped when PostgreSQL 15 is not installed.
#include "collector/store/postgres_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/temp_postgres.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
using namespace std::chrono_literals;

StoredEvent Ev(const std::string& key, const std::string& raw = "{}", const std::string& source = "events") {
  return StoredEvent{0, source, key, T("2026-10-01T10:00:00.123Z"), raw};
}

std::vector<StoredEvent> All(EventStore& store, int64_t after = 0) {
  std::vector<StoredEvent> out;
  Status s = store.ForEachAfter(after, [&](const StoredEvent& e) {
    out.push_back(e);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

std::vector<std::string> Keys(const std::vector<StoredEvent>& events) {
  std::vector<std::string> keys;
  for (const StoredEvent& e : events) keys.push_back(e.dedup_key);
  return keys;
}

// Waits (at most 10 s) until pred() holds under mu.
template <typename Pred>
bool WaitFor(std::mutex& mu, std::condition_variable& cv, Pred pred) {
  std::unique_lock<std::mutex> lock(mu);
  return cv.wait_for(lock, 10s, pred);
}

class PostgresStoreTest : public PostgresDatabaseTest {
 protected:
  std::unique_ptr<PostgresStore> Open(const std::string& dsn = "") {
    auto store = PostgresStore::Open(dsn.empty() ? dsn_ : dsn);
    if (!store.ok()) throw std::runtime_error("open: " + store.status().message());
    return std::move(store.value());
  }
  std::string Sql(const std::string& sql) { return pg_->Sql(sql, db_); }

};

// --- Schema ---

TEST_F(PostgresStoreTest, MigrationsCreateTheSchemaAndASecondOpenIsANoOp) {
  int version = 0;
  {
    auto store = Open();
    version = store->schema_version();
    EXPECT_GE(version, 1);
    ASSERT_TRUE(store->Append({Ev("a")}, {{{"events", "accepted"}, 1}}).ok());
  }
  EXPECT_EQ(Sql("SELECT max(version) FROM debriefd_schema_migrations"), std::to_string(version));
  EXPECT_EQ(Sql("SELECT count(*) FROM debriefd_schema_migrations"), std::to_string(version));
  auto again = Open();
  EXPECT_EQ(again->schema_version(), version);
  EXPECT_EQ(Sql("SELECT count(*) FROM debriefd_schema_migrations"), std::to_string(version))
      << "a second open applied a migration again";
  EXPECT_EQ(Keys(All(*again)), std::vector<std::string>{"a"}) << "a second open lost what was stored";
}

TEST_F(PostgresStoreTest, ReplicasStartingAtOnceMigrateOnce) {
  std::vector<std::future<Result<std::unique_ptr<PostgresStore>>>> opening;
  for (int i = 0; i < 4; ++i)
    opening.push_back(std::async(std::launch::async, [&] { return PostgresStore::Open(dsn_); }));
  for (auto& f : opening) {
    auto store = f.get();
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_EQ(Sql("SELECT count(*) FROM debriefd_schema_migrations"),
              std::to_string((*store)->schema_version()));
  }
}

TEST_F(PostgresStoreTest, RefusesASchemaNewerThanItUnderstands) {
  int version = Open()->schema_version();
  Sql(Cat("INSERT INTO debriefd_schema_migrations (version) VALUES (", version + 1, ")"));
  auto store = PostgresStore::Open(dsn_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition) << store.status().message();
}

TEST_F(PostgresStoreTest, RefusesADatabaseWhoseEncodingCannotHoldUtf8Bodies) {
  pg_->Sql("CREATE DATABASE " + db_ +
           "_latin1 ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");
  auto store = PostgresStore::Open(pg_->dsn(db_ + "_latin1"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("LATIN1"), std::string::npos) << store.status().message();
}

// --- The log ---

TEST_F(PostgresStoreTest, AppendedEventsReadBackExactlyInSeqOrder) {
  auto store = Open();
  const std::string tricky =
      R"({"title":"Ünïcödé ✓ 日本語 🚨","q":"it's \"quoted\"","bs":"C:\\path","nl":"a\nb"})";
  ASSERT_TRUE(
      store->Append({Ev("a", tricky, "alertmanager"), Ev("b'; DROP TABLE events; --", "[]")}, {}).ok());
  StoredEvent late = Ev("c", "{}");
  late.received_at = T("2031-02-03T04:05:06.789Z");
  ASSERT_TRUE(store->Append({late}, {}).ok());

  auto events = All(*store);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[0].source, "alertmanager");
  EXPECT_EQ(events[0].dedup_key, "a");
  EXPECT_EQ(events[0].raw, tricky);
  EXPECT_EQ(events[0].received_at, T("2026-10-01T10:00:00.123Z")) << "milliseconds survive";
  EXPECT_EQ(events[1].seq, 2);
  EXPECT_EQ(events[1].dedup_key, "b'; DROP TABLE events; --");
  EXPECT_EQ(events[1].raw, "[]");
  EXPECT_EQ(events[2].seq, 3);
  EXPECT_EQ(events[2].received_at, T("2031-02-03T04:05:06.789Z"));

  EXPECT_EQ(Keys(All(*store, 1)), (std::vector<std::string>{"b'; DROP TABLE events; --", "c"}));
  EXPECT_TRUE(All(*store, 3).empty());
  // Another replica reads the same.
  auto other = Open();
  auto seen = All(*other);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].raw, tricky);
}

TEST_F(PostgresStoreTest, ForEachReadsEveryEventOfALogLongerThanOneRead) {
  auto store = Open();
  std::vector<StoredEvent> batch;
  for (int i = 0; i < 12001; ++i) batch.push_back(Ev(Cat("k", i), Cat(R"({"i":)", i, "}")));
  ASSERT_TRUE(store->Append(batch, {{{"events", "accepted"}, batch.size()}}).ok());
  int64_t expect = 0;
  Status s = store->ForEach([&](const StoredEvent& e) {
    ++expect;
    if (e.seq != expect || e.dedup_key != Cat("k", expect - 1)) {
      return Status::DataLoss(Cat("seq ", e.seq, " key ", e.dedup_key, " where ", expect, " was due"));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(expect, 12001);
  EXPECT_EQ(All(*store, 11990).size(), 11u);
  EXPECT_EQ(*store->LastSeq(), 12001);
}

TEST_F(PostgresStoreTest, ForEachStopsAtTheCallbacksFirstError) {
  auto store = Open();
  ASSERT_TRUE(store->Append({Ev("a"), Ev("b"), Ev("c")}, {}).ok());
  int calls = 0;
  Status s = store->ForEach([&](const StoredEvent& e) {
    ++calls;
    return e.dedup_key == "b" ? Status::DataLoss("stop here") : Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(calls, 2);
}

TEST_F(PostgresStoreTest, MatchTellsAbsentSameContentAndOtherContent) {
  auto store = Open();
  ASSERT_TRUE(store->Append({Ev("d-INC-1", R"({"id":"d-INC-1","n":1})")}, {}).ok());
  EXPECT_EQ(*store->Match("d-INC-2", R"({"id":"d-INC-2"})"), KeyMatch::kAbsent);
  EXPECT_EQ(*store->Match("d-INC-1", R"({"id":"d-INC-1","n":1})"), KeyMatch::kSameContent);
  EXPECT_EQ(*store->Match("d-INC-1", R"({"id":"d-INC-1","n":2})"), KeyMatch::kOtherContent);
  EXPECT_TRUE(*store->Contains("d-INC-1"));
  EXPECT_FALSE(*store->Contains("d-INC-2"));
  auto other = Open();
  EXPECT_EQ(*other->Match("d-INC-1", R"({"id":"d-INC-1","n":1})"), KeyMatch::kSameContent);
}

TEST_F(PostgresStoreTest, TheSameKeyFromTwoReplicasIsStoredOnce) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a->BeginGroup().ok());
  ASSERT_EQ(*a->Match("fp-1", "{}"), KeyMatch::kAbsent);
  ASSERT_TRUE(a->Append({Ev("fp-1")}, {{{"alertmanager", "accepted"}, 1}}).ok());

  // A replica that checks under the lock sees it.
  ASSERT_TRUE(b->BeginGroup().ok());
  EXPECT_EQ(*b->Match("fp-1", "{}"), KeyMatch::kSameContent);
  b->EndGroup();

  // One that skipped the check fails as a whole: neither its other event nor its counts are stored.
  Status s = b->Append({Ev("fp-2"), Ev("fp-1")}, {{{"alertmanager", "accepted"}, 2}});
  EXPECT_FALSE(s.ok());
  ASSERT_TRUE(b->BeginGroup().ok());
  s = b->Append({Ev("fp-3"), Ev("fp-1")}, {{{"alertmanager", "accepted"}, 2}});
  EXPECT_FALSE(s.ok()) << "in a group too";
  EXPECT_EQ(Keys(All(*a)), std::vector<std::string>{"fp-1"});
  EXPECT_EQ((a->LoadCounts()->at({"alertmanager", "accepted"})), 1u);

  // And the failure leaves the replica usable.
  ASSERT_TRUE(b->BeginGroup().ok());
  EXPECT_EQ(*b->Match("fp-2", "{}"), KeyMatch::kAbsent);
  ASSERT_TRUE(b->Append({Ev("fp-2")}, {{{"alertmanager", "accepted"}, 1}}).ok());
  EXPECT_EQ(Keys(All(*a)), (std::vector<std::string>{"fp-1", "fp-2"}));
  EXPECT_EQ(All(*a)[1].seq, 2) << "the failed appends used up no seq";
}

TEST_F(PostgresStoreTest, CountsAddUpAcrossReplicas) {
  auto a = Open();
  auto b = Open();
  EXPECT_TRUE(a->LoadCounts()->empty());
  ASSERT_TRUE(a->Append({Ev("x")}, {{{"events", "accepted"}, 1}, {{"events", "rejected"}, 2}}).ok());
  ASSERT_TRUE(b->Append({Ev("y")}, {{{"events", "accepted"}, 1}, {{"alertmanager", "duplicate"}, 5}}).ok());
  // Counts without events (a group of duplicates).
  ASSERT_TRUE(b->Append({}, {{{"alertmanager", "duplicate"}, 1}, {{kAlertsTruncated, "team-x"}, 7}}).ok());
  ASSERT_TRUE(a->BeginGroup().ok());
  ASSERT_TRUE(a->Append({}, {{{"events", "rejected"}, 1}}).ok());
  EventCounts want = {{{"events", "accepted"}, 2},
                      {{"events", "rejected"}, 3},
                      {{"alertmanager", "duplicate"}, 6},
                      {{kAlertsTruncated, "team-x"}, 7}};
  EXPECT_EQ(*a->LoadCounts(), want);
  EXPECT_EQ(*b->LoadCounts(), want);
  EXPECT_EQ(*Open()->LoadCounts(), want);
}

TEST_F(PostgresStoreTest, LastSeqIsTheHeadOfTheLogWhoeverAppended) {
  auto a = Open();
  auto b = Open();
  EXPECT_EQ(*a->LastSeq(), 0);
  ASSERT_TRUE(a->Append({Ev("1"), Ev("2")}, {}).ok());
  ASSERT_TRUE(b->Append({Ev("3")}, {}).ok());
  EXPECT_EQ(*a->LastSeq(), 3);
  EXPECT_EQ(*b->LastSeq(), 3);
}

// Two writers, each with its own store, append under the lock as fast as they
// can: a key of their own each round, and a key both try. A reader polls
// ForEachAfter(last) all along. Seqs must run 1..N without a gap, and the
// reader must have seen exactly the final log: an event that committed after
// a later seq was visible would be skipped.
TEST_F(PostgresStoreTest, SeqsAreConsecutiveAndCommitInOrderAcrossWriters) {
  constexpr int kRounds = 150;
  std::vector<std::unique_ptr<PostgresStore>> writers;
  writers.push_back(Open());
  writers.push_back(Open());
  auto reader_store = Open();

  std::atomic<bool> writing{true};
  std::vector<StoredEvent> seen;
  Status reader_status;
  std::thread reader([&] {
    int64_t last = 0;
    for (;;) {
      const bool final_pass = !writing.load();
      Status s = reader_store->ForEachAfter(last, [&](const StoredEvent& e) {
        if (e.seq != last + 1) {
          return Status::DataLoss(Cat("read seq ", e.seq, " after ", last));
        }
        last = e.seq;
        seen.push_back(e);
        return Status::Ok();
      });
      if (!s.ok() || final_pass) {
        reader_status = s;
        return;
      }
    }
  });

  std::vector<std::string> errors(2);
  auto write = [&](int w) {
    EventStore& store = *writers[w];
    for (int i = 0; i < kRounds; ++i) {
      const std::string own = Cat("w", w, "-", i);
      const std::string both = Cat("both-", i);
      auto fail = [&](const std::string& what, const Status& s) {
        errors[w] = Cat(what, " in round ", i, ": ", s.message());
        store.EndGroup();
      };
      if (Status s = store.BeginGroup(); !s.ok()) return fail("begin", s);
      Result<KeyMatch> m = store.Match(both, "{}");
      if (!m.ok()) return fail("match", m.status());
      std::vector<StoredEvent> events = {Ev(own)};
      EventCounts deltas = {{{"events", "accepted"}, 1}};
      if (*m == KeyMatch::kAbsent) {
        events.push_back(Ev(both));
        deltas[{"events", "accepted"}] = 2;
      } else {
        deltas[{"events", "duplicate"}] = 1;
      }
      if (Status s = store.Append(events, deltas); !s.ok()) return fail("append", s);
    }
  };
  std::thread w0(write, 0);
  std::thread w1(write, 1);
  w0.join();
  w1.join();
  writing = false;
  reader.join();
  ASSERT_EQ(errors, (std::vector<std::string>{"", ""}));
  ASSERT_TRUE(reader_status.ok()) << reader_status.message();

  auto log = All(*reader_store);
  ASSERT_EQ(log.size(), size_t{3 * kRounds});
  std::set<std::string> keys;
  std::vector<int> next_own(2, 0);
  for (size_t i = 0; i < log.size(); ++i) {
    ASSERT_EQ(log[i].seq, static_cast<int64_t>(i + 1)) << "a gap in the seqs";
    EXPECT_TRUE(keys.insert(log[i].dedup_key).second) << log[i].dedup_key << " is stored twice";
    for (int w = 0; w < 2; ++w) {
      if (log[i].dedup_key.rfind(Cat("w", w, "-"), 0) == 0) {
        EXPECT_EQ(log[i].dedup_key, Cat("w", w, "-", next_own[w]++))
            << "a writer's events are out of its order";
      }
    }
  }
  EXPECT_EQ(next_own, (std::vector<int>{kRounds, kRounds}));
  EXPECT_EQ(Keys(seen), Keys(log)) << "the concurrent reader missed or reordered events";
  EventCounts counts = *reader_store->LoadCounts();
  EXPECT_EQ((counts[{"events", "accepted"}]), uint64_t{3 * kRounds});
  EXPECT_EQ((counts[{"events", "duplicate"}]), uint64_t{kRounds});
}

TEST_F(PostgresStoreTest, AGroupHoldsTheWriteLockUntilItEnds) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a->BeginGroup().ok());
  auto appended = std::async(std::launch::async, [&] { return b->Append({Ev("from-b")}, {}); });
  // b waits for the lock a holds (seen from the server).
  bool waiting = false;
  for (auto until = std::chrono::steady_clock::now() + 10s;
       !waiting && std::chrono::steady_clock::now() < until;) {
    waiting = Sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory' AND datname = '" +
                  db_ + "'") == "1";
    if (!waiting) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(waiting) << "the second replica's append did not wait for the group's lock";
  EXPECT_EQ(*a->Match("from-b", "{}"), KeyMatch::kAbsent);
  a->EndGroup();
  ASSERT_EQ(appended.wait_for(10s), std::future_status::ready) << "EndGroup did not release the lock";
  ASSERT_TRUE(appended.get().ok());

  // Append commits the group and releases the lock too.
  ASSERT_TRUE(a->BeginGroup().ok());
  ASSERT_TRUE(a->Append({Ev("from-a")}, {}).ok());
  auto next = std::async(std::launch::async, [&] { return b->Append({Ev("from-b-2")}, {}); });
  ASSERT_EQ(next.wait_for(10s), std::future_status::ready) << "Append did not release the lock";
  ASSERT_TRUE(next.get().ok());
  EXPECT_EQ(Keys(All(*a)), (std::vector<std::string>{"from-b", "from-a", "from-b-2"}));
  a->EndGroup();  // no group open: a no-op
  EXPECT_EQ(*a->LastSeq(), 3);
}

// --- Snapshots ---

TEST_F(PostgresStoreTest, SnapshotsArePerKeyAndAnOlderSeqNeverReplacesANewer) {
  auto a = Open();
  auto b = Open();
  EXPECT_FALSE(a->LoadSnapshot()->has_value());
  EXPECT_FALSE(a->LoadSnapshotFor("k1")->has_value());
  const std::string binary("\0\x01\xff snapshot\0bytes", 19);
  ASSERT_TRUE(a->SaveSnapshot(5, "k1", binary).ok());
  ASSERT_TRUE(b->SaveSnapshot(3, "k1", "older").ok());
  ASSERT_TRUE(b->SaveSnapshot(4, "k2", "other config").ok());

  auto k1 = b->LoadSnapshotFor("k1");
  ASSERT_TRUE(k1.ok()) << k1.status().message();
  ASSERT_TRUE(k1->has_value());
  EXPECT_EQ((*k1)->seq, 5) << "an older snapshot replaced a newer one";
  EXPECT_EQ((*k1)->key, "k1");
  EXPECT_EQ((*k1)->data, binary);
  auto k2 = a->LoadSnapshotFor("k2");
  ASSERT_TRUE(k2->has_value());
  EXPECT_EQ((*k2)->seq, 4);
  EXPECT_EQ((*k2)->data, "other config");
  EXPECT_FALSE(a->LoadSnapshotFor("k3")->has_value());

  ASSERT_TRUE(b->SaveSnapshot(9, "k1", "newer").ok());
  EXPECT_EQ((*a->LoadSnapshotFor("k1"))->data, "newer");
  auto any = a->LoadSnapshot();
  ASSERT_TRUE(any->has_value());
  EXPECT_EQ((*any)->seq, 9) << "LoadSnapshot: the latest of any key";
  EXPECT_EQ((*any)->key, "k1");
}

// --- Failures ---

TEST_F(PostgresStoreTest, HealthIsUnavailableWhileTheServerIsDownAndOkAgainWithoutANewStore) {
  auto store = Open(dsn_ + " password=secret");
  EXPECT_EQ(store->redacted_dsn().find("secret"), std::string::npos) << store->redacted_dsn();
  EXPECT_NE(store->redacted_dsn().find("password=***"), std::string::npos) << store->redacted_dsn();
  ASSERT_TRUE(store->Append({Ev("before")}, {}).ok());
  EXPECT_TRUE(store->Health().ok());

  pg_->Stop();
  Result<int64_t> last = store->LastSeq();
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(last.status().message().find("secret"), std::string::npos) << last.status().message();
  Status health = store->Health();
  EXPECT_EQ(health.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(health.message().empty());
  EXPECT_EQ(health.message().find("secret"), std::string::npos) << health.message();
  // Every call fails the same way, and keeps failing while the server is down.
  EXPECT_EQ(store->Append({Ev("during")}, {}).code(), StatusCode::kUnavailable);
  EXPECT_EQ(store->BeginGroup().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store->Match("before", "{}").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store->LoadCounts().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store->ForEach([](const StoredEvent&) { return Status::Ok(); }).code(), StatusCode::kUnavailable);
  EXPECT_EQ(store->Health().code(), StatusCode::kUnavailable);

  pg_->Start();
  last = store->LastSeq();
  ASSERT_TRUE(last.ok()) << "no reconnect: " << last.status().message();
  EXPECT_EQ(*last, 1);
  EXPECT_TRUE(store->Health().ok()) << store->Health().message();
  ASSERT_TRUE(store->Append({Ev("after")}, {}).ok());
  EXPECT_EQ(Keys(All(*store)), (std::vector<std::string>{"before", "after"}));
}

// A replica that was idle while the server restarted (its connection died
// unseen) answers its next call: nothing of a call had run when the dead
// connection is found, so it is reopened and the call goes through.
TEST_F(PostgresStoreTest, AnIdleStoreAnswersItsFirstCallAfterTheServerRestarts) {
  auto store = Open();
  ASSERT_TRUE(store->Append({Ev("before")}, {}).ok());
  pg_->Stop();
  pg_->Start();
  Status begun = store->BeginGroup();
  EXPECT_TRUE(begun.ok()) << begun.message();
  EXPECT_TRUE(store->Append({Ev("after")}, {}).ok());
  pg_->Stop();
  pg_->Start();
  Result<int64_t> last = store->LastSeq();
  EXPECT_TRUE(last.ok()) << last.status().message();
  EXPECT_TRUE(store->Health().ok()) << store->Health().message();
}

TEST_F(PostgresStoreTest, AGroupCutOffByAServerCrashStoresNothingAndTheStoreRecovers) {
  auto store = Open();
  ASSERT_TRUE(store->Append({Ev("committed")}, {{{"events", "accepted"}, 1}}).ok());
  ASSERT_TRUE(store->BeginGroup().ok());
  ASSERT_EQ(*store->Match("cut-off", "{}"), KeyMatch::kAbsent);
  pg_->Kill();
  pg_->Start();
  EXPECT_EQ(store->Append({Ev("cut-off")}, {{{"events", "accepted"}, 1}}).code(), StatusCode::kUnavailable)
      << "the group's transaction died with its connection";
  EXPECT_EQ(store->Health().code(), StatusCode::kUnavailable);

  ASSERT_TRUE(store->BeginGroup().ok()) << store->Health().message();
  EXPECT_EQ(*store->Match("cut-off", "{}"), KeyMatch::kAbsent);
  ASSERT_TRUE(store->Append({Ev("cut-off")}, {{{"events", "accepted"}, 1}}).ok());
  EXPECT_TRUE(store->Health().ok());
  auto log = All(*Open());
  EXPECT_EQ(Keys(log), (std::vector<std::string>{"committed", "cut-off"}));
  EXPECT_EQ(log.back().seq, 2);
  EXPECT_EQ((store->LoadCounts()->at({"events", "accepted"})), 2u);
}

TEST_F(PostgresStoreTest, OpenWhileTheServerIsDownIsUnavailableAndShowsNoPassword) {
  pg_->Stop();
  for (const std::string& dsn : {dsn_ + " password=secret", "postgresql://postgres:secret@/" + db_ +
                                                                "?host=" + pg_->dir() + "&port=5432"}) {
    auto store = PostgresStore::Open(dsn);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().message();
    EXPECT_EQ(store.status().message().find("secret"), std::string::npos) << store.status().message();
  }
  pg_->Start();
  auto bad = PostgresStore::Open("password=secret no_such_option=1 host=" + pg_->dir());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find("secret"), std::string::npos) << bad.status().message();
}

TEST_F(PostgresStoreTest, RedactDsnHidesThePasswordOfEveryForm) {
  EXPECT_EQ(RedactDsn("host=db user=d password=secret dbname=x"), "host=db user=d password=*** dbname=x");
  EXPECT_EQ(RedactDsn("host=db password = 'se cret\\' x' dbname=x").find("se cret"), std::string::npos);
  EXPECT_EQ(RedactDsn("host=db PASSWORD=secret"), "host=db PASSWORD=***");
  EXPECT_EQ(RedactDsn("postgresql://d:secret@db:5432/x"), "postgresql://d:***@db:5432/x");
  EXPECT_EQ(RedactDsn("postgres://d:secret@db/x?sslmode=require"), "postgres://d:***@db/x?sslmode=require");
  EXPECT_EQ(RedactDsn("host=db user=d dbname=x"), "host=db user=d dbname=x");
  EXPECT_EQ(RedactDsn("postgresql://d@db/x"), "postgresql://d@db/x");
  auto store = Open("postgresql://postgres:secret@/" + db_ + "?host=" + pg_->dir() + "&port=5432");
  EXPECT_EQ(store->redacted_dsn().find("secret"), std::string::npos) << store->redacted_dsn();
}

// --- Following the others ---

TEST_F(PostgresStoreTest, WatchCallsBackAfterAnotherReplicaAppends) {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  auto watcher = Open();
  auto writer = Open();
  watcher->Watch([&] {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    cv.notify_all();
  });
  ASSERT_TRUE(writer->Append({Ev("one")}, {}).ok());
  ASSERT_TRUE(WaitFor(mu, cv, [&] { return calls >= 1; })) << "no call back within 10 s";
  int before = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    before = calls;
  }
  // A call back that follows one already made can only come from a commit.
  ASSERT_TRUE(writer->Append({Ev("two")}, {}).ok());
  EXPECT_TRUE(WaitFor(mu, cv, [&] { return calls > before; }))
      << "no call back for the second append within 10 s";
}

}  // namespace
}  // namespace debriefd
