#pragma once
// The durable event log, as the domain needs it. collector/store implements it
// on SQLite. Every accepted event is appended in its source's own JSON form; a
// restart re-parses and re-applies them in order, so incidents and counters are
// never stored twice in two shapes that could disagree.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/status.h"
#include "domain/time.h"

namespace debriefd {

struct StoredEvent {
  int64_t seq = 0;  // assigned by the store, ascending
  std::string source;
  std::string dedup_key;
  Time received_at{};
  std::string raw;
};

// Persisted counters: (source, result) -> count, for debriefd_events_total,
// and (kAlertsTruncated, receiver) -> alerts Alertmanager left out of
// notifications, for debriefd_alerts_truncated_total.
using EventCounts = std::map<std::pair<std::string, std::string>, uint64_t>;
inline constexpr const char* kAlertsTruncated = "alerts_truncated";

// What the store holds under a dedup key, compared with an event's `raw`.
enum class KeyMatch {
  kAbsent,        // no event is stored under the key
  kSameContent,   // one is, with the same content (or stored before contents were digested)
  kOtherContent,  // one is, with different content: the key was re-used
};

// Derived state saved beside the events (IncidentTracker::SaveSnapshot), so
// that a start applies only the events after `seq` instead of every one.
struct StoredSnapshot {
  int64_t seq = 0;   // the last event the state includes
  std::string key;   // what it is valid for (SnapshotKey, domain/tracker_snapshot.h)
  std::string data;  // the snapshot's bytes
};

// A snapshot written away from the store's owner thread: IngestService
// serializes the state in a forked child and writes it from there, so that
// ingest goes on while hundreds of megabytes are written (EventStore::
// PrepareSnapshot).
class SnapshotWriter {
 public:
  virtual ~SnapshotWriter() = default;
  // Writes `data` and syncs it where no reader looks yet. Takes no lock and
  // uses no connection: callable in a child forked from the owner thread, and
  // from any thread. Called at most once.
  virtual Status Write(std::string_view data) = 0;
  // On the owner thread, after a successful Write: makes the written bytes the
  // stored snapshot. Until it returns OK the previous snapshot stays.
  virtual Status Publish() = 0;
};

// Not thread-safe: one owner thread at a time, except CheckFile.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // True when an event with this dedup key is already stored.
  virtual Result<bool> Contains(std::string_view dedup_key) = 0;

  // Whether an event is stored under `dedup_key`, and whether its content is
  // `raw`. A store that keeps no content digest answers kSameContent for every
  // stored key (this default).
  virtual Result<KeyMatch> Match(std::string_view dedup_key, std::string_view raw) {
    (void)raw;
    Result<bool> stored = Contains(dedup_key);
    if (!stored.ok()) return stored.status();
    return *stored ? KeyMatch::kSameContent : KeyMatch::kAbsent;
  }

  // OK while what the store writes is still what a restart reads: for a
  // file, the path still names the file that was opened. Otherwise
  // Unavailable naming the file and what happened to it (deleted, replaced).
  // Cheap (a stat) and thread-safe: callable beside the owner thread.
  virtual Status CheckFile() const { return Status::Ok(); }

  // Appends the events and adds the counter deltas in one transaction. When it
  // returns OK, all of it is on disk (synced); otherwise none of it is.
  virtual Status Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) = 0;

  // Calls fn for every stored event in append order; stops at the first error.
  virtual Status ForEach(const std::function<Status(const StoredEvent&)>& fn) = 0;

  virtual Result<EventCounts> LoadCounts() = 0;

  // Calls fn for every stored event with a seq greater than `seq`, in append
  // order; stops at the first error. ForEachAfter(0, fn) is ForEach(fn).
  // This default filters ForEach; a store with an index on seq seeks instead.
  virtual Status ForEachAfter(int64_t seq, const std::function<Status(const StoredEvent&)>& fn) {
    return ForEach([&](const StoredEvent& e) { return e.seq > seq ? fn(e) : Status::Ok(); });
  }

  // Keeps one snapshot: replaces the one stored before, in one transaction.
  // When it returns OK it is on disk (synced); otherwise the previous one is
  // still there. A store without snapshots (this default) keeps nothing and
  // says so with Unimplemented: starts then replay every event.
  virtual Status SaveSnapshot(int64_t seq, std::string_view key, std::string_view data) {
    (void)seq;
    (void)key;
    (void)data;
    return Status::Unimplemented("this store keeps no snapshots");
  }
  // On the owner thread: a writer of the snapshot of the state up to `seq`,
  // valid under `key`, for a caller that produces the bytes elsewhere (a
  // forked child). This default is Unimplemented: the store saves snapshots
  // only through SaveSnapshot, on its owner thread.
  virtual Result<std::unique_ptr<SnapshotWriter>> PrepareSnapshot(int64_t seq, std::string_view key) {
    (void)seq;
    (void)key;
    return Status::Unimplemented("this store writes snapshots only on its owner thread");
  }
  // The seq of the last stored event (0 when there is none): what a snapshot
  // saved now covers. This default is Unimplemented (no snapshots).
  virtual Result<int64_t> LastSeq() { return Status::Unimplemented("this store keeps no snapshots"); }
  // The stored snapshot, or nullopt when there is none (this default).
  virtual Result<std::optional<StoredSnapshot>> LoadSnapshot() { return std::optional<StoredSnapshot>{}; }
  // The snapshot to start from when the state's key is `key`. A store that
  // keeps one snapshot (this default) returns it whatever its key: the caller
  // compares. A store shared by replicas keeps one per key.
  virtual Result<std::optional<StoredSnapshot>> LoadSnapshotFor(std::string_view key) {
    (void)key;
    return LoadSnapshot();
  }

  // --- A log that several processes append to (replicas on PostgreSQL) ---
  //
  // Every process applies the one log in seq order. Seqs are assigned under
  // the log's write lock, consecutively, and commit in that order: the events
  // a reader sees are always a gap-free prefix of the log, so ForEachAfter
  // never skips an event that commits late.

  // True when other processes may append too (this default: false, the store
  // has one writer).
  virtual bool shared() const { return false; }
  // Opens the transaction of one group and takes the log's write lock: until
  // Append commits it (or EndGroup ends it), no other process appends, and
  // Match and ForEachAfter see everything appended before. Unavailable when
  // the store cannot be reached. The writer opens one for every group, shared
  // store or not: a store may use it to run the group's lookups under one
  // lock. This default has nothing to do (each call is its own transaction).
  virtual Status BeginGroup() { return Status::Ok(); }
  // Ends the open group without appending (releases the lock). No-op without one.
  virtual void EndGroup() {}
  // Whether the store answers now: Ok, or Unavailable saying why the last
  // attempt failed. Unlike CheckFile, not sticky: it turns Ok again when the
  // store is back. Thread-safe and cheap (no round trip).
  virtual Status Health() const { return Status::Ok(); }
  // Calls `appended` (on a thread of the store's) soon after another process
  // commits events, until Watch(nullptr) or the store is destroyed; Watch
  // returns once no call is running any more. This default never calls it.
  virtual void Watch(std::function<void()> appended) { (void)appended; }
};

}  // namespace debriefd
