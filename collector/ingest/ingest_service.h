#pragma once
// IngestService owns the incident state and the path of every event into it.
//
// Writes: parsed requests are queued to one writer thread, which takes
// everything queued, drops duplicates (by dedup key), checks each request
// against the tracker (all-or-nothing per request), appends the accepted events
// to the store in ONE synced transaction (group commit), and only then calls
// each request's completion. No completion reports success before its events
// are on disk. If the commit fails, every request of the group gets Unavailable
// and the tracker is rebuilt from the store.
//
// Reads: Read() runs a function under the state lock after advancing the
// tracker to the clock's now. Thread-safe.

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/event_store.h"
#include "domain/tracker.h"
#include "collector/sources/source.h"

namespace debriefd {

struct IngestOutcome {
  Status status;            // OK, or why nothing of the request was stored
  size_t accepted = 0;      // events newly stored
  size_t duplicates = 0;    // events already stored (ignored)
  std::vector<std::string> incident_ids;  // per event; empty where none
};

class IngestService {
 public:
  using Done = std::function<void(IngestOutcome)>;

  IngestService(EventStore& store, Policy policy, const Clock& clock);
  ~IngestService();
  IngestService(const IngestService&) = delete;
  IngestService& operator=(const IngestService&) = delete;

  // Rebuilds the tracker and counters from the store. Call once, before Start.
  // Returns the number of stored events that could not be re-read (logged).
  Result<size_t> Load();

  // Starts and stops the writer thread. Stop completes what is queued.
  void Start();
  void Stop();

  // Queues a parsed request; `done` runs on the writer thread when it is
  // durable (or rejected). Requires Start(). When too many events are already
  // waiting, `done` runs at once with Unavailable (HTTP 503, Retry-After).
  void Submit(std::string source, std::vector<ParsedEvent> events, Done done);
  // Submit and wait; works with or without the writer thread (replay uses it
  // without one).
  IngestOutcome SubmitAndWait(std::string source, std::vector<ParsedEvent> events);
  // Processes several requests as one group on the calling thread, without the
  // writer thread (replay uses it to import in large, few commits).
  std::vector<IngestOutcome> ProcessNow(std::vector<std::pair<std::string, std::vector<ParsedEvent>>> requests);
  // Counts a request that was rejected before it reached the queue.
  void CountRejected(const std::string& source);

  // Runs fn(tracker, now) under the state lock, after Advance(now).
  template <typename F>
  auto Read(F&& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    Time now = clock_.Now();
    tracker_->Advance(now);
    return fn(static_cast<const IncidentTracker&>(*tracker_), now);
  }

  Time now() const { return clock_.Now(); }

  // debriefd_events_total, as persisted plus what is in flight.
  EventCounts event_counts() const;
  // True once Load succeeded and the writer runs (for /readyz).
  bool ready() const;
  // Number of group commits and events committed since start (for metrics).
  uint64_t commits() const;

 private:
  struct Work {
    std::string source;
    std::vector<ParsedEvent> events;
    Done done;
  };
  void Run();
  void ProcessGroup(std::vector<Work>& group);
  Status Rebuild();

  EventStore& store_;
  Policy policy_;
  const Clock& clock_;

  mutable std::mutex mu_;  // guards tracker_ and counts_
  std::unique_ptr<IncidentTracker> tracker_;
  EventCounts counts_;
  EventCounts pending_rejections_;
  uint64_t commits_ = 0;
  bool loaded_ = false;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Work> queue_;
  size_t queued_events_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace debriefd
