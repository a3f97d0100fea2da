#pragma once
// IncidentTracker: applies events to incidents, changes and action items.
//
// Pure domain logic: no I/O and no clock. Every event carries the time it was
// received, and queries that depend on "now" take it as an argument, so the same
// sequence of events always produces the same incidents and counters, whether
// it arrives live, is replayed from a file, or is rebuilt from the store.
//
// The rules live beside it: batch_check.h (what may be applied), clocking.h
// (time to detect and fix, debrief and checkpoint status), counters.h (what
// /metrics counts), changes.h (the change log and suspected causes).
//
// Not thread-safe: the owner serialises access (see collector/ingest).

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "domain/alert_index.h"
#include "domain/batch_check.h"
#include "domain/changes.h"
#include "domain/clocking.h"
#include "domain/counters.h"
#include "domain/event.h"
#include "domain/incident.h"
#include "domain/policy.h"
#include "domain/status.h"

namespace debriefd {

class IncidentTracker {
 public:
  explicit IncidentTracker(Policy policy);

  // Checks, without changing anything, that the events could be applied in
  // order (batch_check.h). The returned Status names the event index and
  // field. With `group`, what earlier checked batches create counts as
  // existing, and on success this batch's creations are added to it (all or
  // nothing).
  Status Check(const std::vector<const Event*>& batch, BatchOverlay* group = nullptr) const;

  // Applies one event. Advance(event.received_at) happens first, so counting
  // is the same live and on replay. An event that the rules of state reject
  // is ignored and its Status returned; the rules of input (clock skew, a
  // resolution before detection: batch_check.h) are Check's alone, so what was
  // accepted once re-applies the same at restart. `incident_id` (optional) receives the
  // incident the event opened or touched.
  Status Apply(const Event& event, std::string* incident_id = nullptr);

  // The key under which `event` is a duplicate of what is stored. Usually its
  // own; for a firing alert whose fingerprint's latest period has resolved, it
  // names that resolution too, because the same body then announces a re-fire
  // (docs/clocking.md, "A firing alert after its own resolution").
  std::string DedupKeyOf(const Event& event) const;

  // Counts incidents that have stayed resolved past `reopen_within` by `now`
  // into the histograms and goal counters. Time never moves backwards here.
  void Advance(Time now);
  // The time the tracker has advanced to (by Advance or Apply).
  Time now() const { return now_; }

  const Policy& policy() const { return policy_; }

  // Incidents opened, reopened or resolved, recorded while RecordTransitions
  // is on (the ingest log of each durable group): each incident once, in the
  // order of its first change, with its state before that change.
  struct Transition {
    size_t index = 0;      // in incidents()
    bool existed = false;  // false: opened since recording began
    bool was_open = false;
  };
  void RecordTransitions(bool on) { record_transitions_ = on; }
  // What was recorded since the last call; clears it.
  std::vector<Transition> TakeTransitions();
  // `for:` delays learned from Prometheus (alerts.pending_from), by alert
  // name; alerts.pending overrides them. They apply to alerts applied from
  // now on: onsets already recorded stay as they were.
  void SetLearnedPending(std::map<std::string, Duration> pending) { learned_pending_ = std::move(pending); }
  const std::vector<Incident>& incidents() const { return incidents_; }

  // Sealing (IncidentDetail::Seal) of a counted incident's records. By
  // default Advance and Apply seal when they count. With DeferSeals(true)
  // they only list the incident, and the owner seals it in steps
  // (IncidentDetail::Sealing) without holding its lock meanwhile. A restored
  // snapshot lists the counted incidents it holds unsealed (saved while
  // listed).
  void DeferSeals(bool on) { defer_seals_ = on; }
  bool has_unsealed() const { return !unsealed_.empty(); }
  // The next listed incident's index (and unlists it); unsealed_ must not be empty.
  size_t TakeUnsealed();
  // The records of incident `idx`, for the owner's Sealing::Install.
  IncidentDetail& detail_to_seal(size_t idx) { return incidents_[idx].detail; }
  const Incident* Find(std::string_view id) const;
  const ChangeEvent* FindChange(std::string_view id) const { return changes_.Find(id); }
  const std::vector<ChangeEvent>& changes() const { return changes_.all(); }
  const std::map<std::string, ActionItem>& action_items() const { return action_items_; }
  // Counters of the action items' lives, by service (they only grow).
  const ActionItemCounters& action_item_counters() const { return item_counters_; }

  // The latest change to the incident's service within `cause_window` before
  // its start, or nullptr.
  const ChangeEvent* SuspectedCause(const Incident& inc) const;
  Clocking ClockOf(const Incident& inc) const { return debriefd::ClockOf(policy_, inc); }
  DebriefView DebriefOf(const Incident& inc, Time now) const { return debriefd::DebriefOf(policy_, inc, now); }
  CheckpointView CheckpointAt(const Incident& inc, Time now) const {
    return debriefd::CheckpointAt(policy_, inc, now);
  }
  bool DebriefRequired(const Incident& inc) const { return debriefd::DebriefRequired(policy_, inc); }

  const std::map<ServiceSeverity, IncidentCounters>& counters() const { return counters_; }
  const std::map<std::pair<std::string, std::string>, uint64_t>& changes_total() const {
    return changes_.totals();
  }
  // Changes confirmed as a cause by a debrief, each once (ChangeLog::ConfirmCause).
  const std::map<std::pair<std::string, std::string>, uint64_t>& change_failures_total() const {
    return changes_.failure_totals();
  }
  const std::vector<ChangeFailure>& change_failures() const { return changes_.failures(); }
  // The gauges at `now` (counters.h; `max_overdue` caps the overdue list).
  GaugeSnapshot Gauges(Time now, size_t max_overdue = 0) const {
    return ComputeGauges(policy_, incidents_, action_items_, counters_, now, max_overdue);
  }
  // Histogram bucket bounds in seconds (the fixed set plus every goal).
  const std::vector<double>& bucket_bounds() const { return bounds_; }

  // --- Snapshots (tracker_snapshot.h, tracker_snapshot.cc) -----------------
  // The whole state as opaque bytes: incidents, indexes, changes, action items,
  // counters and learned `for:` delays; not what the policy gives (bucket
  // bounds, the compiled item pattern). A header holds the snapshot format,
  // the policy's digest and the digest of the rest.
  // `prefix` is written before them, in the same string (a snapshot may be
  // hundreds of megabytes: the caller's header costs no copy of it).
  std::string SaveSnapshot(std::string_view prefix = {}) const;
  // A tracker in the state of the one that saved `bytes` under `policy`: it
  // applies every later event as that one would. DataLoss when the bytes are
  // truncated, damaged or not a snapshot; FailedPrecondition when they are of
  // another format (kTrackerSnapshotFormat) or were saved under another policy.
  static Result<std::unique_ptr<IncidentTracker>> RestoreSnapshot(const Policy& policy, std::string_view bytes);
  friend struct TrackerSnapshotAccess;  // tracker_snapshot.cc reads and writes the members
  // --- end of snapshots ------------------------------------------------------

 private:
  // One overload per event type: a new event type that lacks its own does
  // not compile. `e` is the whole event (for received_at).
  void On(const AlertNotification& a, const Event& e, std::string* incident_id);
  void On(const ChangeEvent& c, const Event& e, std::string* incident_id);
  void On(const IncidentDeclared& d, const Event& e, std::string* incident_id);
  void On(const IncidentTransition& t, const Event& e, std::string* incident_id);
  void On(const DebriefCompleted& d, const Event& e, std::string* incident_id);
  void On(const DebriefUpdated& u, const Event& e, std::string* incident_id);  // tracker_debrief.cc
  void On(const DebriefWaived& w, const Event& e, std::string* incident_id);
  void On(const CheckpointCompleted& c, const Event& e, std::string* incident_id);
  void On(const ActionItemOpened& o, const Event& e, std::string* incident_id);
  void On(const ActionItemClosed& c, const Event& e, std::string* incident_id);
  void On(const TrackerIssue& i, const Event& e, std::string* incident_id);  // tracker_items.cc

  Incident& Touch(const std::string& id, std::string* incident_id);
  size_t OpenIncident(std::string id, std::string key, std::string service, std::string severity,
                      std::string title, Time detected_at);
  void Resolve(size_t idx, Time at, const char* kind);
  void Reopen(size_t idx, Time at, const std::string& why);
  void RecomputeStart(Incident& inc);
  void Count(size_t idx);
  void MarkDeclared(Incident& inc, const IncidentDeclared& b);
  void AddInstance(size_t idx, const AlertNotification& a, Time received_at, bool replaced);
  void ResolveInstance(size_t idx, size_t pos, Time ends_at, const std::string& alertname);
  size_t IncidentForNewAlert(const AlertNotification& a, Time received_at);
  const AlertInstance* LatestResolvedInstance(const std::string& fingerprint) const;
  void ResolveIfAllAlertsResolved(size_t idx, Time received_at);
  Time CountAt(Time resolved_at) const;
  std::string KeyFor(const std::map<std::string, std::string>& labels, const std::string& fallback) const;
  std::string NextIncidentId();
  // Numbers (service, severity) for Incident::tally_key: the first pair seen is 0.
  void NumberTallyKey(Incident& inc);
  IncidentCounters& CountersFor(const Incident& inc);
  void AddActionItem(Incident& inc, const ActionItemSpec& spec, Time at);
  // tracker_items.cc: which known incident a tracker issue names, or nullptr.
  Incident* IncidentNamedBy(const TrackerIssue& issue);
  void LinkItem(ActionItem& item, Incident* inc, Time at);
  void CloseItem(ActionItem& item, Time at);
  bool HasOpenItems(const Incident& inc) const;
  void ItemTimeline(const ActionItem& item, Time at, const char* kind);

  Policy policy_;
  std::map<std::string, Duration> learned_pending_;
  std::vector<double> bounds_;
  Time now_{};

  std::vector<Incident> incidents_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, size_t> latest_by_key_;
  // Each alert instance by fingerprint and startsAt, and each fingerprint's
  // active (latest) instance.
  AlertIndex alert_index_;
  std::set<std::pair<Time, size_t>> pending_count_;  // (CountAt(resolved_at), idx)
  uint64_t next_generated_id_ = 1;
  bool record_transitions_ = false;
  bool defer_seals_ = false;
  std::vector<size_t> unsealed_;  // counted, not sealed yet (DeferSeals)
  std::vector<Transition> transitions_;
  std::unordered_set<size_t> transitioned_;  // the indexes in transitions_
  void NoteTransition(size_t idx, bool existed, bool was_open);

  ChangeLog changes_;
  std::map<std::string, ActionItem> action_items_;
  ActionItemCounters item_counters_;
  // action_item_incident_pattern, compiled once (tracker_items.cc).
  struct ItemPattern;
  std::shared_ptr<const ItemPattern> item_pattern_;
  std::map<ServiceSeverity, IncidentCounters> counters_;
  std::unordered_map<ServiceSeverity, uint32_t, GaugeTallyHash, GaugeTallyEq> tally_keys_;
};

}  // namespace debriefd
