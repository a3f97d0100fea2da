#include "domain/tracker.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <unordered_set>

namespace debriefd {

// ---------------------------------------------------------------------------
// Small helpers shared by the domain.

std::string EventTypeName(const EventBody& body) {
  struct Namer {
    std::string operator()(const AlertNotification&) const { return "alert"; }
    std::string operator()(const ChangeEvent&) const { return "change"; }
    std::string operator()(const IncidentDeclared&) const { return "incident.declared"; }
    std::string operator()(const IncidentTransition& t) const {
      switch (t.kind) {
        case IncidentTransition::Kind::kAcknowledged: return "incident.acknowledged";
        case IncidentTransition::Kind::kMitigated: return "incident.mitigated";
        case IncidentTransition::Kind::kResolved: return "incident.resolved";
      }
      return "incident";
    }
    std::string operator()(const DebriefCompleted&) const { return "debrief.completed"; }
    std::string operator()(const DebriefWaived&) const { return "debrief.waived"; }
    std::string operator()(const CheckpointCompleted&) const { return "checkpoint.completed"; }
    std::string operator()(const ActionItemOpened&) const { return "action_item.opened"; }
    std::string operator()(const ActionItemClosed&) const { return "action_item.closed"; }
  };
  return std::visit(Namer{}, body);
}

bool Policy::DebriefRequiredFor(const std::string& severity) const {
  return debrief_required_for.empty() ||
         std::find(debrief_required_for.begin(), debrief_required_for.end(), severity) !=
             debrief_required_for.end();
}

const char* ToString(DebriefStatus s) {
  switch (s) {
    case DebriefStatus::kNotRequired: return "not_required";
    case DebriefStatus::kPending: return "pending";
    case DebriefStatus::kOverdue: return "overdue";
    case DebriefStatus::kDone: return "done";
    case DebriefStatus::kWaived: return "waived";
  }
  return "pending";
}

const char* ToString(CheckpointStatus s) {
  switch (s) {
    case CheckpointStatus::kNotDue: return "not_due";
    case CheckpointStatus::kPending: return "pending";
    case CheckpointStatus::kOverdue: return "overdue";
    case CheckpointStatus::kDone: return "done";
  }
  return "not_due";
}

std::optional<DebriefStatus> ParseDebriefStatus(std::string_view s) {
  for (auto st : {DebriefStatus::kNotRequired, DebriefStatus::kPending, DebriefStatus::kOverdue,
                  DebriefStatus::kDone, DebriefStatus::kWaived}) {
    if (s == ToString(st)) return st;
  }
  return std::nullopt;
}

Histogram::Histogram(std::vector<double> bounds)
    : upper_bounds(std::move(bounds)), counts(upper_bounds.size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(upper_bounds.begin(), upper_bounds.end(), v) - upper_bounds.begin();
  ++counts[i];
  sum += v;
  ++count;
}

// ---------------------------------------------------------------------------

namespace {

std::vector<double> BucketBounds(const Policy& p) {
  std::vector<double> b = {60, 300, 900, 1800, 3600, 7200, 14400, 86400};
  auto add = [&b](Duration d) { b.push_back(Seconds(d)); };
  add(p.goals.detect);
  add(p.goals.fix);
  for (const auto& [sev, g] : p.goals_by_severity) {
    add(g.detect);
    add(g.fix);
  }
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

}  // namespace

IncidentTracker::IncidentTracker(Policy policy)
    : policy_(std::move(policy)), bounds_(BucketBounds(policy_)) {}

const Incident* IncidentTracker::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &incidents_[it->second];
}

const ChangeEvent* IncidentTracker::FindChange(std::string_view id) const {
  auto it = change_by_id_.find(std::string(id));
  return it == change_by_id_.end() ? nullptr : &changes_[it->second];
}

Status IncidentTracker::Check(const std::vector<const Event*>& batch, BatchOverlay* group) const {
  BatchOverlay overlay = group != nullptr ? *group : BatchOverlay{};
  for (size_t i = 0; i < batch.size(); ++i) {
    Status s = CheckOne(*batch[i], overlay);
    if (!s.ok()) {
      return batch.size() == 1 ? s : s.WithFieldPrefix("[" + std::to_string(i) + "]");
    }
  }
  if (group != nullptr) *group = std::move(overlay);
  return Status::Ok();
}

Status IncidentTracker::CheckOne(const Event& e, BatchOverlay& overlay) const {
  auto incident_known = [&](const std::string& id) {
    return by_id_.count(id) > 0 || overlay.incidents.count(id) > 0;
  };
  auto need_incident = [&](const std::string& id) -> Status {
    if (incident_known(id)) return Status::Ok();
    return Status::NotFound("incident_id", "unknown incident \"" + id + "\"");
  };
  auto item_known = [&](const std::string& id) {
    return action_items_.count(id) > 0 || overlay.action_items.count(id) > 0;
  };
  auto new_item = [&](const ActionItemSpec& spec, const std::string& field) -> Status {
    if (item_known(spec.id)) {
      return Status::Conflict(field, "action item \"" + spec.id +
                                         "\" already exists");
    }
    overlay.action_items.insert(spec.id);
    return Status::Ok();
  };

  return std::visit(
      [&](const auto& b) -> Status {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, AlertNotification>) {
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, ChangeEvent>) {
          overlay.changes.insert(b.id);
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, IncidentDeclared>) {
          if (!b.incident_id.empty()) {
            if (incident_known(b.incident_id)) {
              return Status::Conflict("incident_id", "incident \"" +
                                                         b.incident_id + "\" already exists");
            }
            overlay.incidents.insert(b.incident_id);
          }
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, IncidentTransition>) {
          return need_incident(b.incident_id);
        } else if constexpr (std::is_same_v<T, DebriefCompleted>) {
          if (Status s = need_incident(b.incident_id); !s.ok()) return s;
          const Incident* inc = Find(b.incident_id);
          if ((inc != nullptr && inc->debrief_completed_at) || overlay.debriefed.count(b.incident_id)) {
            return Status::Conflict("incident_id", "the debrief of \"" +
                                                       b.incident_id + "\" is already completed");
          }
          if (b.confirmed_cause_id && FindChange(*b.confirmed_cause_id) == nullptr &&
              overlay.changes.count(*b.confirmed_cause_id) == 0) {
            return Status::NotFound("confirmed_cause_id", "unknown change \"" +
                                                              *b.confirmed_cause_id + "\"");
          }
          for (size_t i = 0; i < b.action_items.size(); ++i) {
            if (Status s = new_item(b.action_items[i], "action_items[" + std::to_string(i) + "].id");
                !s.ok()) {
              return s;
            }
          }
          overlay.debriefed.insert(b.incident_id);
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, DebriefWaived>) {
          if (Status s = need_incident(b.incident_id); !s.ok()) return s;
          const Incident* inc = Find(b.incident_id);
          if ((inc != nullptr && inc->debrief_completed_at) || overlay.debriefed.count(b.incident_id)) {
            return Status::Conflict("incident_id", "the debrief of \"" +
                                                       b.incident_id + "\" is already completed");
          }
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, CheckpointCompleted>) {
          if (Status s = need_incident(b.incident_id); !s.ok()) return s;
          const Incident* inc = Find(b.incident_id);
          bool debriefed = (inc != nullptr && inc->debrief_completed_at) ||
                           overlay.debriefed.count(b.incident_id) > 0;
          if (!debriefed) {
            return Status::FailedPrecondition("incident_id", "incident \"" + b.incident_id +
                                                                 "\" has no completed debrief to check");
          }
          if (inc != nullptr && inc->checkpoint_completed_at) {
            return Status::Conflict("incident_id", "the checkpoint of \"" +
                                                       b.incident_id + "\" is already completed");
          }
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, ActionItemOpened>) {
          if (Status s = need_incident(b.incident_id); !s.ok()) return s;
          return new_item(b.item, "id");
        } else if constexpr (std::is_same_v<T, ActionItemClosed>) {
          if (!item_known(b.id)) {
            return Status::NotFound("id", "unknown action item \"" + b.id + "\"");
          }
          return Status::Ok();
        }
      },
      e.body);
}

Status IncidentTracker::Apply(const Event& e, std::string* incident_id) {
  Advance(e.received_at);
  {
    BatchOverlay overlay;
    if (Status s = CheckOne(e, overlay); !s.ok()) return s;
  }
  // The incident an event refers to, reported back through `incident_id`.
  auto touch = [&](const std::string& id) -> Incident& {
    Incident& inc = incidents_[by_id_.at(id)];
    if (incident_id) *incident_id = inc.id;
    return inc;
  };
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, AlertNotification>) {
          ApplyAlert(b, e.received_at, incident_id);
        } else if constexpr (std::is_same_v<T, ChangeEvent>) {
          ApplyChange(b);
        } else if constexpr (std::is_same_v<T, IncidentDeclared>) {
          std::string id = b.incident_id.empty() ? NextIncidentId() : b.incident_id;
          std::map<std::string, std::string> labels = {{policy_.service_label, b.service},
                                                       {policy_.severity_label, b.severity}};
          std::string key = KeyFor(labels, "");
          if (key.empty()) key = "incident=" + id;
          size_t idx = OpenIncident(id, key, b.service.empty() ? kUnknown : b.service,
                                    b.severity.empty() ? kUnknown : b.severity,
                                    b.title.empty() ? id : b.title, b.time);
          Incident& inc = incidents_[idx];
          inc.declared = true;
          inc.human_action = true;
          inc.declared_started_at = b.started_at;
          inc.timeline.push_back({b.time, "incident.declared", b.title});
          RecomputeStart(inc);
          if (incident_id) *incident_id = id;
        } else if constexpr (std::is_same_v<T, IncidentTransition>) {
          size_t idx = by_id_.at(b.incident_id);
          Incident& inc = touch(b.incident_id);
          inc.human_action = true;
          switch (b.kind) {
            case IncidentTransition::Kind::kAcknowledged:
              if (!inc.acknowledged_at) inc.acknowledged_at = b.time;
              inc.timeline.push_back({b.time, "incident.acknowledged", ""});
              break;
            case IncidentTransition::Kind::kMitigated:
              if (!inc.mitigated_at) inc.mitigated_at = b.time;
              inc.timeline.push_back({b.time, "incident.mitigated", ""});
              break;
            case IncidentTransition::Kind::kResolved:
              if (inc.open) {
                Resolve(idx, b.time, "incident.resolved");
              } else {
                inc.timeline.push_back({b.time, "incident.resolved", "already resolved"});
              }
              break;
          }
        } else if constexpr (std::is_same_v<T, DebriefCompleted>) {
          Incident& inc = touch(b.incident_id);
          inc.debrief_completed_at = b.time;
          inc.debrief_url = b.url;
          if (b.confirmed_cause_id) inc.confirmed_cause_id = b.confirmed_cause_id;
          if (b.started_at) inc.corrected_started_at = b.started_at;
          if (b.impact) inc.impact = b.impact;
          inc.timeline.push_back({b.time, "debrief.completed", b.url});
          RecomputeStart(inc);
          DebriefView v = DebriefOf(inc, b.time);
          IncidentCounters& c = CountersFor(inc);
          if (v.on_time.value_or(true)) {
            ++c.debriefs_on_time;
          } else {
            ++c.debriefs_late;
          }
          for (const ActionItemSpec& spec : b.action_items) AddActionItem(inc, spec, b.time);
        } else if constexpr (std::is_same_v<T, DebriefWaived>) {
          Incident& inc = touch(b.incident_id);
          inc.debrief_waived_at = b.time;
          inc.debrief_waive_reason = b.reason;
          inc.timeline.push_back({b.time, "debrief.waived", b.reason});
        } else if constexpr (std::is_same_v<T, CheckpointCompleted>) {
          Incident& inc = touch(b.incident_id);
          inc.checkpoint_completed_at = b.time;
          inc.checkpoint_notes = b.notes;
          inc.timeline.push_back({b.time, "checkpoint.completed", b.notes});
        } else if constexpr (std::is_same_v<T, ActionItemOpened>) {
          Incident& inc = touch(b.incident_id);
          AddActionItem(inc, b.item, b.time);
        } else if constexpr (std::is_same_v<T, ActionItemClosed>) {
          ActionItem& item = action_items_.at(b.id);
          if (!item.closed_at) item.closed_at = b.time;
          if (incident_id) *incident_id = item.incident_id;
          auto it = by_id_.find(item.incident_id);
          if (it != by_id_.end()) {
            incidents_[it->second].timeline.push_back({b.time, "action_item.closed", b.id});
          }
        }
      },
      e.body);
  return Status::Ok();
}

void IncidentTracker::AddActionItem(Incident& inc, const ActionItemSpec& spec, Time at) {
  ActionItem item;
  item.id = spec.id;
  item.incident_id = inc.id;
  item.service = inc.service;
  item.title = spec.title;
  item.url = spec.url;
  item.labels = spec.labels;
  item.opened_at = at;
  item.due_at = spec.due.value_or(at + policy_.action_item_due_within);
  action_items_.emplace(item.id, std::move(item));
  inc.action_item_ids.push_back(spec.id);
  inc.timeline.push_back({at, "action_item.opened", spec.id});
}

std::string IncidentTracker::KeyFor(const std::map<std::string, std::string>& labels,
                                    const std::string& fallback) const {
  std::string key;
  bool complete = !policy_.group_by.empty();
  for (const std::string& name : policy_.group_by) {
    auto it = labels.find(name);
    if (it == labels.end() || it->second.empty()) {
      complete = false;
      break;
    }
    if (!key.empty()) key += ",";
    key += name + "=" + it->second;
  }
  if (complete) return key;
  return fallback.empty() ? "" : "alertname=" + fallback;
}

std::string IncidentTracker::NextIncidentId() {
  // Generated ids depend only on the order of events, so a rebuild or a replay
  // hands out the same ones.
  for (;;) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "inc-%06llu", static_cast<unsigned long long>(next_generated_id_++));
    if (by_id_.count(buf) == 0) return buf;
  }
}

IncidentCounters& IncidentTracker::CountersFor(const Incident& inc) {
  auto key = ServiceSeverity{inc.service, inc.severity};
  auto it = counters_.find(key);
  if (it == counters_.end()) {
    IncidentCounters c;
    c.time_to_detect = Histogram(bounds_);
    c.time_to_fix = Histogram(bounds_);
    it = counters_.emplace(key, std::move(c)).first;
  }
  return it->second;
}

size_t IncidentTracker::OpenIncident(std::string id, std::string key, std::string service,
                                     std::string severity, std::string title, Time detected_at) {
  Incident inc;
  inc.id = std::move(id);
  inc.key = std::move(key);
  inc.service = std::move(service);
  inc.severity = std::move(severity);
  inc.title = std::move(title);
  inc.detected_at = detected_at;
  inc.started_at = detected_at;
  size_t idx = incidents_.size();

  // A repeat: an earlier incident of the same key within the window.
  if (auto prev = latest_by_key_.find(inc.key); prev != latest_by_key_.end()) {
    const Incident& earlier = incidents_[prev->second];
    Time earlier_end = earlier.resolved_at.value_or(earlier.started_at);
    if (detected_at - earlier_end <= policy_.repeat_window) inc.repeat_of = earlier.id;
  }
  by_id_[inc.id] = idx;
  latest_by_key_[inc.key] = idx;
  incidents_.push_back(std::move(inc));
  IncidentCounters& c = CountersFor(incidents_[idx]);
  ++c.opened;
  if (incidents_[idx].repeat_of) ++c.repeats;
  return idx;
}

void IncidentTracker::ApplyAlert(const AlertNotification& a, Time received_at, std::string* incident_id) {
  for (const auto& [name, value] : policy_.ignore_labels) {
    if (auto it = a.labels.find(name); it != a.labels.end() && it->second == value) return;
  }
  const std::string instance_key =
      a.fingerprint + "@" + std::to_string(a.starts_at.time_since_epoch().count());
  size_t idx;
  if (auto known = by_alert_instance_.find(instance_key); known != by_alert_instance_.end()) {
    idx = known->second;
    Incident& inc = incidents_[idx];
    auto inst = std::find_if(inc.alerts.begin(), inc.alerts.end(), [&](const AlertInstance& i) {
      return i.fingerprint == a.fingerprint && i.starts_at == a.starts_at;
    });
    if (incident_id) *incident_id = inc.id;
    // A firing notification of an instance already resolved arrived late (an
    // HA peer, a retry): it changes nothing.
    if (a.firing || inst->resolved) return;
    inst->resolved = true;
    inst->ends_at = a.ends_at.value_or(received_at);
    inc.timeline.push_back({*inst->ends_at, "alert.resolved", a.alertname});
  } else {
    std::string key = KeyFor(a.labels, a.alertname.empty() ? a.fingerprint : a.alertname);
    auto label = [&](const std::string& name) {
      auto it = a.labels.find(name);
      return it == a.labels.end() || it->second.empty() ? std::string(kUnknown) : it->second;
    };
    Duration pending{0};
    if (auto p = policy_.pending.find(a.alertname); p != policy_.pending.end()) pending = p->second;

    auto latest = latest_by_key_.find(key);
    if (latest != latest_by_key_.end() && incidents_[latest->second].open) {
      idx = latest->second;
    } else if (latest != latest_by_key_.end() && !incidents_[latest->second].counted &&
               a.starts_at <= *incidents_[latest->second].resolved_at + policy_.reopen_within) {
      idx = latest->second;
      Reopen(idx, received_at, a.alertname);
    } else {
      idx = OpenIncident(NextIncidentId(), key, label(policy_.service_label),
                         label(policy_.severity_label), a.summary.empty() ? a.alertname : a.summary,
                         received_at);
    }
    Incident& inc = incidents_[idx];
    if (incident_id) *incident_id = inc.id;
    AlertInstance inst;
    inst.fingerprint = a.fingerprint;
    inst.alertname = a.alertname;
    inst.labels = a.labels;
    inst.summary = a.summary;
    inst.generator_url = a.generator_url;
    inst.starts_at = a.starts_at;
    inst.onset = a.starts_at - pending;
    inst.resolved = !a.firing;
    if (!a.firing) inst.ends_at = a.ends_at.value_or(received_at);
    inc.alerts.push_back(inst);
    by_alert_instance_[instance_key] = idx;
    inc.detected_at = std::min(inc.detected_at, received_at);
    inc.timeline.push_back({a.starts_at, "alert.firing", a.alertname});
    if (!a.firing) inc.timeline.push_back({*inst.ends_at, "alert.resolved", a.alertname});
    RecomputeStart(inc);
  }

  Incident& inc = incidents_[idx];
  if (inc.open && !inc.alerts.empty() &&
      std::all_of(inc.alerts.begin(), inc.alerts.end(), [](const AlertInstance& i) { return i.resolved; })) {
    Time end = inc.alerts.front().ends_at.value_or(received_at);
    for (const AlertInstance& i : inc.alerts) end = std::max(end, i.ends_at.value_or(received_at));
    Resolve(idx, end, "resolved");
  }
}

void IncidentTracker::ApplyChange(const ChangeEvent& c) {
  size_t idx = changes_.size();
  changes_.push_back(c);
  change_by_id_[c.id] = idx;
  changes_by_service_[c.service].emplace(c.time, idx);
  ++changes_total_[{c.service, c.kind}];
}

void IncidentTracker::Resolve(size_t idx, Time at, const char* kind) {
  Incident& inc = incidents_[idx];
  inc.open = false;
  inc.resolved_at = at;
  inc.timeline.push_back({at, kind, ""});
  pending_count_.emplace(at + policy_.reopen_within, idx);
}

void IncidentTracker::Reopen(size_t idx, Time at, const std::string& why) {
  Incident& inc = incidents_[idx];
  pending_count_.erase({*inc.resolved_at + policy_.reopen_within, idx});
  inc.open = true;
  inc.resolved_at.reset();
  ++inc.reopen_count;
  inc.timeline.push_back({at, "reopened", why});
}

void IncidentTracker::RecomputeStart(Incident& inc) {
  Time start = inc.detected_at;
  if (inc.corrected_started_at) {
    start = *inc.corrected_started_at;
  } else {
    for (const AlertInstance& a : inc.alerts) start = std::min(start, a.onset);
    if (inc.declared_started_at) start = std::min(start, *inc.declared_started_at);
  }
  if (inc.confirmed_cause_id) {
    if (const ChangeEvent* c = FindChange(*inc.confirmed_cause_id); c != nullptr) {
      start = std::min(start, c->time);
    }
  }
  inc.started_at = start;
}

void IncidentTracker::Advance(Time now) {
  if (now <= now_) return;
  now_ = now;
  while (!pending_count_.empty() && pending_count_.begin()->first <= now) {
    size_t idx = pending_count_.begin()->second;
    pending_count_.erase(pending_count_.begin());
    Count(idx);
  }
}

void IncidentTracker::Count(size_t idx) {
  Incident& inc = incidents_[idx];
  if (inc.counted || inc.open) return;
  inc.counted = true;
  Clocking clk = ClockOf(inc);
  IncidentCounters& c = CountersFor(inc);
  ++c.counted;
  c.time_to_detect.Observe(Seconds(clk.time_to_detect));
  ++(clk.detect_goal_met ? c.detect_met : c.detect_missed);
  if (clk.time_to_fix) {
    c.time_to_fix.Observe(Seconds(*clk.time_to_fix));
    ++(*clk.fix_goal_met ? c.fix_met : c.fix_missed);
  }
  if (SuspectedCause(inc) != nullptr) ++c.with_suspected_cause;
  if (inc.auto_resolved()) ++c.auto_resolved;
}

const ChangeEvent* IncidentTracker::SuspectedCause(const Incident& inc) const {
  auto svc = changes_by_service_.find(inc.service);
  if (svc == changes_by_service_.end()) return nullptr;
  // The latest change at or before started_at...
  auto it = svc->second.upper_bound(inc.started_at);
  if (it == svc->second.begin()) return nullptr;
  --it;
  // ...that lies within the window.
  if (inc.started_at - it->first > policy_.cause_window) return nullptr;
  return &changes_[it->second];
}

Clocking IncidentTracker::ClockOf(const Incident& inc) const {
  const Goals& goals = policy_.GoalsFor(inc.severity);
  Clocking c;
  c.started_at = inc.started_at;
  c.time_to_detect = std::max(Duration{0}, inc.detected_at - inc.started_at);
  c.detect_goal_met = c.time_to_detect <= goals.detect;
  if (inc.resolved_at) {
    c.time_to_fix = std::max(Duration{0}, *inc.resolved_at - inc.started_at);
    c.fix_goal_met = *c.time_to_fix <= goals.fix;
  }
  return c;
}

bool IncidentTracker::DebriefRequired(const Incident& inc) const {
  if (!policy_.DebriefRequiredFor(inc.severity)) return false;
  if (policy_.skip_auto_resolved && inc.auto_resolved()) return false;
  return true;
}

DebriefView IncidentTracker::DebriefOf(const Incident& inc, Time now) const {
  DebriefView v;
  if (inc.resolved_at) v.due_at = *inc.resolved_at + policy_.debrief_due_within;
  if (inc.debrief_completed_at) {
    v.status = DebriefStatus::kDone;
    v.completed_at = inc.debrief_completed_at;
    v.on_time = !v.due_at || *inc.debrief_completed_at <= *v.due_at;
  } else if (inc.debrief_waived_at) {
    v.status = DebriefStatus::kWaived;
  } else if (!DebriefRequired(inc)) {
    v.status = DebriefStatus::kNotRequired;
  } else if (v.due_at && now > *v.due_at) {
    v.status = DebriefStatus::kOverdue;
  } else {
    v.status = DebriefStatus::kPending;
  }
  return v;
}

CheckpointView IncidentTracker::CheckpointAt(const Incident& inc, Time now) const {
  CheckpointView v;
  if (!inc.debrief_completed_at) return v;  // not due before the debrief
  v.due_at = *inc.debrief_completed_at + policy_.checkpoint_after;
  if (inc.checkpoint_completed_at) {
    v.status = CheckpointStatus::kDone;
    v.completed_at = inc.checkpoint_completed_at;
  } else if (now > *v.due_at) {
    v.status = CheckpointStatus::kOverdue;
  } else {
    v.status = CheckpointStatus::kPending;
  }
  return v;
}

GaugeSnapshot IncidentTracker::Gauges(Time now) const {
  GaugeSnapshot g;
  // Every known label set starts at zero so that dashboards see a 0, not a gap.
  for (const auto& [key, c] : counters_) {
    g.open[key] = 0;
    g.debriefs_overdue[key] = 0;
    g.checkpoints_overdue[key] = 0;
  }
  for (const Incident& inc : incidents_) {
    ServiceSeverity key{inc.service, inc.severity};
    if (inc.open) ++g.open[key];
    DebriefView d = DebriefOf(inc, now);
    if (d.status == DebriefStatus::kOverdue) {
      ++g.debriefs_overdue[key];
      g.overdue_debriefs.push_back({inc.id, inc.service, inc.severity, now - *d.due_at});
    }
    if (CheckpointAt(inc, now).status == CheckpointStatus::kOverdue) ++g.checkpoints_overdue[key];
    g.action_items_open[inc.service] += 0;
    g.action_items_overdue[inc.service] += 0;
  }
  for (const auto& [id, item] : action_items_) {
    if (item.open()) ++g.action_items_open[item.service];
    if (item.OverdueAt(now)) ++g.action_items_overdue[item.service];
  }
  return g;
}

}  // namespace debriefd
