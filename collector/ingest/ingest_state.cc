// The state from the store, and its snapshot back to the store.
//
// A start (Load), a reload (Reconfigure) and the undoing of a failed commit
// read the state the same way: the stored snapshot when it was made under the
// running code and config (its key), then only the events stored after it.
// Without a valid snapshot every event is re-parsed and re-applied; either way
// the state is the same (tests/collector/ingest/ingest_snapshot_test.cc).
//
// The writer saves a snapshot once snapshot_every events were stored since
// the last one and snapshot_interval has passed, when no group has run for a
// second (or after an hour of constant load), and at Stop. A save holds the
// state lock while the tracker is written out (about a second at a million
// events), so it waits for a quiet moment; a crash costs the next start at
// most the events since the last snapshot, never an event.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "collector/ingest/ingest_service.h"
#include "collector/sources/registry.h"
#include "domain/tracker_snapshot.h"

namespace debriefd {
namespace {

// The tracker's state also depends on the `for:` delays learned from
// Prometheus (onsets are taken with the delays known when an alert arrives).
std::string StateKey(const Policy& policy, const SourceSettingsMap& sources,
                     const std::map<std::string, Duration>& learned) {
  std::string key = SnapshotKey(policy, sources);
  for (const auto& [name, delay] : learned) {
    key += ';';
    key += name;
    key += '=';
    key += std::to_string(delay.count());
  }
  return key;
}

// A snapshot's data: "<unreadable events>\n" and the tracker's bytes. The
// count of stored events that could not be re-read is part of the state
// (debriefd_store_unreadable_events) but not of the tracker.
std::string SnapshotData(uint64_t unreadable, const IncidentTracker& tracker) {
  std::string head = std::to_string(unreadable);
  head += '\n';
  return tracker.SaveSnapshot(head);
}

bool SplitSnapshotData(std::string_view data, uint64_t* unreadable, std::string_view* tracker) {
  const size_t nl = data.find('\n');
  if (nl == std::string_view::npos) return false;
  auto [end, ec] = std::from_chars(data.data(), data.data() + nl, *unreadable);
  if (ec != std::errc() || end != data.data() + nl) return false;
  *tracker = data.substr(nl + 1);
  return true;
}

}  // namespace

Result<IngestService::Rebuilt> IngestService::RebuildTracker(const Policy& policy,
                                                              std::map<std::string, Duration> learned_pending) {
  ++rebuilds_;
  Rebuilt out;
  const std::string key = StateKey(policy, sources_, learned_pending);
  Result<std::optional<StoredSnapshot>> stored = store_.LoadSnapshotFor(key);
  if (!stored.ok()) {
    spdlog::warn("store: the snapshot cannot be read ({}); reading every event", stored.status().message());
  } else if (stored->has_value() && (*stored)->key != key) {
    spdlog::info("store: the snapshot was made by another version or config; reading every event");
  } else if (stored->has_value()) {
    const StoredSnapshot& snap = **stored;
    std::string_view bytes;
    Result<std::unique_ptr<IncidentTracker>> restored = Status::DataLoss("no unreadable-events count");
    if (SplitSnapshotData(snap.data, &out.unreadable, &bytes)) restored = IncidentTracker::RestoreSnapshot(policy, bytes);
    if (restored.ok()) {
      out.tracker = std::move(restored.value());
      out.last_seq = snap.seq;
      out.from_snapshot = true;
    } else {
      out.unreadable = 0;
      spdlog::warn("store: the snapshot cannot be restored ({}); reading every event", restored.status().message());
    }
  }
  if (!out.tracker) {
    out.tracker = std::make_unique<IncidentTracker>(policy);
    out.tracker->SetLearnedPending(std::move(learned_pending));
  }
  Status s = store_.ForEachAfter(out.last_seq, [&](const StoredEvent& stored_event) {
    out.last_seq = stored_event.seq;
    ++out.tail;
    ApplyStored(*out.tracker, stored_event, &out.unreadable);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

void IngestService::ApplyStored(IncidentTracker& tracker, const StoredEvent& stored, uint64_t* unreadable) const {
  Result<Event> e =
      ParseStoredEvent(stored.source, stored.raw, stored.received_at, SettingsOf(sources_, stored.source));
  if (!e.ok()) {
    // Kept in the store (a later version may read it) but lost to the state.
    ++*unreadable;
    Status lost = Status::DataLoss("event " + std::to_string(stored.seq) + " cannot be re-read: " +
                                   e.status().message()).WithSource("store");
    spdlog::error("{}", lost.message());
    return;
  }
  e->dedup_key = stored.dedup_key;
  if (Status applied = tracker.Apply(*e); !applied.ok()) {
    spdlog::warn("store: event {} no longer applies: {}", stored.seq, applied.message());
  }
}

Status IngestService::CatchUp() {
  if (!store_.shared()) return Status::Ok();
  std::lock_guard<std::mutex> one_group(group_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  return CatchUpLocked();
}

// The log is read from the last applied seq on: what others committed is a
// gap-free prefix of it (event_store.h), so nothing is skipped. The state lock
// is held throughout: readers see each replica's events whole, in log order.
Status IngestService::CatchUpLocked() {
  if (stale_) {
    Result<Rebuilt> rebuilt = RebuildTracker(policy_, learned_pending_);
    if (!rebuilt.ok()) return rebuilt.status();
    Adopt(std::move(rebuilt.value()));
    stale_ = false;
    spdlog::info("store: the state was re-read after a failed commit; reads are answered again");
  }
  const Time now = clock_.Now();
  uint64_t applied = 0;
  Status s = store_.ForEachAfter(applied_seq_, [&](const StoredEvent& e) {
    ApplyStored(*tracker_, e, &unreadable_);
    applied_seq_ = e.seq;
    ++applied;
    follow_delay_.Observe(std::max(0.0, std::chrono::duration<double>(now - e.received_at).count()));
    return Status::Ok();
  });
  events_since_snapshot_ += applied;
  (void)tracker_->TakeTransitions();  // logged by the replica that accepted them
  if (!s.ok()) return s;
  // The counts are the replicas' shared table, plus what this one has not
  // written yet: each only grows, so no counter goes down.
  Result<EventCounts> counts = store_.LoadCounts();
  if (!counts.ok()) return counts.status();
  for (const auto& [key, n] : pending_counts_) (*counts)[key] += n;
  for (const auto& [key, n] : counts_) {
    uint64_t& now_n = (*counts)[key];
    now_n = std::max(now_n, n);
  }
  counts_ = std::move(counts.value());
  return Status::Ok();
}

IngestService::FollowFigures IngestService::follow_figures() const {
  FollowFigures f;
  f.store_available = store_.Health().ok();
  std::lock_guard<std::mutex> lock(mu_);
  f.applied_seq = applied_seq_;
  f.delay = follow_delay_;
  return f;
}

void IngestService::Adopt(Rebuilt rebuilt) {
  tracker_ = std::move(rebuilt.tracker);
  tracker_->RecordTransitions(true);
  unreadable_ = rebuilt.unreadable;
  load_figures_.from_snapshot = rebuilt.from_snapshot;
  load_figures_.tail = rebuilt.tail;
  // Events the stored snapshot lacks: the tail (all of them without one).
  events_since_snapshot_ = rebuilt.tail;
  applied_seq_ = rebuilt.last_seq;
}

std::string IngestService::SnapshotKeyNow() const { return StateKey(policy_, sources_, learned_pending_); }

bool IngestService::SnapshotWanted() const {
  return save_snapshots_ && loaded_ && events_since_snapshot_ >= snapshot_every_;
}

bool SnapshotMomentDue(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point last_group,
                       std::chrono::steady_clock::time_point last_snapshot,
                       std::chrono::steady_clock::time_point loaded_at, std::chrono::seconds interval) {
  if (now - last_snapshot < interval) return false;
  // The hour counts from the start too: before the first save, last_snapshot
  // is the clock's epoch (the machine's boot).
  return now - last_group >= kQuietForSnapshot || now - std::max(last_snapshot, loaded_at) >= std::chrono::hours(1);
}

bool IngestService::SnapshotDue(std::chrono::steady_clock::time_point last_group) const {
  return SnapshotWanted() &&
         SnapshotMomentDue(std::chrono::steady_clock::now(), last_group, last_snapshot_, loaded_at_, snapshot_interval_);
}

Status IngestService::SaveSnapshot() {
  std::lock_guard<std::mutex> one_group(group_mu_);
  // Replicas save the state at the seq it includes: the others append
  // meanwhile, and the prefix up to it has no gap.
  Result<int64_t> seq = store_.shared() ? Result<int64_t>(int64_t{0}) : store_.LastSeq();
  if (!seq.ok()) return seq.status();
  std::string key, data;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (store_.shared()) *seq = applied_seq_;
    if (*seq != applied_seq_) {
      // Another writer appended to the file (it should not: see
      // store_lock.h): the state does not cover what the snapshot would
      // claim. The next start reads those events.
      spdlog::warn("store: not saving a snapshot: the store holds events up to {}, the state up to {}", *seq,
                   applied_seq_);
      return Status::Unavailable("the state does not cover every stored event");
    }
    key = SnapshotKeyNow();
    data = SnapshotData(unreadable_, *tracker_);
  }
  Status saved = store_.SaveSnapshot(*seq, key, data);
  last_snapshot_ = std::chrono::steady_clock::now();  // a failure is not retried at once either
  if (!saved.ok()) {
    if (saved.code() != StatusCode::kUnimplemented) spdlog::warn("store: snapshot not saved: {}", saved.message());
    return saved;
  }
  events_since_snapshot_ = 0;
  std::lock_guard<std::mutex> lock(mu_);
  ++load_figures_.snapshots_saved;
  spdlog::debug("store: snapshot of the state up to event {} saved ({} bytes)", *seq, data.size());
  return Status::Ok();
}

IngestService::LoadFigures IngestService::load_figures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return load_figures_;
}

}  // namespace debriefd
