#pragma once
// What /metrics counts: counters per (service, severity) that only grow, and
// the gauges of one moment. Rebuilding from the store reproduces the
// counters exactly, so they continue across restarts.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/incident.h"
#include "domain/policy.h"

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

// Histogram bucket bounds in seconds: a fixed set plus every goal of the
// policy, so that bucket{le=goal} / count is the share that met it.
std::vector<double> BucketBounds(const Policy& policy);

// Counters per (service, severity).
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

  // Observes one incident that has stayed resolved: its clocking, goals,
  // suspected cause and whether a person acted.
  void ObserveCounted(const Clocking& clocking, bool suspected_cause, bool auto_resolved);
};

using ServiceSeverity = std::pair<std::string, std::string>;

// Counters of action items, by service.
struct ActionItemCounters {
  std::map<std::string, uint64_t> closed;    // every closing, a reopened item's earlier one included
  std::map<std::string, uint64_t> reopened;  // closed items opened again by their tracker
  // Incidents that repeated an earlier one while it still had open items.
  std::map<std::string, uint64_t> repeats_with_open_items;
};

// Gauges that depend on the current time, for /metrics.
struct OverdueDebrief {
  std::string incident_id, service, severity;
  Duration overdue_by{};
  bool operator==(const OverdueDebrief&) const = default;
};
struct GaugeSnapshot {
  std::map<ServiceSeverity, uint64_t> open;
  std::map<ServiceSeverity, uint64_t> debriefs_overdue;
  std::map<ServiceSeverity, uint64_t> checkpoints_overdue;
  std::map<std::pair<std::string, bool>, uint64_t> action_items_open;  // by (service, linked)
  std::map<std::string, uint64_t> action_items_overdue;  // by service
  // Every overdue debrief, in incident order; or, with a cap, the longest
  // overdue of them (ComputeGauges' max_overdue).
  std::vector<OverdueDebrief> overdue_debriefs;
  size_t overdue_debriefs_total = 0;  // before the cap
  bool operator==(const GaugeSnapshot&) const = default;
};

// The gauges at `now`. Every (service, severity) that has counters, and every
// service with an incident, starts at zero so that dashboards see a 0, not a gap.
// `counters` must hold the key (service, severity at opening) of every
// incident, as IncidentTracker's do: the zeros of the services come from it.
// O(incidents) with a small constant: only incidents that are open or have a
// debrief or checkpoint overdue touch a tally, and only the overdue debriefs
// kept are copied. `max_overdue` (0: no cap) keeps that many of the longest
// overdue; ties go to the earlier incident, and the list stays in incident
// order.
GaugeSnapshot ComputeGauges(const Policy& policy, const std::vector<Incident>& incidents,
                            const std::map<std::string, ActionItem>& action_items,
                            const std::map<ServiceSeverity, IncidentCounters>& counters, Time now,
                            size_t max_overdue = 0);

// Adds the zero of every series not yet in `g`: every (service, severity)
// that has counters, and every service with an incident starts at zero, so
// that dashboards see a 0, not a gap.
void AddGaugeZeros(GaugeSnapshot& g, const std::map<ServiceSeverity, IncidentCounters>& counters);

// A map keyed by (service, severity) with owned keys (a step's incidents may
// move before the next), looked up by views of an incident's own strings: a
// hash, not copies of its names or a descent through a map of strings. The
// tracker numbers the pairs with one (Incident::tally_key); a GaugeWalk
// counts in one the incidents that have no number.
struct GaugeTallyHash {
  using is_transparent = void;
  size_t operator()(const std::pair<std::string_view, std::string_view>& k) const {
    const size_t a = std::hash<std::string_view>{}(k.first), b = std::hash<std::string_view>{}(k.second);
    return a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
  }
  size_t operator()(const ServiceSeverity& k) const {
    return (*this)(std::pair<std::string_view, std::string_view>(k.first, k.second));
  }
};
struct GaugeTallyEq {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::string_view(a.first) == std::string_view(b.first) &&
           std::string_view(a.second) == std::string_view(b.second);
  }
};
using GaugeTally = std::unordered_map<ServiceSeverity, uint64_t, GaugeTallyHash, GaugeTallyEq>;

// ComputeGauges in steps, for a reader that takes the state lock once per
// step instead of holding it for a walk over every incident (at 100k
// incidents that walk is milliseconds, and the writer waits for all of it).
// Each Step walks the next incidents, in order, each once; between steps the
// incidents may change and new ones be appended (never removed or moved), so
// each is counted as it was at its step, all against the one `now`. Finish
// walks the rest and adds the zeros and the action items: it must see the
// same incidents (the same tracker) as the steps, grown or not.
class GaugeWalk {
 public:
  GaugeWalk(Time now, size_t max_overdue) : now_(now), max_overdue_(max_overdue) {}
  // Walks at most `n` more incidents; true when none is left.
  bool Step(const Policy& policy, const std::vector<Incident>& incidents, size_t n);
  GaugeSnapshot Finish(const Policy& policy, const std::vector<Incident>& incidents,
                       const std::map<std::string, ActionItem>& action_items,
                       const std::map<ServiceSeverity, IncidentCounters>& counters);
  // Finish without the zeros of the series that count nothing, for AddGaugeZeros
  // after the lock is released (from a copy of the counters). Either Finish ends the walk.
  GaugeSnapshot FinishWithoutZeros(const Policy& policy, const std::vector<Incident>& incidents,
                                   const std::map<std::string, ActionItem>& action_items);
  // Drops the overdue debriefs walked so far that can no longer be among the
  // `max_overdue` longest (counting them): a selection over every incident
  // that the caller can make between steps, without the lock, so that
  // Finish's (under it) is over a few.
  void Trim();
  size_t walked() const { return next_; }

 private:
  enum Gauge { kOpen, kDebriefsOverdue, kCheckpointsOverdue, kGauges };
  struct KeyTally;
  void Add(const Policy& policy, const Incident& inc, size_t index);
  // The tally of the incident's tally_key, named (and the policy asked
  // about its severity) at its first sight; nullptr for kNoTallyKey.
  KeyTally* Key(const Policy& policy, const Incident& inc);
  void Count(KeyTally* key, const Incident& inc, Gauge gauge);

  Time now_;
  size_t max_overdue_;
  size_t next_ = 0;
  size_t trimmed_ = 0;
  // By Incident::tally_key: a vector, not a hash of the names, for the
  // incidents a tracker numbered; each key named at its first count.
  struct KeyTally {
    uint64_t counts[kGauges] = {};
    ServiceSeverity name;
    bool named = false;
    bool debrief_required = false;  // policy.DebriefRequiredFor(severity)
  };
  std::vector<KeyTally> by_key_;
  GaugeTally unnumbered_[kGauges];  // incidents with kNoTallyKey
  std::vector<std::pair<size_t, Duration>> overdue_;  // (incident index, overdue by), in incident order
};

}  // namespace debriefd
