#pragma once
// IngestService owns the incident state and the path of every event into it.
//
// Writes: parsed requests are queued to one writer thread, which takes
// everything queued as one group and, holding the state lock, runs its steps:
//
//   1. dedup   drop events already stored, or accepted earlier in the group;
//              a sender-chosen key (a native event's `id`) stored with
//              different content rejects the request as Conflict (409);
//   2. check   check the request against the tracker (all or nothing);
//   3. apply   apply it, so later requests may refer to it (the group's last
//              request with new events waits until step 4 has succeeded: no
//              later request needs it, and a lone request whose commit fails
//              then leaves nothing to undo);
//   4. commit  check that the store file is still the one opened (CheckFile),
//              append the group's events and counter deltas to the store in
//              ONE synced transaction, and check the file again;
//   5. publish apply the held request; count the group; release the lock;
//              log each incident the group opened, reopened or resolved
//              (info: id, service, severity, source); answer each request.
//
// Readers never see an event that is not on disk: they wait for the state
// lock while a group runs. If the commit fails, every request of the group
// gets Unavailable (HTTP 503 with Retry-After); requests applied before the
// commit are undone by re-reading the state from the store (a lone request
// was never applied, so it costs nothing). Rejections wait for the next
// successful commit, so no counter ever goes down, live or across a restart.
//
// Counts without events: a group that stores nothing (only duplicates or
// rejections) does not commit. Its counts are visible at once and written
// with the next commit, or within a second by a commit of their own, and at
// Stop. So a pure duplicate costs no sync, and debriefd_events_total goes on
// from where it was after a restart; a crash (kill -9, power loss) can lose
// the duplicate and rejected counts of its last second, never an event.
//
// The store file: it is checked (EventStore::CheckFile, a stat) before and
// after each commit, on each ready()/store_status() call, and every 10 s
// while the writer is idle. When it is deleted or replaced, every group from
// then on fails with that Status (503 naming the file), ready() turns false
// and store_status() says why; it is logged once, as an error. Only a
// restart recovers (the open file is not the one a restart would read).
//
// Time: a live request's events are stamped (received_at) when the writer
// applies them, with max(clock now, tracker now), under the state lock. Reads
// advance the tracker to the clock's now under the same lock. So the
// tracker's clock, the order of events and the times they carry always agree,
// and a restart, which applies the stored events at their stamps, rebuilds
// exactly the state that was live. Replay keeps each line's received_at.
//
// Reads: Read() runs a function under the state lock after advancing the
// tracker to the clock's now. Thread-safe.
//
// Replicas (a store shared by several processes, EventStore::shared()): each
// group opens with BeginGroup, which takes the log's write lock, and first
// applies the events other replicas stored since this one last looked
// (catch-up), so that dedup, check and apply see the whole log, and the
// group's events get the seqs right after it. Between groups the writer
// follows the log: on the store's notification (Watch), and every second at
// the latest, it applies what others stored (CatchUp) and re-reads the
// counts, which the replicas share. If the store cannot be reached, groups
// answer 503 and the state stays as it is (reads go on); if it is lost in the
// middle of a group that had applied requests before its commit, the state
// holds what may not be stored, so reads answer 503 too (state_whole()
// false) until the writer has re-read it from the store, which it retries
// every second.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "domain/counters.h"
#include "domain/event_store.h"
#include "domain/tracker.h"
#include "collector/sources/source.h"

namespace debriefd {

// When the writer saves a snapshot, once enough events wait for one and
// `interval` has passed since the last: at a quiet moment (no group, nor a
// replica's catch-up of the others' events, for kQuietForSnapshot), or, under
// constant load, an hour after the last snapshot or the start (Load): a save
// costs the writer a fork (or, for a store that cannot write a snapshot apart,
// the whole save under the state lock), so not early in a busy process's life.
inline constexpr std::chrono::seconds kQuietForSnapshot{1};
inline constexpr std::chrono::seconds kSnapshotTimeout{600};
bool SnapshotMomentDue(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point last_group,
                       std::chrono::steady_clock::time_point last_snapshot,
                       std::chrono::steady_clock::time_point loaded_at, std::chrono::seconds interval);
// The first moment at which SnapshotMomentDue is true, if no group runs
// before it: how long an idle writer that wants a snapshot may sleep.
std::chrono::steady_clock::time_point NextSnapshotMoment(std::chrono::steady_clock::time_point last_group,
                                                         std::chrono::steady_clock::time_point last_snapshot,
                                                         std::chrono::steady_clock::time_point loaded_at,
                                                         std::chrono::seconds interval);

struct IngestOutcome {
  Status status;            // OK, or why nothing of the request was stored
  size_t accepted = 0;      // events newly stored
  size_t duplicates = 0;    // events already stored (ignored)
  std::vector<std::string> incident_ids;  // per event; empty where none
};

struct IngestLimits {
  // A group larger than this is split: it bounds the time one commit holds the
  // state lock and the memory of one transaction.
  size_t max_group_events = 20000;
  // Beyond this many queued events new requests get Unavailable (503 with
  // Retry-After) instead of growing memory while the disk falls behind.
  size_t max_queued_events = 500000;
};

class IngestService {
 public:
  using Done = std::function<void(IngestOutcome)>;

  IngestService(EventStore& store, Policy policy, const Clock& clock, IngestLimits limits = {});
  ~IngestService();
  IngestService(const IngestService&) = delete;
  IngestService& operator=(const IngestService&) = delete;

  // Rebuilds the tracker and counters from the store. Call once, before Start.
  // Returns the number of stored events that could not be re-read (each is
  // logged as data loss, and counted in unreadable_events()).
  // `alongside`, when given (the store file's integrity check), runs on a
  // thread of its own meanwhile: a start takes the longer of the two, not
  // their sum. The state is taken (loaded() true) only when both succeeded;
  // the check's error comes first, as a damaged file explains a failed read.
  Result<size_t> Load(std::function<Status()> alongside = nullptr);

  // Starts and stops the writer thread. Stop completes what is queued and
  // writes every count not yet on disk.
  void Start();
  void Stop();

  // Queues a parsed request; `done` runs on the writer thread when it is
  // durable (or rejected); what is queued before Start() waits for it. When
  // more than max_queued_events would be waiting, `done` runs at once with
  // Unavailable (HTTP 503, Retry-After).
  void Submit(std::string source, std::vector<ParsedEvent> events, Done done);
  // Submit and wait; works with or without the writer thread (replay uses it
  // without one).
  IngestOutcome SubmitAndWait(std::string source, std::vector<ParsedEvent> events);
  // Processes several requests as one group on the calling thread, without the
  // writer thread (replay uses it to import in large, few commits). Groups
  // never run concurrently: this waits for the writer's current group.
  std::vector<IngestOutcome> ProcessNow(std::vector<std::pair<std::string, std::vector<ParsedEvent>>> requests);
  // Counts a request that was rejected before it reached the queue; the writer
  // commits the count promptly (and Stop at the latest).
  void CountRejected(const std::string& source) { CountResult(source, "rejected"); }
  // The same for any result decided before the queue ("ignored", "unauthorized").
  void CountResult(const std::string& source, const std::string& result);

  // The sources' settings, for re-reading stored events. Set before Load.
  void UseSourceSettings(SourceSettingsMap settings) { sources_ = std::move(settings); }
  // `for:` delays learned from Prometheus, for alerts applied from now on
  // (and for every alert of a rebuild). Waits for a running group.
  void SetLearnedPending(std::map<std::string, Duration> pending);
  // Replaces the policy and the sources' settings (config reload): rebuilds
  // the state from the store with them, then swaps it in at once, between
  // two groups. On error (the store cannot be read) the running state, policy
  // and settings stay, and the error is returned. Counters are kept (they do
  // not depend on the policy). Call after Load; thread-safe, but not
  // concurrently with source_settings() users (replay).
  Status Reconfigure(Policy policy, SourceSettingsMap sources);
  const SourceSettingsMap& source_settings() const { return sources_; }

  // Runs fn(tracker, now) under the state lock, after Advance(now).
  template <typename F>
  auto Read(F&& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    Time now = clock_.Now();
    tracker_->Advance(now);
    NoteSeals();
    return fn(static_cast<const IncidentTracker&>(*tracker_), now);
  }

  // Like Read, for a reader that takes the lock several times (a walk over
  // every incident in steps, GaugeWalk): fn(tracker, now, generation), where
  // `generation` changes whenever the state is replaced (a reload, a re-read
  // after a failed commit), so that the reader can tell that its earlier
  // steps saw another tracker.
  template <typename F>
  auto ReadStep(F&& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    Time now = clock_.Now();
    tracker_->Advance(now);
    NoteSeals();
    return fn(static_cast<const IncidentTracker&>(*tracker_), now, generation_);
  }

  Time now() const { return clock_.Now(); }

  // debriefd_events_total, as persisted plus what is in flight.
  EventCounts event_counts() const;
  // True once Load succeeded (the state is whole). Thread-safe.
  bool loaded() const { return loaded_; }
  // True once Load succeeded and while the store file is the one opened
  // (for /readyz). Checks the file (a stat) on each call. Thread-safe, and
  // does not wait for the state lock.
  bool ready() const;
  // OK, or why the store takes no more writes (Unavailable naming the file:
  // deleted, replaced). Checks the file on each call; the first failure is
  // logged as an error and stays until restart. Thread-safe, lock-free of the
  // state lock.
  Status store_status() const;
  // Number of times the state was rebuilt from the store (Load, Reconfigure,
  // and a failed commit of a group that applied requests before it).
  uint64_t rebuilds() const;
  // Number of group commits since start (for metrics).
  uint64_t commits() const;
  // Incidents whose records the sealer compressed since start (ingest_seal.cc).
  uint64_t seals() const { return seals_; }
  // Waits until the sealer has no incident listed nor in hand (at once when
  // it does not run), or `limit` has passed; false then. For tests and tools.
  bool WaitForSeals(std::chrono::milliseconds limit);
  // Stored events that Load could not re-read (debriefd_store_unreadable_events).
  uint64_t unreadable_events() const;

  // Applies every event that other processes stored after the last one the
  // state includes, and re-reads the shared counts. The writer thread does it
  // on the store's notifications and every second; tests and tools call it
  // directly. OK without doing anything for a store with one writer.
  Status CatchUp();
  // False while the state may hold requests whose commit failed and the
  // store could not be re-read (replicas only; reads answer 503 meanwhile).
  bool state_whole() const { return !stale_; }
  // True when other processes append to the store too (replicas).
  bool shared_store() const { return store_.shared(); }
  // How this replica follows the shared log.
  struct FollowFigures {
    int64_t applied_seq = 0;      // the last event of the log the state includes
    bool store_available = true;  // EventStore::Health()
    Histogram delay;              // seconds from another replica's acceptance to the apply here
  };
  FollowFigures follow_figures() const;

  // How the state was last read from the store, and snapshots saved.
  struct LoadFigures {
    bool from_snapshot = false;  // a valid snapshot was restored
    uint64_t tail = 0;           // events applied (after the snapshot, or all)
    uint64_t snapshots_saved = 0;
    uint64_t snapshots_failed = 0;             // saves that failed (each logged)
    std::optional<Time> last_snapshot_saved;  // the clock's time of the last save that succeeded
    uint64_t events_since_snapshot = 0;       // stored events the saved snapshot lacks: what a start re-reads
  };
  LoadFigures load_figures() const;
  // Saves a snapshot once at least this many events were stored since the
  // last one and `snapshot_interval` has passed, when no group has run for a
  // second (or, under constant load, an hour after the last one or the
  // start); and at Stop.
  void SetSnapshotPolicy(uint64_t every_events, std::chrono::seconds interval) {
    snapshot_every_ = every_events;
    snapshot_interval_ = interval;
  }
  // Off: no snapshot is ever written (a reader of a store another process
  // serves, like `debriefd report`). On by default.
  void SaveSnapshots(bool on) { save_snapshots_ = on; }
  // What the writer does by itself, public for tests: StartSnapshot saves a
  // snapshot of the state as it is now. With a store that writes snapshots
  // apart (SqliteStore on a file), a forked child serializes and writes it,
  // and StartSnapshot returns once it is forked: groups and reads go on
  // meanwhile (the state lock is held for the fork, a few milliseconds at a
  // million events; the child's pages are shared with this process until
  // either writes one). Otherwise it saves the snapshot before it returns.
  // FinishSnapshot publishes a finished child's snapshot (or logs why there
  // is none, and the next moment retries); with `wait`, it waits for the
  // child. True once no snapshot is being written. A child still running
  // after kSnapshotTimeout is killed.
  Status StartSnapshot();
  bool FinishSnapshot(bool wait);

 private:
  struct Work {
    std::string source;
    std::vector<ParsedEvent> events;
    Done done;
    bool live = true;           // stamped with the time it is applied (replay keeps its times)
    IngestOutcome outcome;
    std::vector<size_t> fresh;  // indexes of the events to store, after dedup
  };
  void Run();
  // `flush_counts`: also commit counts waiting without events.
  void ProcessGroup(std::vector<Work>& group, bool flush_counts = false);
  // The steps of ProcessGroup, in order.
  // Group keys already taken, with the raw content each was taken with.
  using GroupKeys = std::unordered_map<std::string, std::string_view>;
  void Dedup(Work& work, const GroupKeys& keys_in_group);
  bool Check(Work& work, EventCounts& deltas, EventCounts& rejected);
  // Incident index -> its first transition in the group, and the source.
  using GroupTransitions = std::unordered_map<size_t, std::pair<IncidentTracker::Transition, std::string>>;
  void Apply(Work& work, GroupKeys& keys_in_group, GroupTransitions& transitions);
  Status Commit(std::vector<Work>& group, const EventCounts& deltas);
  void Unwind(std::vector<Work>& group, const Status& why, bool applied);
  std::vector<std::string> TransitionLines(const GroupTransitions& transitions) const;
  // Wakes the writer to commit counts within a second.
  void CountsWaiting();
  // applied_seq_, under the state lock.
  int64_t AppliedSeq() const {
    std::lock_guard<std::mutex> lock(mu_);
    return applied_seq_;
  }
  // Marks the store failed (once: logs it) and returns the Status to answer.
  Status StoreFailed(const Status& why) const;

  // ingest_state.cc: the state from the store (its snapshot, then the events
  // after it), and the snapshot saved back.
  struct Rebuilt {
    std::unique_ptr<IncidentTracker> tracker;
    uint64_t unreadable = 0;
    int64_t last_seq = 0;       // the last stored event the state includes
    uint64_t tail = 0;          // events applied after the snapshot (all, without one)
    bool from_snapshot = false;
  };
  // Touches no member state but the store and sources_; the caller holds
  // group_mu_ (or no writer runs yet).
  Result<Rebuilt> RebuildTracker(const Policy& policy, std::map<std::string, Duration> learned_pending);
  // Applies one stored event to `tracker`; counts it in `unreadable` when it
  // cannot be re-read.
  void ApplyStored(IncidentTracker& tracker, const StoredEvent& stored, uint64_t* unreadable) const;
  // CatchUp's work, holding group_mu_ and mu_ (inside a group's transaction
  // or not). Re-reads the whole state first when it is stale.
  Status CatchUpLocked();
  // Makes `rebuilt` the state. Holds mu_.
  void Adopt(Rebuilt rebuilt);
  // The key a snapshot of the running state is valid for. Holds mu_.
  std::string SnapshotKeyNow() const;
  // Enough events for a snapshot; Due: and the moment is right (a second
  // after `last_group`, or an hour after the last snapshot).
  bool SnapshotWanted() const;
  bool SnapshotDue(std::chrono::steady_clock::time_point last_group) const;
  // Writes a snapshot of the state to the store, between two groups: with
  // `apart`, from a forked child when the store can (ForkSnapshot), else here.
  Status SaveSnapshot(bool apart = false);
  // Forks the child that writes the snapshot at `seq` through `writer`.
  // Holds group_mu_ and mu_.
  Status ForkSnapshot(std::unique_ptr<SnapshotWriter> writer, int64_t seq);

  // The sealer (ingest_seal.cc): between Start and Stop, counted incidents'
  // records are compressed on a thread of its own, which holds the state
  // lock only to copy a slice of them and to install the result, so that a
  // storm's incident never holds a read (a scrape, the first after a
  // restart) for the whole compression. NoteSeals wakes it; under mu_.
  void SealLoop();
  void SealOne(std::unique_lock<std::mutex>& lock, size_t idx);
  void NoteSeals() {
    if (sealing_ && tracker_->has_unsealed()) seal_cv_.notify_one();
  }

  EventStore& store_;
  Policy policy_;
  const Clock& clock_;
  const IngestLimits limits_;
  SourceSettingsMap sources_;
  std::map<std::string, Duration> learned_pending_;  // guarded by mu_

  mutable std::mutex mu_;  // guards tracker_ and counts_
  std::unique_ptr<IncidentTracker> tracker_;
  uint64_t generation_ = 0;  // bumped by Adopt (ReadStep)
  EventCounts counts_;          // as readers see them
  EventCounts pending_counts_;  // in counts_, not yet on disk
  uint64_t commits_ = 0;
  std::atomic<uint64_t> events_since_snapshot_{0};  // stored events the saved snapshot lacks
  // The seq of the last stored event the state includes: the one read last,
  // plus the events this service appended since (seqs are consecutive).
  int64_t applied_seq_ = 0;
  std::chrono::steady_clock::time_point last_snapshot_{};
  std::chrono::steady_clock::time_point loaded_at_{};  // when Load succeeded
  LoadFigures load_figures_;
  uint64_t unreadable_ = 0;
  std::atomic<bool> loaded_{false};
  bool save_snapshots_ = true;
  uint64_t snapshot_every_ = 100000;
  std::chrono::seconds snapshot_interval_{300};
  // The child writing a snapshot (ForkSnapshot), until FinishSnapshot reaps
  // it. Guarded by group_mu_; snapshot_in_flight_ says whether there is one.
  struct SnapshotChild {
    int pid = 0;
    int report = -1;  // the pipe's read end: the child's error, if it fails
    std::unique_ptr<SnapshotWriter> writer;
    int64_t seq = 0;
    uint64_t events = 0;  // given back to events_since_snapshot_ if it fails
    std::chrono::steady_clock::time_point started;
  };
  std::optional<SnapshotChild> snapshot_child_;
  std::atomic<bool> snapshot_in_flight_{false};
  std::atomic<uint64_t> events_in_child_{0};  // the child's `events`, for load_figures
  std::atomic<uint64_t> rebuilds_{0};
  std::atomic<bool> stale_{false};  // see state_whole()
  Histogram follow_delay_;          // guarded by mu_

  // One group at a time (writer thread, ProcessNow, Reconfigure); guards
  // policy_ and sources_ while running.
  std::mutex group_mu_;

  mutable std::mutex store_mu_;      // guards store_failure_
  mutable Status store_failure_;     // sticky once set

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Work> queue_;
  size_t queued_events_ = 0;
  bool stopping_ = false;
  bool counts_waiting_ = false;  // counts to commit without events, by counts_due_
  bool follow_due_ = false;      // the store says others appended: CatchUp
  std::chrono::steady_clock::time_point counts_due_;
  std::thread writer_;

  std::thread sealer_;
  std::condition_variable seal_cv_;    // waited on with mu_: work for the sealer
  std::condition_variable sealed_cv_;  // waited on with mu_: the sealer finished an incident
  bool sealing_ = false;               // guarded by mu_: the sealer runs (every tracker defers seals)
  bool seal_in_hand_ = false;          // guarded by mu_
  std::atomic<uint64_t> seals_{0};
};

}  // namespace debriefd
