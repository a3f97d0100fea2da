#include "domain/tracker.h"

#include <algorithm>
#include <cstdio>

namespace debriefd {

IncidentTracker::IncidentTracker(Policy policy) : policy_(std::move(policy)), bounds_(BucketBounds(policy_)) {}

const Incident* IncidentTracker::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &incidents_[it->second];
}

Status IncidentTracker::Check(const std::vector<const Event*>& batch, BatchOverlay* group) const {
  BatchOverlay overlay = group != nullptr ? *group : BatchOverlay{};
  for (size_t i = 0; i < batch.size(); ++i) {
    Status s = CheckEvent(*this, *batch[i], overlay);
    if (s.ok()) continue;
    if (batch.size() == 1) return s;
    std::string index = "[";  // built in steps: GCC 12 warns falsely on "[" + to_string(i)
    index += std::to_string(i);
    index += ']';
    return s.WithFieldPrefix(index);
  }
  if (group != nullptr) *group = std::move(overlay);
  return Status::Ok();
}

Status IncidentTracker::Apply(const Event& e, std::string* incident_id) {
  Advance(e.received_at);
  {
    BatchOverlay overlay;
    if (Status s = CheckEvent(*this, e, overlay); !s.ok()) return s;
  }
  std::visit([&](const auto& body) { On(body, e, incident_id); }, e.body);
  return Status::Ok();
}

// The incident an event refers to, reported back through `incident_id`.
Incident& IncidentTracker::Touch(const std::string& id, std::string* incident_id) {
  Incident& inc = incidents_[by_id_.at(id)];
  if (incident_id) *incident_id = inc.id;
  return inc;
}

// ---------------------------------------------------------------------------
// One overload per event type.

void IncidentTracker::On(const AlertNotification& a, const Event& e, std::string* incident_id) {
  const Time received_at = e.received_at;
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

void IncidentTracker::On(const ChangeEvent& c, const Event&, std::string*) { changes_.Add(c); }

void IncidentTracker::On(const IncidentDeclared& b, const Event&, std::string* incident_id) {
  std::string id = b.incident_id.empty() ? NextIncidentId() : b.incident_id;
  std::map<std::string, std::string> labels = {{policy_.service_label, b.service},
                                               {policy_.severity_label, b.severity}};
  std::string key = KeyFor(labels, "");
  if (key.empty()) key = "incident=" + id;
  size_t idx = OpenIncident(id, key, b.service.empty() ? kUnknown : b.service,
                            b.severity.empty() ? kUnknown : b.severity, b.title.empty() ? id : b.title, b.time);
  Incident& inc = incidents_[idx];
  inc.declared = true;
  inc.human_action = true;
  inc.declared_started_at = b.started_at;
  inc.timeline.push_back({b.time, "incident.declared", b.title});
  RecomputeStart(inc);
  if (incident_id) *incident_id = id;
}

void IncidentTracker::On(const IncidentTransition& b, const Event&, std::string* incident_id) {
  size_t idx = by_id_.at(b.incident_id);
  Incident& inc = Touch(b.incident_id, incident_id);
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
}

void IncidentTracker::On(const DebriefCompleted& b, const Event&, std::string* incident_id) {
  Incident& inc = Touch(b.incident_id, incident_id);
  inc.debrief_completed_at = b.time;
  inc.debrief_url = b.url;
  if (b.confirmed_cause_id) inc.confirmed_cause_id = b.confirmed_cause_id;
  if (b.started_at) inc.corrected_started_at = b.started_at;
  if (b.impact) inc.impact = b.impact;
  inc.timeline.push_back({b.time, "debrief.completed", b.url});
  RecomputeStart(inc);
  DebriefView v = DebriefOf(inc, b.time);
  IncidentCounters& c = CountersFor(inc);
  ++(v.on_time.value_or(true) ? c.debriefs_on_time : c.debriefs_late);
  for (const ActionItemSpec& spec : b.action_items) AddActionItem(inc, spec, b.time);
}

void IncidentTracker::On(const DebriefWaived& b, const Event&, std::string* incident_id) {
  Incident& inc = Touch(b.incident_id, incident_id);
  inc.debrief_waived_at = b.time;
  inc.debrief_waive_reason = b.reason;
  inc.timeline.push_back({b.time, "debrief.waived", b.reason});
}

void IncidentTracker::On(const CheckpointCompleted& b, const Event&, std::string* incident_id) {
  Incident& inc = Touch(b.incident_id, incident_id);
  inc.checkpoint_completed_at = b.time;
  inc.checkpoint_notes = b.notes;
  inc.timeline.push_back({b.time, "checkpoint.completed", b.notes});
}

void IncidentTracker::On(const ActionItemOpened& b, const Event&, std::string* incident_id) {
  AddActionItem(Touch(b.incident_id, incident_id), b.item, b.time);
}

void IncidentTracker::On(const ActionItemClosed& b, const Event&, std::string* incident_id) {
  ActionItem& item = action_items_.at(b.id);
  if (!item.closed_at) item.closed_at = b.time;
  if (incident_id) *incident_id = item.incident_id;
  auto it = by_id_.find(item.incident_id);
  if (it != by_id_.end()) incidents_[it->second].timeline.push_back({b.time, "action_item.closed", b.id});
}

// ---------------------------------------------------------------------------
// Incidents: opening, resolving, reopening, start and counting.

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
  CountersFor(inc).ObserveCounted(ClockOf(inc), SuspectedCause(inc) != nullptr, inc.auto_resolved());
}

const ChangeEvent* IncidentTracker::SuspectedCause(const Incident& inc) const {
  return changes_.LatestBefore(inc.service, inc.started_at, policy_.cause_window);
}

}  // namespace debriefd
