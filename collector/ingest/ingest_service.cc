#include "collector/ingest/ingest_service.h"

#include "collector/sources/registry.h"

#include <spdlog/spdlog.h>

#include <future>
#include <unordered_set>

namespace debriefd {
namespace {
// A group larger than this is split: it bounds the time one commit holds the
// state lock and the memory of one transaction.
constexpr size_t kMaxGroupEvents = 20000;
// Beyond this many queued events new requests get 503 with Retry-After instead
// of growing memory without bound while the disk falls behind.
constexpr size_t kMaxQueuedEvents = 500000;
}  // namespace

IngestService::IngestService(EventStore& store, Policy policy, const Clock& clock)
    : store_(store), policy_(std::move(policy)), clock_(clock),
      tracker_(std::make_unique<IncidentTracker>(policy_)) {}

IngestService::~IngestService() { Stop(); }

Status IngestService::Rebuild() {
  auto tracker = std::make_unique<IncidentTracker>(policy_);
  size_t unreadable = 0;
  Status s = store_.ForEach([&](const StoredEvent& stored) {
    Result<Event> e = ParseStoredEvent(stored.source, stored.raw, stored.received_at);
    if (!e.ok()) {
      ++unreadable;
      spdlog::warn("store: event {} cannot be re-read: {}", stored.seq, e.status().message());
      return Status::Ok();
    }
    e->dedup_key = stored.dedup_key;
    if (Status applied = tracker->Apply(*e); !applied.ok()) {
      spdlog::warn("store: event {} no longer applies: {}", stored.seq, applied.message());
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Result<EventCounts> counts = store_.LoadCounts();
  if (!counts.ok()) return counts.status();
  std::lock_guard<std::mutex> lock(mu_);
  tracker_ = std::move(tracker);
  counts_ = std::move(counts.value());
  if (unreadable > 0) counts_[{"store", "unreadable"}] = unreadable;
  return Status::Ok();
}

Result<size_t> IngestService::Load() {
  if (Status s = Rebuild(); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  loaded_ = true;
  auto it = counts_.find({"store", "unreadable"});
  size_t unreadable = it == counts_.end() ? 0 : it->second;
  if (it != counts_.end()) counts_.erase(it);
  return unreadable;
}

void IngestService::Start() {
  std::lock_guard<std::mutex> lock(queue_mu_);
  if (writer_.joinable()) return;
  stopping_ = false;
  writer_ = std::thread([this] { Run(); });
}

void IngestService::Stop() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (!writer_.joinable()) return;
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_.join();
}

void IngestService::Submit(std::string source, std::vector<ParsedEvent> events, Done done) {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (queued_events_ + events.size() > kMaxQueuedEvents) {
      IngestOutcome busy;
      busy.status = Status::Unavailable(std::to_string(queued_events_) +
                                        " events are waiting for the store; retry later")
                          .WithSource("ingest");
      done(std::move(busy));
      return;
    }
    queued_events_ += events.size();
    queue_.push_back({std::move(source), std::move(events), std::move(done)});
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
    group.push_back({std::move(source), std::move(events), std::move(done)});
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
                     [&outcomes, i](IngestOutcome o) { outcomes[i] = std::move(o); }});
  }
  ProcessGroup(group);
  return outcomes;
}

void IngestService::CountRejected(const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[{source, "rejected"}];
  ++pending_rejections_[{source, "rejected"}];
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

void IngestService::Run() {
  for (;;) {
    std::vector<Work> group;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      size_t events = 0;
      while (!queue_.empty() && (group.empty() || events + queue_.front().events.size() <= kMaxGroupEvents)) {
        events += queue_.front().events.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_events_ -= events;
    }
    ProcessGroup(group);
  }
}

void IngestService::ProcessGroup(std::vector<Work>& group) {
  std::vector<IngestOutcome> outcomes(group.size());
  std::vector<StoredEvent> rows;
  EventCounts deltas;
  std::unordered_set<std::string> keys_in_group;
  bool any_accepted = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    deltas.swap(pending_rejections_);
    for (size_t w = 0; w < group.size(); ++w) {
      Work& work = group[w];
      IngestOutcome& out = outcomes[w];
      out.incident_ids.resize(work.events.size());
      // Drop what is already stored or already earlier in this group.
      std::vector<size_t> fresh;
      std::unordered_set<std::string> keys_in_request;
      for (size_t i = 0; i < work.events.size(); ++i) {
        const std::string& key = work.events[i].event.dedup_key;
        if (keys_in_group.count(key) || keys_in_request.count(key)) {
          ++out.duplicates;
          continue;
        }
        Result<bool> stored = store_.Contains(key);
        if (!stored.ok()) {
          out.status = stored.status();
          break;
        }
        if (*stored) {
          ++out.duplicates;
        } else {
          keys_in_request.insert(key);
          fresh.push_back(i);
        }
      }
      if (!out.status.ok()) continue;
      std::vector<const Event*> batch;
      batch.reserve(fresh.size());
      for (size_t i : fresh) batch.push_back(&work.events[i].event);
      out.status = tracker_->Check(batch).WithSource(work.source);
      if (!out.status.ok()) {
        ++deltas[{work.source, "rejected"}];
        ++counts_[{work.source, "rejected"}];
        continue;
      }
      for (size_t i : fresh) {
        ParsedEvent& pe = work.events[i];
        if (Status s = tracker_->Apply(pe.event, &out.incident_ids[i]); !s.ok()) {
          spdlog::error("checked event failed to apply: {}", s.message());
        }
        rows.push_back({0, pe.event.source, pe.event.dedup_key, pe.event.received_at, std::move(pe.raw)});
        keys_in_group.insert(pe.event.dedup_key);
      }
      out.accepted = fresh.size();
      if (out.accepted) deltas[{work.source, "accepted"}] += out.accepted;
      if (out.duplicates) deltas[{work.source, "duplicate"}] += out.duplicates;
      any_accepted = any_accepted || out.accepted > 0;
    }
  }

  Status committed = store_.Append(rows, deltas);
  if (!committed.ok()) {
    spdlog::error("{}; {} request(s) answered 503", committed.message(), group.size());
    for (IngestOutcome& out : outcomes) {
      if (out.status.ok()) out.status = committed;
      out.accepted = 0;
    }
    // What was applied to the tracker is not on disk: start again from what is.
    if (any_accepted) {
      if (Status s = Rebuild(); !s.ok()) spdlog::error("rebuild after failed commit: {}", s.message());
    }
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    ++commits_;
    for (const auto& [key, delta] : deltas) {
      if (key.second != "rejected") counts_[key] += delta;
    }
  }
  for (size_t w = 0; w < group.size(); ++w) {
    if (group[w].done) group[w].done(std::move(outcomes[w]));
  }
}

}  // namespace debriefd
