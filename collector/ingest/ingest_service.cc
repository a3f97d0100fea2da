#include "collector/ingest/ingest_service.h"

#include "collector/sources/registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <unordered_set>

namespace debriefd {

IngestService::IngestService(EventStore& store, Policy policy, const Clock& clock, IngestLimits limits)
    : store_(store), policy_(std::move(policy)), clock_(clock), limits_(limits),
      tracker_(std::make_unique<IncidentTracker>(policy_)) {}

IngestService::~IngestService() { Stop(); }

// Re-reads every stored event into a new tracker. Touches no member state
// but the store (and sources_, set before Load), so it may run with or
// without the state lock.
void IngestService::SetLearnedPending(std::map<std::string, Duration> pending) {
  std::lock_guard<std::mutex> lock(mu_);
  learned_pending_ = pending;
  tracker_->SetLearnedPending(std::move(pending));
}

Result<IngestService::Rebuilt> IngestService::RebuildTracker(std::map<std::string, Duration> learned_pending) {
  Rebuilt out{std::make_unique<IncidentTracker>(policy_), 0};
  out.tracker->SetLearnedPending(std::move(learned_pending));
  Status s = store_.ForEach([&](const StoredEvent& stored) {
    Result<Event> e = ParseStoredEvent(stored.source, stored.raw, stored.received_at, SettingsOf(sources_, stored.source));
    if (!e.ok()) {
      // Kept in the store (a later version may read it) but lost to the state.
      ++out.unreadable;
      Status lost = Status::DataLoss("event " + std::to_string(stored.seq) + " cannot be re-read: " +
                                     e.status().message()).WithSource("store");
      spdlog::error("{}", lost.message());
      return Status::Ok();
    }
    e->dedup_key = stored.dedup_key;
    if (Status applied = out.tracker->Apply(*e); !applied.ok()) {
      spdlog::warn("store: event {} no longer applies: {}", stored.seq, applied.message());
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<size_t> IngestService::Load() {
  std::map<std::string, Duration> learned;
  {
    std::lock_guard<std::mutex> lock(mu_);
    learned = learned_pending_;
  }
  Result<Rebuilt> rebuilt = RebuildTracker(std::move(learned));
  if (!rebuilt.ok()) return rebuilt.status();
  Result<EventCounts> counts = store_.LoadCounts();
  if (!counts.ok()) return counts.status();
  std::lock_guard<std::mutex> lock(mu_);
  tracker_ = std::move(rebuilt->tracker);
  counts_ = std::move(counts.value());
  unreadable_ = rebuilt->unreadable;
  loaded_ = true;
  return static_cast<size_t>(unreadable_);
}

void IngestService::Start() {
  std::lock_guard<std::mutex> lock(queue_mu_);
  if (writer_.joinable()) return;
  stopping_ = false;
  writer_ = std::thread([this] { Run(); });
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
  }
  // Counts not yet on disk (rejections counted without the writer) are
  // written now; an empty group writes nothing when there are none.
  std::vector<Work> none;
  ProcessGroup(none);
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
    ++pending_rejections_[{source, result}];
  }
  // The writer commits it promptly, without waiting for an accepted request:
  // a counter on disk is one that continues after a restart.
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    counts_waiting_ = true;
  }
  queue_cv_.notify_one();
}

EventCounts IngestService::event_counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

bool IngestService::ready() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loaded_;
}

uint64_t IngestService::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

uint64_t IngestService::unreadable_events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unreadable_;
}

void IngestService::Run() {
  for (;;) {
    std::vector<Work> group;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || counts_waiting_ || !queue_.empty(); });
      if (queue_.empty() && !counts_waiting_) return;  // stopping, and nothing left
      counts_waiting_ = false;  // the group below (even an empty one) commits them
      size_t events = 0;
      while (!queue_.empty() && (group.empty() || events + queue_.front().events.size() <= limits_.max_group_events)) {
        events += queue_.front().events.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_events_ -= events;
    }
    ProcessGroup(group);
  }
}

// The state lock is held from the first apply until the commit is durable:
// readers wait for at most one group, and never see an event that is not on
// disk. Requests are applied one after another (not all checked first) because
// a later request may refer to what an earlier one created, including
// incidents that alerts open under ids the tracker generates.
void IngestService::ProcessGroup(std::vector<Work>& group) {
  std::lock_guard<std::mutex> one_group(group_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  // `counted`: results already in counts_ (rejections, and what was decided
  // before the queue), to be written; `deltas`: what this group adds.
  EventCounts counted, deltas;
  counted.swap(pending_rejections_);
  // Never before what the tracker has seen: a read may have advanced it past
  // the moment a request was parsed, and its events must not apply "earlier".
  const Time stamp = std::max(clock_.Now(), tracker_->now());
  std::unordered_set<std::string> keys_in_group;
  for (Work& work : group) {
    if (work.live) {
      for (ParsedEvent& e : work.events) e.event.received_at = stamp;
    }
    Dedup(work, keys_in_group);
    if (Check(work, deltas, counted)) Stage(work, keys_in_group);
  }
  EventCounts all = deltas;
  for (const auto& [key, n] : counted) all[key] += n;
  bool writes = !all.empty() || std::any_of(group.begin(), group.end(), [](const Work& w) { return !w.fresh.empty(); });
  Status committed = writes ? Commit(group, all) : Status::Ok();
  if (committed.ok()) {
    if (writes) Publish(deltas);
  } else {
    Unwind(group, counted, committed);
  }
  lock.unlock();
  for (Work& work : group) {
    if (work.done) work.done(std::move(work.outcome));
  }
}

// Step 1: drop what is stored already, or accepted earlier in the group.
void IngestService::Dedup(Work& work, const std::unordered_set<std::string>& keys_in_group) {
  IngestOutcome& out = work.outcome;
  out.incident_ids.resize(work.events.size());
  std::unordered_set<std::string> keys_in_request;
  for (size_t i = 0; i < work.events.size(); ++i) {
    Event& event = work.events[i].event;
    event.dedup_key = tracker_->DedupKeyOf(event);  // the state of earlier requests decides
    const std::string& key = event.dedup_key;
    if (keys_in_group.count(key) || keys_in_request.count(key)) {
      ++out.duplicates;
      continue;
    }
    Result<bool> stored = store_.Contains(key);
    if (!stored.ok()) {
      out.status = stored.status();
      work.fresh.clear();
      return;
    }
    if (*stored) {
      ++out.duplicates;
    } else {
      keys_in_request.insert(key);
      work.fresh.push_back(i);
    }
  }
}

// Step 2: all or nothing per request. False when the request is rejected.
bool IngestService::Check(Work& work, EventCounts& deltas, EventCounts& counted) {
  IngestOutcome& out = work.outcome;
  if (!out.status.ok()) return false;
  std::vector<const Event*> batch;
  batch.reserve(work.fresh.size());
  for (size_t i : work.fresh) batch.push_back(&work.events[i].event);
  out.status = tracker_->Check(batch).WithSource(work.source);
  if (!out.status.ok()) {
    work.fresh.clear();
    ++counted[{work.source, "rejected"}];
    ++counts_[{work.source, "rejected"}];  // a rejection is a fact whether or not the commit succeeds
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

// Step 3: apply to the tracker (still invisible: the state lock is held).
void IngestService::Stage(Work& work, std::unordered_set<std::string>& keys_in_group) {
  for (size_t i : work.fresh) {
    const Event& e = work.events[i].event;
    if (Status s = tracker_->Apply(e, &work.outcome.incident_ids[i]); !s.ok()) {
      spdlog::error("a checked event failed to apply: {}", s.message());
    }
    keys_in_group.insert(e.dedup_key);
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

// Step 5: the group is durable; count it. Rejections were counted when they
// happened.
void IngestService::Publish(const EventCounts& deltas) {
  ++commits_;
  for (const auto& [key, delta] : deltas) counts_[key] += delta;
}

// The commit failed: nothing of the group is on disk, so nothing of it may
// stay applied. The tracker is rebuilt from the store; the group's rejections,
// already counted in memory, wait for the next commit so that neither the
// running process nor a restart ever shows a counter going down.
void IngestService::Unwind(std::vector<Work>& group, const EventCounts& counted, const Status& why) {
  Status unavailable = why.code() == StatusCode::kUnavailable ? why : Status::Unavailable(why.message());
  spdlog::error("{}; {} request(s) answered 503", why.message(), group.size());
  bool staged = false;
  for (Work& work : group) {
    staged = staged || !work.fresh.empty();
    work.fresh.clear();
    work.outcome.accepted = 0;
    work.outcome.incident_ids.assign(work.outcome.incident_ids.size(), "");
    if (work.outcome.status.ok()) work.outcome.status = unavailable;
  }
  for (const auto& [key, n] : counted) pending_rejections_[key] += n;
  if (!staged) return;
  Result<Rebuilt> rebuilt = RebuildTracker(learned_pending_);  // the state lock is held
  if (!rebuilt.ok()) {
    // The state no longer matches the store: stop answering reads as ready.
    spdlog::error("rebuild after a failed commit: {}", rebuilt.status().message());
    loaded_ = false;
    return;
  }
  tracker_ = std::move(rebuilt->tracker);
}

}  // namespace debriefd
