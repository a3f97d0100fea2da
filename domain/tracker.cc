#include "domain/tracker.h"

#include <algorithm>
#include <cstdio>
#include <utility>

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
    if (Status s = CheckEvent(*this, e, overlay, CheckMode::kAccepted); !s.ok()) return s;
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

void IncidentTracker::On(const ChangeEvent& c, const Event&, std::string*) { changes_.Add(c); }

void IncidentTracker::On(const IncidentDeclared& b, const Event&, std::string* incident_id) {
  std::map<std::string, std::string> labels = {{policy_.service_label, b.service},
                                               {policy_.severity_label, b.severity}};
  std::string key = KeyFor(labels, "");
  // A person declaring what the alerts already opened joins that incident:
  // the order of alerts and declaration does not matter.
  if (auto latest = latest_by_key_.find(key); !key.empty() && latest != latest_by_key_.end() &&
                                              incidents_[latest->second].open &&
                                              !incidents_[latest->second].declared) {
    Incident& inc = incidents_[latest->second];
    if (!b.incident_id.empty()) {
      by_id_[b.incident_id] = latest->second;
      inc.aliases.push_back(b.incident_id);
    }
    if (!b.title.empty()) inc.title = b.title;
    // Counters observed from now on use the declared severity;
    // debriefd_incidents_total keeps the one it counted at opening.
    if (!b.severity.empty()) {
      inc.severity = b.severity;
      NumberTallyKey(inc);
    }
    inc.detected_at = std::min(inc.detected_at, b.time);
    MarkDeclared(inc, b);
    if (incident_id) *incident_id = inc.id;
    return;
  }
  std::string id = b.incident_id.empty() ? NextIncidentId() : b.incident_id;
  if (key.empty()) key = "incident=" + id;
  size_t idx = OpenIncident(id, key, b.service.empty() ? kUnknown : b.service,
                            b.severity.empty() ? kUnknown : b.severity, b.title.empty() ? id : b.title, b.time);
  incidents_[idx].environment = policy_.default_environment;
  MarkDeclared(incidents_[idx], b);
  if (incident_id) *incident_id = id;
}

void IncidentTracker::MarkDeclared(Incident& inc, const IncidentDeclared& b) {
  inc.declared = true;
  inc.human_action = true;
  if (!inc.declared_at || b.time < *inc.declared_at) inc.declared_at = b.time;
  if (b.started_at && (!inc.declared_started_at || *b.started_at < *inc.declared_started_at)) {
    inc.declared_started_at = b.started_at;
  }
  inc.detail.AddTimeline(b.time, "incident.declared", b.title);
  RecomputeStart(inc);
}

void IncidentTracker::On(const IncidentTransition& b, const Event&, std::string* incident_id) {
  size_t idx = by_id_.at(b.incident_id);
  Incident& inc = Touch(b.incident_id, incident_id);
  inc.human_action = true;
  switch (b.kind) {
    case IncidentTransition::Kind::kAcknowledged:
      if (!inc.acknowledged_at) inc.acknowledged_at = b.time;
      inc.detail.AddTimeline(b.time, "incident.acknowledged", "");
      break;
    case IncidentTransition::Kind::kMitigated:
      if (!inc.mitigated_at) inc.mitigated_at = b.time;
      inc.detail.AddTimeline(b.time, "incident.mitigated", "");
      break;
    case IncidentTransition::Kind::kResolved:
      if (inc.open) {
        Resolve(idx, b.time, "incident.resolved");
      } else {
        inc.detail.AddTimeline(b.time, "incident.resolved", "already resolved");
      }
      break;
  }
}

void IncidentTracker::On(const DebriefCompleted& b, const Event&, std::string* incident_id) {
  Incident& inc = Touch(b.incident_id, incident_id);
  DebriefRecord& d = inc.mutable_debrief();
  d.debrief_completed_at = b.time;
  d.debrief_url = b.url;
  if (b.confirmed_cause_id) {
    d.confirmed_cause_id = b.confirmed_cause_id;
    // debriefd_change_failures_total: once per change, however many incidents.
    changes_.ConfirmCause(*b.confirmed_cause_id, b.time);
  }
  if (b.started_at) d.corrected_started_at = b.started_at;
  if (b.impact) d.impact = b.impact;
  inc.detail.AddTimeline(b.time, "debrief.completed", b.url);
  RecomputeStart(inc);
  DebriefView v = DebriefOf(inc, b.time);
  IncidentCounters& c = CountersFor(inc);
  ++(v.on_time.value_or(true) ? c.debriefs_on_time : c.debriefs_late);
  for (const ActionItemSpec& spec : b.action_items) AddActionItem(inc, spec, b.time);
}

void IncidentTracker::On(const DebriefWaived& b, const Event&, std::string* incident_id) {
  Incident& inc = Touch(b.incident_id, incident_id);
  DebriefRecord& d = inc.mutable_debrief();
  d.debrief_waived_at = b.time;
  d.debrief_waive_reason = b.reason;
  inc.detail.AddTimeline(b.time, "debrief.waived", b.reason);
}

void IncidentTracker::On(const CheckpointCompleted& b, const Event&, std::string* incident_id) {
  Incident& inc = Touch(b.incident_id, incident_id);
  DebriefRecord& d = inc.mutable_debrief();
  d.checkpoint_completed_at = b.time;
  d.checkpoint_notes = b.notes;
  inc.detail.AddTimeline(b.time, "checkpoint.completed", b.notes);
}

void IncidentTracker::On(const ActionItemOpened& b, const Event&, std::string* incident_id) {
  AddActionItem(Touch(b.incident_id, incident_id), b.item, b.time);
}

void IncidentTracker::On(const ActionItemClosed& b, const Event&, std::string* incident_id) {
  ActionItem& item = action_items_.at(b.id);
  if (incident_id) *incident_id = item.incident_id;
  if (item.open()) CloseItem(item, b.time);
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
  item.source = "events";
  item.opened_at = at;
  item.due_at = spec.due.value_or(at + policy_.action_item_due_within);
  item.steps.push_back({ActionItemStep::Kind::kOpened, at});
  action_items_.emplace(item.id, std::move(item));
  inc.mutable_debrief().action_item_ids.push_back(spec.id);
  inc.detail.AddTimeline(at, "action_item.opened", spec.id);
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

void IncidentTracker::NumberTallyKey(Incident& inc) {
  auto it = tally_keys_.find(std::pair<std::string_view, std::string_view>(inc.service, inc.severity));
  if (it == tally_keys_.end()) {
    it = tally_keys_.emplace(ServiceSeverity{inc.service, inc.severity}, static_cast<uint32_t>(tally_keys_.size())).first;
  }
  inc.tally_key = it->second;
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
  NumberTallyKey(inc);
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
  if (inc.repeat_of && HasOpenItems(incidents_[by_id_.at(*inc.repeat_of)])) {
    inc.repeat_with_open_items = true;
    ++item_counters_.repeats_with_open_items[inc.service];
  }
  by_id_[inc.id] = idx;
  latest_by_key_[inc.key] = idx;
  NoteTransition(idx, false, false);
  incidents_.push_back(std::move(inc));
  IncidentCounters& c = CountersFor(incidents_[idx]);
  ++c.opened;
  if (incidents_[idx].repeat_of) ++c.repeats;
  return idx;
}

Time IncidentTracker::CountAt(Time resolved_at) const {
  return resolved_at + policy_.reopen_within + policy_.late_delivery;
}

void IncidentTracker::Resolve(size_t idx, Time at, const char* kind) {
  Incident& inc = incidents_[idx];
  NoteTransition(idx, true, inc.open);
  inc.open = false;
  inc.resolved_at = at;
  inc.detail.AddTimeline(at, kind, "");
  if (!inc.counted) pending_count_.emplace(CountAt(at), idx);
}

void IncidentTracker::Reopen(size_t idx, Time at, const std::string& why) {
  Incident& inc = incidents_[idx];
  NoteTransition(idx, true, inc.open);
  pending_count_.erase({CountAt(*inc.resolved_at), idx});
  inc.open = true;
  inc.resolved_at.reset();
  ++inc.reopen_count;
  inc.detail.AddTimeline(at, "reopened", why);
}

void IncidentTracker::RecomputeStart(Incident& inc) {
  // The earliest onset: of any alert instance (replaced ones included), and of
  // the declaration (its started_at, else its time). Not clamped to the
  // detection: a sender whose clock runs ahead gives a later start and a time
  // to detect of 0, not a longer time to fix.
  std::optional<Time> earliest;
  auto take = [&earliest](Time t) { earliest = earliest ? std::min(*earliest, t) : t; };
  if (inc.earliest_onset) take(*inc.earliest_onset);
  if (inc.declared_at) take(inc.declared_started_at.value_or(*inc.declared_at));
  Time start = earliest.value_or(inc.detected_at);
  if (inc.debrief().corrected_started_at) start = *inc.debrief().corrected_started_at;
  if (inc.debrief().confirmed_cause_id) {
    if (const ChangeEvent* c = FindChange(*inc.debrief().confirmed_cause_id); c != nullptr) {
      start = std::min(start, c->time);
    }
  }
  inc.started_at = start;
}

void IncidentTracker::NoteTransition(size_t idx, bool existed, bool was_open) {
  if (!record_transitions_ || !transitioned_.insert(idx).second) return;  // the first state counts
  transitions_.push_back({idx, existed, was_open});
}

std::vector<IncidentTracker::Transition> IncidentTracker::TakeTransitions() {
  transitioned_.clear();
  return std::exchange(transitions_, {});
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
  // Settled: its text is read only to be shown from now on, so it is kept
  // compressed (a later debrief or reopening appends after it).
  if (defer_seals_) {
    unsealed_.push_back(idx);
  } else {
    inc.detail.Seal();
  }
}

size_t IncidentTracker::TakeUnsealed() {
  const size_t idx = unsealed_.back();
  unsealed_.pop_back();
  return idx;
}

const ChangeEvent* IncidentTracker::SuspectedCause(const Incident& inc) const {
  return changes_.LatestBefore(inc.service, inc.environment, inc.started_at, policy_.cause_window);
}

}  // namespace debriefd
