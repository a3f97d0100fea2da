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
// second (or after an hour of constant load), and at Stop. When the store can
// write a snapshot apart (a SQLite file: PrepareSnapshot), a forked child
// serializes and writes it while the writer goes on: the state lock is held
// only for the fork. Otherwise (PostgreSQL) the writer serializes under the
// state lock and writes it, about half a second at a million events, so the
// save waits for a quiet moment either way. A crash costs the next start at
// most the events since the last snapshot, never an event.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

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
  Status s = CatchUpLocked();
  NoteSeals();  // what it applied may have counted incidents
  return s;
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
  tracker_->DeferSeals(sealing_);
  NoteSeals();
  ++generation_;
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

std::chrono::steady_clock::time_point NextSnapshotMoment(std::chrono::steady_clock::time_point last_group,
                                                         std::chrono::steady_clock::time_point last_snapshot,
                                                         std::chrono::steady_clock::time_point loaded_at,
                                                         std::chrono::seconds interval) {
  // The hour counts from the start too: before the first save, last_snapshot
  // is the clock's epoch (the machine's boot).
  const auto quiet = last_group + kQuietForSnapshot;
  const auto busy = std::max(last_snapshot, loaded_at) + std::chrono::hours(1);
  return std::max(last_snapshot + interval, std::min(quiet, busy));
}

bool SnapshotMomentDue(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point last_group,
                       std::chrono::steady_clock::time_point last_snapshot,
                       std::chrono::steady_clock::time_point loaded_at, std::chrono::seconds interval) {
  return now >= NextSnapshotMoment(last_group, last_snapshot, loaded_at, interval);
}

bool IngestService::SnapshotDue(std::chrono::steady_clock::time_point last_group) const {
  return SnapshotWanted() &&
         SnapshotMomentDue(std::chrono::steady_clock::now(), last_group, last_snapshot_, loaded_at_, snapshot_interval_);
}

Status IngestService::SaveSnapshot(bool apart) {
  std::lock_guard<std::mutex> one_group(group_mu_);
  if (snapshot_in_flight_) return Status::FailedPrecondition("", "a snapshot is being written");
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
    if (apart) {
      Result<std::unique_ptr<SnapshotWriter>> writer = store_.PrepareSnapshot(*seq, key);
      if (writer.ok()) {
        Status forked = ForkSnapshot(std::move(*writer), *seq);
        if (forked.ok()) return forked;
        spdlog::warn("store: {}; writing the snapshot here instead", forked.message());
      } else if (writer.status().code() != StatusCode::kUnimplemented) {
        last_snapshot_ = std::chrono::steady_clock::now();
        ++load_figures_.snapshots_failed;
        spdlog::warn("store: snapshot not saved: {}", writer.status().message());
        return writer.status();
      }
    }
    data = SnapshotData(unreadable_, *tracker_);
  }
  Status saved = store_.SaveSnapshot(*seq, key, data);
  last_snapshot_ = std::chrono::steady_clock::now();  // a failure is not retried at once either
  if (!saved.ok()) {
    if (saved.code() != StatusCode::kUnimplemented) {
      spdlog::warn("store: snapshot not saved: {}", saved.message());
      std::lock_guard<std::mutex> lock(mu_);
      ++load_figures_.snapshots_failed;
    }
    return saved;
  }
  events_since_snapshot_ = 0;
  std::lock_guard<std::mutex> lock(mu_);
  ++load_figures_.snapshots_saved;
  load_figures_.last_snapshot_saved = clock_.Now();
  spdlog::debug("store: snapshot of the state up to event {} saved ({} bytes)", *seq, data.size());
  return Status::Ok();
}

namespace {
// ioprio_set(2): glibc has no wrapper. IOPRIO_CLASS_IDLE, level 0.
constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioIdle = 3 << 13;
}  // namespace

// fork() copies no memory: the child sees the state as it is at this instant
// (the caller holds group_mu_ and mu_, so no group is half applied) in pages
// shared with the parent until either writes one. Its cost is the page
// tables: a few milliseconds at a million events, against the hundreds that
// serializing and writing the state take, which the child now spends while
// the parent goes on committing groups and answering reads.
Status IngestService::ForkSnapshot(std::unique_ptr<SnapshotWriter> writer, int64_t seq) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    return Status::Unavailable(std::string("cannot make a pipe: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // The child: this thread alone, with whatever locks the parent's other
    // threads held at the fork. It takes none (no log, no store connection),
    // writes the snapshot, reports a failure on the pipe and exits without
    // running the parent's exit handlers. It dies with the parent's thread.
    ::close(report[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(3);
    // Only the CPU the parent leaves idle: on a busy machine the snapshot
    // waits, not ingest (it takes a core for a second or more). The idle I/O
    // class counts only where the disk's scheduler honours it (BFQ).
    const sched_param idle{};
    (void)::sched_setscheduler(0, SCHED_IDLE, &idle);
    (void)::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, kIoprioIdle);
    Status written = writer->Write(SnapshotData(unreadable_, *tracker_));
    if (!written.ok()) {
      const std::string& why = written.message();
      (void)!::write(report[1], why.data(), why.size());
      ::_exit(1);
    }
    ::_exit(0);
  }
  const int err = errno;
  ::close(report[1]);
  if (pid < 0) {
    ::close(report[0]);
    return Status::Unavailable(std::string("cannot fork to write the snapshot: ") + std::strerror(err));
  }
  const auto now = std::chrono::steady_clock::now();
  const uint64_t covered = events_since_snapshot_.exchange(0);
  events_in_child_ = covered;
  snapshot_child_ = SnapshotChild{pid, report[0], std::move(writer), seq, covered, now};
  snapshot_in_flight_ = true;
  last_snapshot_ = now;
  spdlog::debug("store: writing the snapshot of the state up to event {} (process {})", seq, pid);
  return Status::Ok();
}

Status IngestService::StartSnapshot() { return SaveSnapshot(/*apart=*/true); }

bool IngestService::FinishSnapshot(bool wait) {
  if (!snapshot_in_flight_) return true;
  std::lock_guard<std::mutex> one_group(group_mu_);
  if (!snapshot_child_) return true;
  SnapshotChild& child = *snapshot_child_;
  int status = 0;
  pid_t done;
  do {
    done = ::waitpid(child.pid, &status, wait ? 0 : WNOHANG);
  } while (done < 0 && errno == EINTR);
  const auto took = std::chrono::steady_clock::now() - child.started;
  std::string why;
  if (done == 0) {
    if (took < kSnapshotTimeout) return false;
    // Stuck (a lock the fork copied held, a disk that does not answer):
    // given up, so that the next moment can try again.
    ::kill(child.pid, SIGKILL);
    while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
    why = "the process writing it took longer than " + std::to_string(kSnapshotTimeout.count()) + " s";
  } else if (done < 0) {
    why = std::string("cannot wait for the process writing it: ") + std::strerror(errno);
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char text[1024];
    const ssize_t n = ::read(child.report, text, sizeof(text));
    if (n > 0) {
      why.assign(text, static_cast<size_t>(n));
    } else if (WIFSIGNALED(status)) {
      why = "the process writing it was killed by signal " + std::to_string(WTERMSIG(status));
    } else {
      why = "the process writing it exited with status " + std::to_string(WEXITSTATUS(status));
    }
  }
  ::close(child.report);
  Status published = why.empty() ? child.writer->Publish() : Status::Unavailable(why);
  if (published.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    ++load_figures_.snapshots_saved;
    load_figures_.last_snapshot_saved = clock_.Now();
    spdlog::info("store: snapshot of the state up to event {} saved in {} ms (written by process {})", child.seq,
                 std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), child.pid);
  } else {
    spdlog::warn("store: snapshot not saved: {}", published.message());
    events_since_snapshot_ += child.events;  // still missing from the stored one
    std::lock_guard<std::mutex> lock(mu_);
    ++load_figures_.snapshots_failed;
  }
  snapshot_child_.reset();
  events_in_child_ = 0;
  snapshot_in_flight_ = false;
  return true;
}

IngestService::LoadFigures IngestService::load_figures() const {
  std::lock_guard<std::mutex> lock(mu_);
  LoadFigures out = load_figures_;
  // Those the child covers count until it is done: a crash meanwhile would
  // leave the previous snapshot.
  out.events_since_snapshot = events_since_snapshot_;
  out.events_since_snapshot += events_in_child_;
  return out;
}

}  // namespace debriefd
