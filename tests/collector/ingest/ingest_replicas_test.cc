// Several IngestService replicas on one PostgreSQL database (a private server,
// tests/support/temp_postgres.h): whichever replica a notification reaches,
// each one that has caught up shows the incidents and the metrics of one
// debriefd that received everything, and a replica started later (or after
// another was lost) shows the same. Skipped when PostgreSQL 15 is not installed.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "collector/ingest/ingest_service.h"
#include "collector/replay.h"
#include "collector/store/postgres_store.h"
#include "collector/store/sqlite_store.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "tests/support/request_bodies.h"
#include "tests/support/temp_postgres.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
using namespace std::chrono_literals;

// One request as a webhook receives it.
struct Delivery {
  std::string source;
  Time received_at;
  std::string body;
};

// Real Alertmanager bodies, in the order they were received: a flapping
// alert, the 0.25 firing/resolved pair, the re-fire sequence; and native
// events beside them.
std::vector<Delivery> Deliveries() {
  std::vector<Delivery> out;
  auto history = [&](const std::string& file) {
    std::ifstream in(SourcePath("tests/fixtures/history/rules/" + file));
    std::string line;
    while (std::getline(in, line)) {
      auto rl = ParseReplayLine(line);
      if (!rl.ok()) throw std::runtime_error(file + ": " + rl.status().message());
      out.push_back({rl->source, rl->received_at, rl->body});
    }
  };
  history("flapping.jsonl");
  out.push_back({"events", T("2026-10-01T10:30:00Z"), Declared("INC-1", "2026-10-01T10:29:00Z")});
  out.push_back({"events", T("2026-10-01T10:31:00Z"), Acknowledged("INC-1", "2026-10-01T10:31:00Z")});
  out.push_back({"events", T("2026-10-01T11:10:00Z"),
                 R"({"type":"incident.resolved","incident_id":"INC-1","time":"2026-10-01T11:09:00Z"})"});
  out.push_back({"alertmanager", T("2026-11-21T20:35:24Z"),
                 ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json"))});
  out.push_back({"alertmanager", T("2026-11-21T20:35:30Z"),
                 ReadFile(SourcePath("tests/fixtures/alertmanager/resolved-0.25.json"))});
  history("refire.jsonl");
  return out;
}
const Time kEnd = T("2026-12-03T12:00:00Z");

Policy TestPolicy() {
  Policy policy;
  policy.late_copy_within = std::chrono::seconds(1);  // the re-fire sequence's group interval is 2 s
  return policy;
}

// An IngestService on a store of its own (for replicas: its own connection).
struct Instance {
  Instance(std::unique_ptr<EventStore> s, const Clock& clock, const Policy& policy) : store(std::move(s)) {
    ingest = std::make_unique<IngestService>(*store, policy, clock);
    auto loaded = ingest->Load();
    if (!loaded.ok()) throw std::runtime_error("load: " + loaded.status().message());
  }

  IngestOutcome Send(const Delivery& d) {
    return ingest->SubmitAndWait(d.source, Parse(d.source, d.body, d.received_at));
  }
  // Every incident in detail and the exposition: what a reader sees.
  std::string State() {
    EventCounts counts = ingest->event_counts();
    const uint64_t unreadable = ingest->unreadable_events();
    return ingest->Read([&](const IncidentTracker& t, Time now) {
      std::string out;
      for (const Incident& inc : t.incidents()) out += IncidentJson(t, inc, now, true) + "\n";
      return out +
             RenderMetrics(t, now, counts, ProcessInfo{"test", 0, {"alertmanager", "events"}, unreadable});
    });
  }
  int64_t applied_seq() const { return ingest->follow_figures().applied_seq; }

  std::unique_ptr<EventStore> store;  // declared first: outlives the service
  std::unique_ptr<IngestService> ingest;
};

bool Contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

class IngestReplicasTest : public PostgresDatabaseTest {
 protected:
  // `name`: its connections' application_name, to find them on the server.
  std::unique_ptr<Instance> Replica(const std::string& name = "debriefd") {
    auto store = PostgresStore::Open(dsn_ + " application_name=" + name);
    if (!store.ok()) throw std::runtime_error("open: " + store.status().message());
    return std::make_unique<Instance>(std::move(store.value()), clock, TestPolicy());
  }
  // One debriefd on SQLite that receives every delivery: what the replicas must show.
  std::unique_ptr<Instance> Single() {
    auto store = SqliteStore::Open(dir.File("single.db"));
    if (!store.ok()) throw std::runtime_error("open: " + store.status().message());
    return std::make_unique<Instance>(std::move(store.value()), clock, TestPolicy());
  }
  int64_t LastSeq() {
    auto store = PostgresStore::Open(dsn_);
    if (!store.ok()) throw std::runtime_error("open: " + store.status().message());
    return *(*store)->LastSeq();
  }
  // Writes what each replica still holds back (its pending counts), then has
  // each apply what the others stored.
  static void Settle(const std::vector<Instance*>& replicas) {
    for (Instance* r : replicas) r->ingest->Stop();
    for (Instance* r : replicas) {
      Status s = r->ingest->CatchUp();
      EXPECT_TRUE(s.ok()) << s.message();
    }
  }

  TempDir dir;
  FakeClock clock{T("2026-10-01T09:00:00Z")};
};

// Each notification reaches one replica first and another right after (as
// from an Alertmanager pair); which one is first rotates. A third replica
// takes part until it crashes (its connections cut, then dropped without a
// word to the database); a fourth starts at the end.
TEST_F(IngestReplicasTest, AlternateDeliveriesGiveEveryReplicaTheStateOfOneDebriefd) {
  auto single = Single();
  auto a = Replica();
  auto b = Replica();
  auto c = Replica("replica-c");
  const std::vector<Delivery> deliveries = Deliveries();
  std::vector<Instance*> live = {a.get(), b.get(), c.get()};
  size_t events = 0;
  for (size_t i = 0; i < deliveries.size(); ++i) {
    const Delivery& d = deliveries[i];
    clock.Set(d.received_at);
    Instance* first = live[i % live.size()];
    Instance* second = live[(i + 1) % live.size()];

    IngestOutcome want = single->Send(d);
    ASSERT_TRUE(want.status.ok()) << want.status.message();
    IngestOutcome got = first->Send(d);
    ASSERT_TRUE(got.status.ok()) << "delivery " << i << ": " << got.status.message();
    EXPECT_EQ(got.accepted, want.accepted) << "delivery " << i;
    EXPECT_EQ(got.incident_ids, want.incident_ids)
        << "delivery " << i << ": the replica did not see the log first";
    events += got.accepted;

    IngestOutcome copy = second->Send(d);
    ASSERT_TRUE(copy.status.ok()) << copy.status.message();
    EXPECT_EQ(copy.accepted, 0u) << "delivery " << i << " was stored twice";
    EXPECT_EQ(copy.duplicates, got.accepted + got.duplicates);
    EXPECT_EQ(single->Send(d).duplicates, copy.duplicates);

    if (i == 2) {  // c crashes, with nothing acknowledged left unwritten
      EXPECT_NE(pg_->Sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE application_name = 'replica-c'",
                         db_),
                "0");
      live.pop_back();
      c.reset();
    }
  }
  ASSERT_GT(events, 8u);
  clock.Set(kEnd);
  Settle({a.get(), b.get()});
  EXPECT_EQ(LastSeq(), static_cast<int64_t>(events)) << "each event stored once";

  const std::string want = single->State();
  EXPECT_EQ(single->ingest->Read([](const IncidentTracker& t, Time) { return t.incidents().size(); }), 4u)
      << "the flapping alert, INC-1, the 0.25 alert and the re-fired one";
  EXPECT_TRUE(Contains(want, R"("reopen_count":2)")) << want;
  EXPECT_TRUE(Contains(want, R"(debriefd_events_total{source="alertmanager",result="duplicate"} )")) << want;
  EXPECT_EQ(a->State(), want);
  EXPECT_EQ(b->State(), want);
  EXPECT_EQ(a->applied_seq(), LastSeq());
  EXPECT_EQ(b->applied_seq(), LastSeq());

  auto late = Replica();
  EXPECT_EQ(late->State(), want) << "a replica started later";
  EXPECT_EQ(late->applied_seq(), LastSeq());
  EXPECT_TRUE(late->ingest->load_figures().from_snapshot) << "the snapshot a stopping replica saved is shared";
}

// B's group takes the lock and applies A's events before its own: B resolves
// the incident A opened, without being told to catch up.
TEST_F(IngestReplicasTest, AGroupFirstAppliesWhatTheOtherReplicasStored) {
  auto a = Replica();
  auto b = Replica();
  clock.Set(T("2026-11-21T20:35:24Z"));
  IngestOutcome fired = a->Send(
      {"alertmanager", clock.Now(), ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json"))});
  ASSERT_TRUE(fired.status.ok()) << fired.status.message();
  ASSERT_EQ(fired.incident_ids, std::vector<std::string>{"inc-000001"});

  clock.Set(T("2026-11-21T20:35:30Z"));
  IngestOutcome resolved = b->Send(
      {"alertmanager", clock.Now(), ReadFile(SourcePath("tests/fixtures/alertmanager/resolved-0.25.json"))});
  ASSERT_TRUE(resolved.status.ok()) << resolved.status.message();
  EXPECT_EQ(resolved.incident_ids, std::vector<std::string>{"inc-000001"});
  auto states = [](Instance& r) {
    return r.ingest->Read([](const IncidentTracker& t, Time) {
      std::vector<bool> resolved;
      for (const Incident& inc : t.incidents()) resolved.push_back(inc.resolved_at.has_value());
      return resolved;
    });
  };
  EXPECT_EQ(states(*b), std::vector<bool>{true});
  ASSERT_TRUE(a->ingest->CatchUp().ok());
  EXPECT_EQ(states(*a), std::vector<bool>{true});
  EXPECT_EQ(a->applied_seq(), 2);
  EXPECT_EQ(b->applied_seq(), 2);

  // Native events: one that refers to an incident another replica declared.
  ASSERT_TRUE(a->Send({"events", clock.Now(), Declared("INC-7", "2026-11-21T20:35:00Z")}).status.ok());
  IngestOutcome ack = b->Send({"events", clock.Now(), Acknowledged("INC-7", "2026-11-21T20:36:00Z")});
  EXPECT_TRUE(ack.status.ok()) << ack.status.message();
}

TEST_F(IngestReplicasTest, AnIdReusedWithOtherContentOnAnotherReplicaIsAConflict) {
  auto a = Replica();
  auto b = Replica();
  ASSERT_TRUE(
      a->Send({"events", clock.Now(), Declared("INC-1", "2026-10-01T08:58:00Z", "Cart errors")}).status.ok());
  IngestOutcome other =
      b->Send({"events", clock.Now(), Declared("INC-1", "2026-10-01T08:58:00Z", "Another title")});
  EXPECT_EQ(other.status.code(), StatusCode::kConflict) << other.status.message();
  IngestOutcome same =
      b->Send({"events", clock.Now(), Declared("INC-1", "2026-10-01T08:58:00Z", "Cart errors")});
  ASSERT_TRUE(same.status.ok()) << same.status.message();
  EXPECT_EQ(same.accepted, 0u);
  EXPECT_EQ(same.duplicates, 1u);
  EXPECT_EQ(LastSeq(), 1);
}

// Both replicas run their writer threads and take requests at once: the same
// notifications reach both, and each also gets some of its own. Each follows
// the other by itself (notification or poll), and all agree on one history.
TEST_F(IngestReplicasTest, ConcurrentDeliveriesToRunningReplicasGiveOneHistory) {
  constexpr int kShared = 30, kOwn = 20;
  auto a = Replica();
  auto b = Replica();
  a->ingest->Start();
  b->ingest->Start();
  std::vector<std::string> errors(2);
  auto send = [&](int w) {
    Instance& r = w == 0 ? *a : *b;
    for (int i = 0; i < kShared + kOwn; ++i) {
      const std::string id = i < kShared ? Cat("S-", i) : Cat("W", w, "-", i);
      IngestOutcome o = r.Send({"events", clock.Now(), Declared(id, "2026-10-01T08:00:00Z")});
      if (!o.status.ok() || o.accepted + o.duplicates != 1) {
        errors[w] = id + ": " + o.status.message();
        return;
      }
    }
  };
  std::thread ta(send, 0), tb(send, 1);
  ta.join();
  tb.join();
  ASSERT_EQ(errors, (std::vector<std::string>{"", ""}));

  const int64_t head = LastSeq();
  EXPECT_EQ(head, kShared + 2 * kOwn) << "a notification delivered to both was stored twice (or lost)";
  // Each follows the other without being asked (within 10 s).
  for (auto until = std::chrono::steady_clock::now() + 10s;
       (a->applied_seq() != head || b->applied_seq() != head) && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(a->applied_seq(), head);
  EXPECT_EQ(b->applied_seq(), head);
  EXPECT_EQ(a->ingest->Read([](const IncidentTracker& t, Time) { return t.incidents().size(); }),
            size_t(head));

  Settle({a.get(), b.get()});
  const std::string state = a->State();
  EXPECT_TRUE(Contains(state, R"(debriefd_events_total{source="events",result="accepted"} 70)")) << state;
  EXPECT_TRUE(Contains(state, R"(debriefd_events_total{source="events",result="duplicate"} 30)")) << state;
  EXPECT_EQ(b->State(), state);
  EXPECT_EQ(Replica()->State(), state) << "a replica started later";
}

// debriefd_replication_delay_seconds: from the acceptance of an event by
// another replica (its received time) to its application here.
TEST_F(IngestReplicasTest, ReplicationDelayRunsFromAcceptanceElsewhereToApplicationHere) {
  auto a = Replica();
  auto b = Replica();
  clock.Set(T("2026-10-01T10:00:00Z"));
  ASSERT_TRUE(a->Send({"events", clock.Now(), Declared("INC-1", "2026-10-01T09:58:00Z")}).status.ok());
  clock.Advance(std::chrono::seconds(3));
  ASSERT_TRUE(b->ingest->CatchUp().ok());
  IngestService::FollowFigures fb = b->ingest->follow_figures();
  EXPECT_EQ(fb.delay.count, 1u);
  EXPECT_DOUBLE_EQ(fb.delay.sum, 3.0);
  EXPECT_EQ(fb.applied_seq, 1);

  // b's own event is no replication; a applies it in its next group, 2 s on.
  ASSERT_TRUE(b->Send({"events", clock.Now(), Declared("INC-2", "2026-10-01T09:59:00Z")}).status.ok());
  EXPECT_EQ(b->ingest->follow_figures().delay.count, 1u);
  clock.Advance(std::chrono::seconds(2));
  ASSERT_TRUE(a->Send({"events", clock.Now(), Declared("INC-3", "2026-10-01T10:00:00Z")}).status.ok());
  IngestService::FollowFigures fa = a->ingest->follow_figures();
  EXPECT_EQ(fa.delay.count, 1u);
  EXPECT_DOUBLE_EQ(fa.delay.sum, 2.0);
  EXPECT_EQ(fa.applied_seq, 3);

  // A replica that starts reads the history: no replication delay.
  clock.Advance(std::chrono::hours(1));
  EXPECT_EQ(Replica()->ingest->follow_figures().delay.count, 0u);
}

// While PostgreSQL is down a replica answers Unavailable and keeps serving
// the last state; when it is back, the same objects carry on.
TEST_F(IngestReplicasTest, WhilePostgresIsDownIngestIsUnavailableAndReadsServeTheLastState) {
  auto a = Replica();
  auto b = Replica();
  clock.Set(T("2026-11-21T20:35:24Z"));
  const Delivery fired{"alertmanager", clock.Now(),
                       ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json"))};
  const Delivery resolved{"alertmanager", T("2026-11-21T20:35:30Z"),
                          ReadFile(SourcePath("tests/fixtures/alertmanager/resolved-0.25.json"))};
  ASSERT_TRUE(a->Send(fired).status.ok());
  clock.Set(resolved.received_at);
  const std::string before = a->State();

  pg_->Stop();
  for (Instance* r : {a.get(), b.get()}) {
    IngestOutcome down = r->Send(resolved);
    EXPECT_EQ(down.status.code(), StatusCode::kUnavailable) << down.status.message();
    EXPECT_EQ(down.accepted, 0u);
    EXPECT_FALSE(r->ingest->follow_figures().store_available);
    EXPECT_TRUE(r->ingest->state_whole());
  }
  EXPECT_EQ(a->State(), before) << "reads go on with the last state";

  // The same objects carry on: the sender's retry reaches b first, then a.
  pg_->Start();
  IngestOutcome up = b->Send(resolved);
  ASSERT_TRUE(up.status.ok()) << up.status.message();
  EXPECT_EQ(up.accepted, 1u);
  IngestOutcome retry = a->Send(resolved);
  ASSERT_TRUE(retry.status.ok()) << retry.status.message();
  EXPECT_EQ(retry.duplicates, 1u);
  EXPECT_TRUE(a->ingest->follow_figures().store_available);
  EXPECT_TRUE(b->ingest->follow_figures().store_available);
  Settle({a.get(), b.get()});
  EXPECT_EQ(a->State(), b->State());
  EXPECT_EQ(a->applied_seq(), 2);
}

// A replica's store that PostgreSQL leaves at the next commit, as in a server
// shutdown: that Append and every call after it fail, until `back`.
class CutAtCommitStore final : public EventStore {
 public:
  explicit CutAtCommitStore(std::unique_ptr<PostgresStore> real) : real_(std::move(real)) {}
  std::atomic<bool> cut_at_commit{false};
  std::atomic<bool> gone{false};

  Result<bool> Contains(std::string_view key) override { return gone ? Gone() : real_->Contains(key); }
  Result<KeyMatch> Match(std::string_view key, std::string_view raw) override {
    return gone ? Result<KeyMatch>(Gone()) : real_->Match(key, raw);
  }
  Status Append(const std::vector<StoredEvent>& events, const EventCounts& deltas) override {
    if (cut_at_commit.exchange(false)) gone = true;
    if (gone) {
      real_->EndGroup();
      return Gone();
    }
    return real_->Append(events, deltas);
  }
  Status ForEach(const std::function<Status(const StoredEvent&)>& fn) override {
    return gone ? Gone() : real_->ForEach(fn);
  }
  Status ForEachAfter(int64_t seq, const std::function<Status(const StoredEvent&)>& fn) override {
    return gone ? Gone() : real_->ForEachAfter(seq, fn);
  }
  Result<EventCounts> LoadCounts() override { return gone ? Result<EventCounts>(Gone()) : real_->LoadCounts(); }
  Result<std::optional<StoredSnapshot>> LoadSnapshotFor(std::string_view key) override {
    return gone ? Result<std::optional<StoredSnapshot>>(Gone()) : real_->LoadSnapshotFor(key);
  }
  Status SaveSnapshot(int64_t seq, std::string_view key, std::string_view data) override {
    return gone ? Gone() : real_->SaveSnapshot(seq, key, data);
  }
  bool shared() const override { return true; }
  Status BeginGroup() override { return gone ? Gone() : real_->BeginGroup(); }
  void EndGroup() override { real_->EndGroup(); }
  Status Health() const override { return gone ? Gone() : real_->Health(); }

 private:
  static Status Gone() { return Status::Unavailable("postgres: connection lost (test)").WithSource("store"); }
  std::unique_ptr<PostgresStore> real_;
};

// PostgreSQL goes away at the commit of a group whose first request was
// applied before it: the state may hold what was never stored and cannot be
// re-read, so it is not whole (reads answer 503) until the database is back;
// then it is exactly the state before the group.
TEST_F(IngestReplicasTest, ACommitCutAfterRequestsWereAppliedIsUndoneWhenTheDatabaseIsBack) {
  auto opened = PostgresStore::Open(dsn_);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  auto* store = new CutAtCommitStore(std::move(opened.value()));
  Instance a(std::unique_ptr<EventStore>(store), clock, TestPolicy());
  ASSERT_TRUE(a.Send({"events", clock.Now(), Declared("INC-1", "2026-10-01T08:58:00Z", "Cart errors")}).status.ok());
  const std::string before = a.State();

  std::vector<std::pair<std::string, std::vector<ParsedEvent>>> group;
  for (const char* id : {"INC-2", "INC-3"}) {
    group.emplace_back("events", Parse("events", Declared(id, "2026-10-01T09:00:00Z", "Slow search"), clock.Now()));
  }
  store->cut_at_commit = true;
  for (const IngestOutcome& o : a.ingest->ProcessNow(std::move(group))) {
    EXPECT_EQ(o.status.code(), StatusCode::kUnavailable) << o.status.message();
  }
  EXPECT_FALSE(a.ingest->state_whole());
  EXPECT_FALSE(a.ingest->ready());
  EXPECT_FALSE(a.ingest->CatchUp().ok()) << "the database is still away";
  EXPECT_FALSE(a.ingest->state_whole());

  store->gone = false;
  Status back = a.ingest->CatchUp();
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_TRUE(a.ingest->state_whole());
  EXPECT_EQ(a.State(), before);
  EXPECT_EQ(LastSeq(), 1);
}

}  // namespace
}  // namespace debriefd
