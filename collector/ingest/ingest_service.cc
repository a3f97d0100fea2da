#include "collector/ingest/ingest_service.h"

#include "collector/sources/registry.h"

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <unordered_set>
#include <utility>

namespace debriefd {

namespace {

// Whether the sender chose the key (an idempotency id) instead of it being
// derived from the content: only then does the same key with other content
// mean a mistake rather than a re-sent event with fields that changed (an
// Alertmanager notification repeats an alert's key with fresh annotations).
// A native event with an `id` is keyed "ev:<type>:<id>" (sources/events.cc).
bool SenderChoseKey(const std::string& key) { return key.rfind("ev:", 0) == 0; }

constexpr std::chrono::seconds kIdleFileCheck{10};
// How long counts without events (duplicates, rejections) wait for a commit.
constexpr std::chrono::seconds kCountsFlush{1};
// Replicas: the longest a replica waits before it reads what the others
// stored, when no notification came (the safety net of Watch).
constexpr std::chrono::seconds kFollowPoll{1};
// How often an idle writer looks whether the snapshot's child is done.
constexpr std::chrono::milliseconds kSnapshotPoll{20};

}  // namespace

IngestService::IngestService(EventStore& store, Policy policy, const Clock& clock, IngestLimits limits)
    : store_(store), policy_(std::move(policy)), clock_(clock), limits_(limits),
      tracker_(std::make_unique<IncidentTracker>(policy_)),
      follow_delay_({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}) {
  tracker_->RecordTransitions(true);
}

IngestService::~IngestService() { Stop(); }

void IngestService::SetLearnedPending(std::map<std::string, Duration> pending) {
  std::lock_guard<std::mutex> one_group(group_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  learned_pending_ = pending;
  tracker_->SetLearnedPending(std::move(pending));
}

Result<size_t> IngestService::Load(std::function<Status()> alongside) {
  std::lock_guard<std::mutex> one_group(group_mu_);
  std::map<std::string, Duration> learned;
  {
    std::lock_guard<std::mutex> lock(mu_);
    learned = learned_pending_;
  }
  std::future<Status> checked;
  if (alongside) checked = std::async(std::launch::async, std::move(alongside));
  Result<Rebuilt> rebuilt = RebuildTracker(policy_, std::move(learned));
  Result<EventCounts> counts = rebuilt.ok() ? store_.LoadCounts() : Result<EventCounts>(rebuilt.status());
  if (checked.valid()) {
    if (Status s = checked.get(); !s.ok()) return s;
  }
  if (!rebuilt.ok()) return rebuilt.status();
  if (!counts.ok()) return counts.status();
  std::lock_guard<std::mutex> lock(mu_);
  Adopt(std::move(rebuilt.value()));
  counts_ = std::move(counts.value());
  loaded_at_ = std::chrono::steady_clock::now();
  loaded_ = true;
  return static_cast<size_t>(unreadable_);
}

Status IngestService::Reconfigure(Policy policy, SourceSettingsMap sources) {
  std::lock_guard<std::mutex> one_group(group_mu_);
  std::map<std::string, Duration> learned;
  {
    std::lock_guard<std::mutex> lock(mu_);
    learned = learned_pending_;
  }
  // RebuildTracker reads sources_; the old ones come back if it fails.
  SourceSettingsMap old_sources = std::exchange(sources_, std::move(sources));
  Result<Rebuilt> rebuilt = RebuildTracker(policy, std::move(learned));
  if (!rebuilt.ok()) {
    sources_ = std::move(old_sources);
    return rebuilt.status();
  }
  std::lock_guard<std::mutex> lock(mu_);
  Adopt(std::move(rebuilt.value()));
  policy_ = std::move(policy);
  return Status::Ok();
}

void IngestService::Start() {
  std::lock_guard<std::mutex> lock(queue_mu_);
  if (writer_.joinable()) return;
  stopping_ = false;
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "debriefd-write");  // for top -H and profilers
    Run();
  });
  {
    std::lock_guard<std::mutex> state(mu_);
    sealing_ = true;
    if (tracker_) tracker_->DeferSeals(true);
  }
  sealer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "debriefd-seal");
    SealLoop();
  });
  store_.Watch([this] {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      follow_due_ = true;
    }
    queue_cv_.notify_one();
  });
}

void IngestService::Stop() {
  bool running = false;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    running = writer_.joinable();
    stopping_ = running;
  }
  if (running) {
    queue_cv_.notify_all();
    writer_.join();
    {
      // What the sealer had yet to do stays listed: saved unsealed in the
      // snapshot below, and listed again by the start that restores it.
      std::lock_guard<std::mutex> state(mu_);
      sealing_ = false;
      if (tracker_) tracker_->DeferSeals(false);
    }
    seal_cv_.notify_all();
    sealer_.join();
  }
  FinishSnapshot(/*wait=*/true);  // a child's snapshot, then the one below
  // Counts not yet on disk (rejections counted without the writer) are
  // written now; an empty group writes nothing when there are none.
  store_.Watch(nullptr);  // no more calls into this service
  std::vector<Work> none;
  ProcessGroup(none, /*flush_counts=*/true);
  // The next start restores this state and applies nothing.
  if (save_snapshots_ && loaded_ && events_since_snapshot_ > 0) (void)SaveSnapshot();
}

void IngestService::Submit(std::string source, std::vector<ParsedEvent> events, Done done) {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (queued_events_ + events.size() > limits_.max_queued_events) {
      IngestOutcome busy;
      busy.status = Status::Unavailable(std::to_string(queued_events_) +
                                        " events are waiting for the store; retry later")
                          .WithSource("ingest");
      done(std::move(busy));
      return;
    }
    queued_events_ += events.size();
    queue_.push_back({std::move(source), std::move(events), std::move(done), true, {}, {}});
  }
  queue_cv_.notify_one();
}

IngestOutcome IngestService::SubmitAndWait(std::string source, std::vector<ParsedEvent> events) {
  bool threaded;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    threaded = writer_.joinable();
  }
  std::promise<IngestOutcome> promise;
  auto future = promise.get_future();
  Done done = [&promise](IngestOutcome o) { promise.set_value(std::move(o)); };
  if (threaded) {
    Submit(std::move(source), std::move(events), std::move(done));
  } else {
    std::vector<Work> group;
    group.push_back({std::move(source), std::move(events), std::move(done), true, {}, {}});
    ProcessGroup(group);
  }
  return future.get();
}

std::vector<IngestOutcome> IngestService::ProcessNow(
    std::vector<std::pair<std::string, std::vector<ParsedEvent>>> requests) {
  std::vector<IngestOutcome> outcomes(requests.size());
  std::vector<Work> group;
  group.reserve(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    group.push_back({std::move(requests[i].first), std::move(requests[i].second),
                     [&outcomes, i](IngestOutcome o) { outcomes[i] = std::move(o); }, false, {}, {}});
  }
  ProcessGroup(group);
  return outcomes;
}

void IngestService::CountResult(const std::string& source, const std::string& result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[{source, result}];
    ++pending_counts_[{source, result}];
  }
  CountsWaiting();
}

// The writer commits waiting counts within kCountsFlush, without waiting for
// an accepted request: a counter on disk is one that continues after a
// restart. Many results in that second share one sync.
void IngestService::CountsWaiting() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (counts_waiting_) return;
    counts_waiting_ = true;
    counts_due_ = std::chrono::steady_clock::now() + kCountsFlush;
  }
  queue_cv_.notify_one();
}

EventCounts IngestService::event_counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

bool IngestService::ready() const { return loaded_ && !stale_ && store_status().ok() && store_.Health().ok(); }

Status IngestService::store_status() const {
  {
    std::lock_guard<std::mutex> lock(store_mu_);
    if (!store_failure_.ok()) return store_failure_;
  }
  Status file = store_.CheckFile();
  return file.ok() ? file : StoreFailed(file);
}

// Sticky: the file the store holds open is not the one a restart reads, so
// nothing written from now on would survive. Logged once, however many
// requests it fails.
Status IngestService::StoreFailed(const Status& why) const {
  std::lock_guard<std::mutex> lock(store_mu_);
  if (store_failure_.ok()) {
    store_failure_ = why;
    spdlog::error("{}; from now on every write is answered 503 and /readyz fails", why.message());
  }
  return store_failure_;
}

uint64_t IngestService::rebuilds() const { return rebuilds_; }

uint64_t IngestService::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

uint64_t IngestService::unreadable_events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unreadable_;
}

void IngestService::Run() {
  auto last_group = std::chrono::steady_clock::now();
  auto next_follow = last_group + kFollowPoll;
  const bool shared = store_.shared();
  for (;;) {
    std::vector<Work> group;
    bool flush = false;
    if (snapshot_in_flight_) FinishSnapshot(/*wait=*/false);
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      while (queue_.empty() && !stopping_) {
        if (shared && (follow_due_ || std::chrono::steady_clock::now() >= next_follow)) {
          follow_due_ = false;
          lock.unlock();
          const int64_t seen = AppliedSeq();
          if (Status s = CatchUp(); !s.ok()) spdlog::debug("store: following the log: {}", s.message());
          next_follow = std::chrono::steady_clock::now() + kFollowPoll;
          // Applying the others' events is work like a group's: no snapshot
          // (which holds the state lock) in the middle of it.
          if (AppliedSeq() != seen) last_group = std::chrono::steady_clock::now();
          lock.lock();
          continue;
        }
        if (snapshot_in_flight_) {
          lock.unlock();
          FinishSnapshot(/*wait=*/false);
          lock.lock();
        } else if (SnapshotDue(last_group)) {  // between groups, while nothing waits
          lock.unlock();
          (void)SaveSnapshot(/*apart=*/true);
          lock.lock();
          continue;
        }
        // While idle, the store file is checked now and then, so that a lost
        // file is logged even when nothing is written and nobody asks /readyz.
        const bool due = counts_waiting_;
        auto until = due ? counts_due_ : std::chrono::steady_clock::now() + kIdleFileCheck;
        // Until the moment a snapshot is due, not the second after the last
        // group: once that second has passed (and the interval since the
        // last snapshot has not), the wait would return at once, and the
        // writer would spin, taking a core from the HTTP threads whenever
        // the queue ran empty.
        if (SnapshotWanted()) {
          until = std::min(until, NextSnapshotMoment(last_group, last_snapshot_, loaded_at_, snapshot_interval_));
        }
        if (snapshot_in_flight_) until = std::min(until, std::chrono::steady_clock::now() + kSnapshotPoll);
        if (shared) until = std::min(until, next_follow);
        if (queue_cv_.wait_until(lock, until) != std::cv_status::timeout) continue;
        if (due && counts_waiting_ && std::chrono::steady_clock::now() >= counts_due_) {
          flush = true;
          break;
        }
        if (!due) {
          lock.unlock();
          (void)store_status();
          lock.lock();
        }
      }
      if (queue_.empty() && !flush) {  // stopping: Stop() writes the counts and the snapshot left
        lock.unlock();
        // Before this thread ends: a child writing a snapshot dies with it.
        FinishSnapshot(/*wait=*/true);
        return;
      }
      follow_due_ = false;                    // the group catches up first
      if (flush) counts_waiting_ = false;  // the group below commits them
      size_t events = 0;
      while (!queue_.empty() && (group.empty() || events + queue_.front().events.size() <= limits_.max_group_events)) {
        events += queue_.front().events.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_events_ -= events;
    }
    ProcessGroup(group, flush);
    last_group = std::chrono::steady_clock::now();
    next_follow = last_group + kFollowPoll;
  }
}

// The state lock is held from the first apply until the commit is durable:
// readers wait for at most one group, and never see what is not on disk.
// Requests are applied one after another (not all checked first) because a
// later request may refer to what an earlier one created, including
// incidents that alerts open under ids the tracker generates.
void IngestService::ProcessGroup(std::vector<Work>& group, bool flush_counts) {
  std::unique_lock<std::mutex> one_group(group_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  // `deltas`: what this group adds if it commits; `rejected`: rejections,
  // a fact whether or not it does.
  EventCounts deltas, rejected;
  // A lost store file fails every group until restart: skip the work.
  Status lost;
  {
    std::lock_guard<std::mutex> store_lock(store_mu_);
    lost = store_failure_;
  }
  // The group's transaction: its lookups and its append under one lock.
  // Replicas: the log's write lock, and every event the others stored.
  const bool grouped = lost.ok() && (!group.empty() || (flush_counts && !pending_counts_.empty()));
  if (grouped) {
    lost = store_.BeginGroup();
    if (lost.ok() && store_.shared()) lost = CatchUpLocked();
    if (!lost.ok()) {
      store_.EndGroup();
      if (!group.empty()) spdlog::warn("{}; {} request(s) answered 503", lost.message(), group.size());
    }
  }
  // Never before what the tracker has seen: a read may have advanced it past
  // the moment a request was parsed, and its events must not apply "earlier"
  // (nor before the events of other replicas just caught up on).
  const Time stamp = std::max(clock_.Now(), tracker_->now());
  GroupKeys keys_in_group;
  GroupTransitions transitions;
  // A request with events to store is applied when the next request comes
  // (which is checked against it), or, as the group's last, once the commit
  // succeeded: a failed commit of a lone request (the common case when the
  // disk is full) then leaves the state untouched.
  Work* held = nullptr;
  bool applied_before_commit = false;
  for (Work& work : group) {
    if (!lost.ok()) {
      work.outcome.status = lost;
      work.outcome.incident_ids.resize(work.events.size());
      continue;
    }
    if (work.live) {
      for (ParsedEvent& e : work.events) e.event.received_at = stamp;
    }
    if (held != nullptr) {  // a later request is checked against it
      Apply(*held, keys_in_group, transitions);
      applied_before_commit = true;
      held = nullptr;
    }
    Dedup(work, keys_in_group);
    if (Check(work, deltas, rejected) && !work.fresh.empty()) held = &work;
  }
  for (const auto& [key, n] : rejected) {
    counts_[key] += n;
    pending_counts_[key] += n;
  }
  const bool any_fresh = held != nullptr || applied_before_commit;
  if (!any_fresh) {
    // Nothing new to store (duplicates, rejections): the counts are visible
    // now and written with the next commit, or within a second; a pure
    // duplicate costs no sync of its own.
    for (const auto& [key, n] : deltas) {
      counts_[key] += n;
      pending_counts_[key] += n;
    }
    deltas.clear();
  }
  const bool writes = lost.ok() && (any_fresh || (flush_counts && !pending_counts_.empty()));
  Status committed;
  if (grouped && !writes) store_.EndGroup();
  if (writes) {
    EventCounts all = deltas;
    for (const auto& [key, n] : pending_counts_) all[key] += n;
    committed = store_status();
    if (committed.ok()) committed = Commit(group, all);
    if (grouped && !committed.ok()) store_.EndGroup();
    // A file deleted or replaced during the commit took the group with it.
    if (committed.ok()) committed = store_status();
  }
  if (committed.ok()) {
    if (held != nullptr) Apply(*held, keys_in_group, transitions);
    for (const Work& work : group) {
      events_since_snapshot_ += work.fresh.size();
      applied_seq_ += static_cast<int64_t>(work.fresh.size());
    }
    if (writes) {
      ++commits_;
      for (const auto& [key, delta] : deltas) counts_[key] += delta;
      pending_counts_.clear();
    }
  } else if (any_fresh) {
    Unwind(group, committed, applied_before_commit);
    transitions.clear();
  } else {
    // Only counts were to be written: they stay waiting, and the requests
    // (duplicates, rejections) keep their answers, which needed no write.
    spdlog::error("{}; {} count(s) wait for the next commit", committed.message(), pending_counts_.size());
  }
  const bool counts_wait = !pending_counts_.empty();
  NoteSeals();
  lock.unlock();
  if (counts_wait) CountsWaiting();
  for (const std::string& line : TransitionLines(transitions)) spdlog::info("{}", line);
  one_group.unlock();
  for (Work& work : group) {
    if (work.done) work.done(std::move(work.outcome));
  }
}

// Step 1: drop what is stored already, or accepted earlier in the group.
// A sender-chosen key stored (or taken earlier in the group) with other
// content rejects the whole request as Conflict naming the key.
void IngestService::Dedup(Work& work, const GroupKeys& keys_in_group) {
  IngestOutcome& out = work.outcome;
  out.incident_ids.resize(work.events.size());
  GroupKeys keys_in_request;
  for (size_t i = 0; i < work.events.size(); ++i) {
    Event& event = work.events[i].event;
    event.dedup_key = tracker_->DedupKeyOf(event);  // the state of earlier requests decides
    const std::string& key = event.dedup_key;
    const std::string& raw = work.events[i].raw;
    KeyMatch match = KeyMatch::kAbsent;
    const std::string_view* earlier = nullptr;
    if (auto it = keys_in_group.find(key); it != keys_in_group.end()) {
      earlier = &it->second;
    } else if (auto in_request = keys_in_request.find(key); in_request != keys_in_request.end()) {
      earlier = &in_request->second;
    }
    if (earlier != nullptr) {
      match = *earlier == raw ? KeyMatch::kSameContent : KeyMatch::kOtherContent;
    } else {
      Result<KeyMatch> stored = store_.Match(key, raw);
      if (!stored.ok()) {
        out.status = stored.status();
        work.fresh.clear();
        return;
      }
      match = *stored;
    }
    if (match == KeyMatch::kOtherContent && SenderChoseKey(key)) {
      std::string field;
      if (work.events.size() > 1) {  // built in steps: GCC 12 warns falsely on "[" + to_string(i)
        field = "[";
        field += std::to_string(i);
        field += "].";
      }
      field += "id";
      const size_t id_at = key.find(':', 3) + 1;  // "ev:<type>:<id>"
      out.status = Status::Conflict(std::move(field), "\"" + key.substr(id_at) + "\" was already used by a different " +
                                                          key.substr(3, id_at - 4) +
                                                          " event; an id names one event: re-send it unchanged, or "
                                                          "give a new event a new id")
                       .WithSource(work.source);
      out.duplicates = 0;
      work.fresh.clear();
      return;
    }
    if (match == KeyMatch::kAbsent) {
      keys_in_request.emplace(key, raw);
      work.fresh.push_back(i);
    } else {
      ++out.duplicates;
    }
  }
}

// Step 2: all or nothing per request. False when the request is rejected.
bool IngestService::Check(Work& work, EventCounts& deltas, EventCounts& rejected) {
  IngestOutcome& out = work.outcome;
  if (!out.status.ok()) {
    // A conflict found by Dedup is the request's fault; a store that cannot
    // be read is not.
    if (out.status.code() != StatusCode::kUnavailable) ++rejected[{work.source, "rejected"}];
    return false;
  }
  std::vector<const Event*> batch;
  batch.reserve(work.fresh.size());
  for (size_t i : work.fresh) batch.push_back(&work.events[i].event);
  out.status = tracker_->Check(batch).WithSource(work.source);
  if (!out.status.ok()) {
    work.fresh.clear();
    ++rejected[{work.source, "rejected"}];
    return false;
  }
  out.accepted = work.fresh.size();
  if (out.accepted) deltas[{work.source, "accepted"}] += out.accepted;
  if (out.duplicates) deltas[{work.source, "duplicate"}] += out.duplicates;
  // A request that is not wholly a re-send adds its request-level counts once.
  if (out.accepted > 0) {
    for (const ParsedEvent& e : work.events) {
      for (const auto& [key, n] : e.request_counts) {
        deltas[key] += n;
        if (key.first == kAlertsTruncated) {
          spdlog::warn("{}: receiver \"{}\" left {} alert(s) out of a notification (truncatedAlerts): their "
                       "resolutions may never arrive; set max_alerts: 0 on debriefd's receiver",
                       work.source, key.second, n);
        }
      }
    }
  }
  return true;
}

// Step 3: apply to the tracker (readers wait for the lock until the commit),
// noting each incident's first transition in the group and its source.
void IngestService::Apply(Work& work, GroupKeys& keys_in_group, GroupTransitions& transitions) {
  for (size_t i : work.fresh) {
    const Event& e = work.events[i].event;
    if (Status s = tracker_->Apply(e, &work.outcome.incident_ids[i]); !s.ok()) {
      spdlog::error("a checked event failed to apply: {}", s.message());
    }
    keys_in_group.emplace(e.dedup_key, work.events[i].raw);  // (after the commit: no longer read)
  }
  for (const IncidentTracker::Transition& t : tracker_->TakeTransitions()) {
    transitions.emplace(t.index, std::make_pair(t, work.source));  // the first one stays
  }
}

// Step 4: one synced transaction for the group's events and counter deltas.
Status IngestService::Commit(std::vector<Work>& group, const EventCounts& deltas) {
  std::vector<StoredEvent> rows;
  for (Work& work : group) {
    for (size_t i : work.fresh) {
      const Event& e = work.events[i].event;
      rows.push_back({0, e.source, e.dedup_key, e.received_at, std::move(work.events[i].raw)});
    }
  }
  return store_.Append(rows, deltas);
}

// The commit failed: nothing of the group is on disk, so nothing of it may
// become visible. When only the held request was left, the state was never
// touched; otherwise the requests applied before the commit are undone by
// re-reading the store (the state as it is on disk). Rejections, already
// counted in memory, wait for the next commit, so that neither the running
// process nor a restart ever shows a counter going down.
void IngestService::Unwind(std::vector<Work>& group, const Status& why, bool applied) {
  Status unavailable = why.code() == StatusCode::kUnavailable ? why : Status::Unavailable(why.message());
  {
    std::lock_guard<std::mutex> lock(store_mu_);
    // A lost store file was logged once, when it was found.
    if (store_failure_.ok()) spdlog::error("{}; {} request(s) answered 503", why.message(), group.size());
  }
  for (Work& work : group) {
    work.fresh.clear();
    work.outcome.accepted = 0;
    work.outcome.incident_ids.assign(work.outcome.incident_ids.size(), "");
    if (work.outcome.status.ok()) work.outcome.status = unavailable;
  }
  if (!applied) return;
  Result<Rebuilt> rebuilt = RebuildTracker(policy_, learned_pending_);
  if (rebuilt.ok()) {
    Adopt(std::move(rebuilt.value()));
    return;
  }
  if (store_.shared()) {
    // The database is away: reads answer 503 until the writer, which
    // retries every second, has re-read the state (CatchUpLocked).
    stale_ = true;
    spdlog::error("the state cannot be re-read after a failed commit ({}); reads answer 503 until it is",
                  rebuilt.status().message());
    return;
  }
  // The state holds requests that are not on disk and the disk cannot be
  // read back: stop taking writes and say so on /readyz.
  StoreFailed(Status::Unavailable("the state could not be restored after a failed commit (" +
                                  rebuilt.status().message() + ")"));
}

// One line per incident the group opened, reopened or resolved, comparing
// its state before the group with its state now.
std::vector<std::string> IngestService::TransitionLines(const GroupTransitions& transitions) const {
  std::vector<std::string> lines;
  if (transitions.empty()) return lines;
  std::vector<std::pair<IncidentTracker::Transition, std::string>> ordered;
  for (const auto& [index, t] : transitions) ordered.push_back(t);
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first.index < b.first.index; });
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [before, source] : ordered) {
    const Incident& after = tracker_->incidents()[before.index];
    const char* what = !before.existed                     ? "opened"
                       : !before.was_open && after.open    ? "reopened"
                       : before.was_open && !after.open    ? "resolved"
                                                           : nullptr;
    if (what == nullptr) continue;
    lines.push_back(fmt::format("incident {} {}: service=\"{}\" severity=\"{}\" source={}", after.id, what,
                                after.service, after.severity, source));
  }
  return lines;
}

}  // namespace debriefd
