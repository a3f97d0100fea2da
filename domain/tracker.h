#pragma once
// IncidentTracker: the incident state machine, clocking and debrief loop.
//
// Pure domain logic: no I/O and no clock. Every event carries the time it was
// received, and queries that depend on "now" take it as an argument, so the same
// sequence of events always produces the same incidents and counters, whether
// it arrives live, is replayed from a file, or is rebuilt from the store.
//
// Not thread-safe: the owner serialises access (see collector/service).

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "domain/event.h"
#include "domain/incident.h"
#include "domain/policy.h"
#include "domain/status.h"

namespace debriefd {

// A cumulative-friendly histogram: counts per bucket (last one is +Inf).
struct Histogram {
  std::vector<double> upper_bounds;  // ascending, without +Inf
  std::vector<uint64_t> counts;      // size upper_bounds.size() + 1
  double sum = 0;
  uint64_t count = 0;

  explicit Histogram(std::vector<double> bounds = {});
  void Observe(double v);
};

// Counters per (service, severity). They only grow while the process runs,
// and rebuilding from the store reproduces them.
struct IncidentCounters {
  uint64_t opened = 0;
  uint64_t repeats = 0;
  uint64_t counted = 0;  // incidents observed into the histograms
  uint64_t with_suspected_cause = 0;
  uint64_t auto_resolved = 0;
  uint64_t detect_met = 0, detect_missed = 0;
  uint64_t fix_met = 0, fix_missed = 0;
  uint64_t debriefs_on_time = 0, debriefs_late = 0;
  Histogram time_to_detect;
  Histogram time_to_fix;
};

using ServiceSeverity = std::pair<std::string, std::string>;

// Gauges that depend on the current time, for /metrics.
struct OverdueDebrief {
  std::string incident_id, service, severity;
  Duration overdue_by{};
};
struct GaugeSnapshot {
  std::map<ServiceSeverity, uint64_t> open;
  std::map<ServiceSeverity, uint64_t> debriefs_overdue;
  std::map<ServiceSeverity, uint64_t> checkpoints_overdue;
  std::map<std::string, uint64_t> action_items_open;     // by service
  std::map<std::string, uint64_t> action_items_overdue;  // by service
  std::vector<OverdueDebrief> overdue_debriefs;
};

// What checked but not yet applied events create, so that later events (of
// the same batch, or of a later request in the same group commit) may refer
// to it before anything is applied.
struct BatchOverlay {
  std::unordered_set<std::string> incidents;
  std::unordered_set<std::string> debriefed;
  std::unordered_set<std::string> changes;
  std::unordered_set<std::string> action_items;
};

class IncidentTracker {
 public:
  explicit IncidentTracker(Policy policy);

  // Checks, without changing anything, that the events could be applied in
  // order: referenced incidents, changes and action items exist (or are
  // created earlier in the same batch), checkpoints follow debriefs, ids are
  // not taken. The returned Status names the event index and field. With
  // `group`, what earlier checked batches create counts as existing, and on
  // success this batch's creations are added to it (all or nothing).
  Status Check(const std::vector<const Event*>& batch, BatchOverlay* group = nullptr) const;

  // Applies one event. Advance(event.received_at) happens first, so counting
  // is the same live and on replay. An event that Check would reject is
  // ignored and its Status returned. `incident_id` (optional) receives the
  // incident the event opened or touched.
  Status Apply(const Event& event, std::string* incident_id = nullptr);

  // Counts incidents that have stayed resolved past `reopen_within` by `now`
  // into the histograms and goal counters. Time never moves backwards here.
  void Advance(Time now);

  const Policy& policy() const { return policy_; }
  const std::vector<Incident>& incidents() const { return incidents_; }
  const Incident* Find(std::string_view id) const;
  const ChangeEvent* FindChange(std::string_view id) const;
  const std::vector<ChangeEvent>& changes() const { return changes_; }
  const std::map<std::string, ActionItem>& action_items() const { return action_items_; }

  // The latest change to the incident's service within `cause_window` before
  // its start, or nullptr.
  const ChangeEvent* SuspectedCause(const Incident& inc) const;
  Clocking ClockOf(const Incident& inc) const;
  DebriefView DebriefOf(const Incident& inc, Time now) const;
  CheckpointView CheckpointAt(const Incident& inc, Time now) const;
  bool DebriefRequired(const Incident& inc) const;

  const std::map<ServiceSeverity, IncidentCounters>& counters() const { return counters_; }
  const std::map<std::pair<std::string, std::string>, uint64_t>& changes_total() const {
    return changes_total_;
  }
  GaugeSnapshot Gauges(Time now) const;
  // Histogram bucket bounds in seconds (the fixed set plus every goal).
  const std::vector<double>& bucket_bounds() const { return bounds_; }

 private:
  Status CheckOne(const Event& e, struct BatchOverlay& overlay) const;
  size_t OpenIncident(std::string id, std::string key, std::string service, std::string severity,
                      std::string title, Time detected_at);
  void ApplyAlert(const AlertNotification& a, Time received_at, std::string* incident_id);
  void ApplyChange(const ChangeEvent& c);
  void Resolve(size_t idx, Time at, const char* kind);
  void Reopen(size_t idx, Time at, const std::string& why);
  void RecomputeStart(Incident& inc);
  void Count(size_t idx);
  std::string KeyFor(const std::map<std::string, std::string>& labels,
                     const std::string& fallback) const;
  std::string NextIncidentId();
  IncidentCounters& CountersFor(const Incident& inc);
  void AddActionItem(Incident& inc, const ActionItemSpec& spec, Time at);

  Policy policy_;
  std::vector<double> bounds_;
  Time now_{};

  std::vector<Incident> incidents_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, size_t> latest_by_key_;
  std::unordered_map<std::string, size_t> by_alert_instance_;  // fingerprint@startsAt
  std::set<std::pair<Time, size_t>> pending_count_;  // (resolved_at + reopen_within, idx)
  uint64_t next_generated_id_ = 1;

  std::vector<ChangeEvent> changes_;
  std::unordered_map<std::string, size_t> change_by_id_;
  std::map<std::string, std::multimap<Time, size_t>> changes_by_service_;

  std::map<std::string, ActionItem> action_items_;

  std::map<ServiceSeverity, IncidentCounters> counters_;
  std::map<std::pair<std::string, std::string>, uint64_t> changes_total_;  // (service, kind)
};

}  // namespace debriefd
