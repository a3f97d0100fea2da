// How Alertmanager notifications move incidents (docs/clocking.md, "Grouping
// alerts into incidents" and "Flapping, late and re-sent notifications").
//
// Alertmanager keeps one alert per fingerprint. An instance is one firing
// period of a fingerprint, named by its startsAt; the fingerprint's active
// instance is the latest one debriefd knows.
#include <algorithm>

#include "domain/tracker.h"

namespace debriefd {
namespace {

}  // namespace

void IncidentTracker::On(const AlertNotification& a, const Event& e, std::string* incident_id) {
  for (const auto& [name, value] : policy_.ignore_labels) {
    if (auto it = a.labels.find(name); it != a.labels.end() && it->second == value) return;
  }
  const Time received_at = e.received_at;
  const std::optional<AlertIndex::Ref> exact = alert_index_.Find(a.fingerprint, a.starts_at);
  const std::optional<AlertIndex::Ref> active = alert_index_.Active(a.fingerprint);
  auto report = [&](size_t idx) {
    if (incident_id) *incident_id = incidents_[idx].id;
  };

  if (a.firing) {
    if (exact) {
      const AlertInstance* latest = LatestResolvedInstance(a.fingerprint);
      if (latest == nullptr || a.starts_at > latest->starts_at ||
          received_at <= *latest->ends_at + policy_.late_copy_within) {
        // A re-send of a known instance (Alertmanager's repeat, an HA peer, a
        // retry), or a late copy of one that resolved: nothing changes.
        report(exact->incident);
        return;
      }
      // A firing alert after its own resolution: the sender reports it again
      // with the startsAt that already resolved (Alertmanager keeps what it is
      // given). The alert fires again, as a new period from its delivery.
      AlertNotification again = a;
      again.starts_at = received_at;
      size_t idx = IncidentForNewAlert(again, received_at);
      report(idx);
      AddInstance(idx, again, received_at, /*replaced=*/false);
      return;
    }
    if (active) {
      const AlertIndex::Ref ref = *active;
      AlertInstance& current = incidents_[ref.incident].alerts[ref.pos];
      if (a.starts_at < current.starts_at) {
        // An older instance, delivered after a newer one: it belongs to the
        // same incident and may move its start earlier, and fires no more.
        AddInstance(ref.incident, a, received_at, /*replaced=*/true);
        report(ref.incident);
        return;
      }
      if (current.firing()) {
        --incidents_[ref.incident].firing_alerts;
        // Flapping inside one group interval: the fingerprint fired again
        // before its resolution was sent, which now never comes. The newer
        // instance takes the old one's place, in the same incident while it
        // is open.
        current.replaced = true;
        if (incidents_[ref.incident].open) {
          AddInstance(ref.incident, a, received_at, /*replaced=*/false);
          report(ref.incident);
          return;
        }
      }
      // The active instance has resolved (or its incident was resolved by a
      // person): a new firing period, placed by its key below.
    }
  } else {
    const Time ends_at = a.ends_at.value_or(received_at);
    if (active) {
      const AlertIndex::Ref ref = *active;
      AlertInstance& current = incidents_[ref.incident].alerts[ref.pos];
      if (current.firing() && ends_at >= current.starts_at) {
        // The resolution ends the fingerprint's active instance, whatever
        // startsAt it carries (after a flap it may name the replaced period).
        report(ref.incident);
        ResolveInstance(ref.incident, ref.pos, ends_at, a.alertname);
        ResolveIfAllAlertsResolved(ref.incident, received_at);
        return;
      }
    }
    if (exact) {
      // A known period: resolved already (a re-sent resolution), or one that
      // ended before the active instance began. Nothing fires any more.
      const AlertIndex::Ref ref = *exact;
      report(ref.incident);
      AlertInstance& inst = incidents_[ref.incident].alerts[ref.pos];
      if (!inst.resolved && !inst.replaced) {
        ResolveInstance(ref.incident, ref.pos, ends_at, a.alertname);
        ResolveIfAllAlertsResolved(ref.incident, received_at);
      }
      return;
    }
    if (active && ends_at < incidents_[active->incident].alerts[active->pos].starts_at) {
      // It ended before the active instance began: an older period that is
      // already over. Nothing to change.
      report(active->incident);
      return;
    }
    // A resolution of an instance never seen firing (debriefd was not yet
    // running, or its firing notification never came): it opens and resolves
    // at once, placed by its key below.
  }

  size_t idx = IncidentForNewAlert(a, received_at);
  report(idx);
  AddInstance(idx, a, received_at, /*replaced=*/false);
  ResolveIfAllAlertsResolved(idx, received_at);
}

// The fingerprint's latest (active) instance when it has resolved; else null.
const AlertInstance* IncidentTracker::LatestResolvedInstance(const std::string& fingerprint) const {
  const std::optional<AlertIndex::Ref> active = alert_index_.Active(fingerprint);
  if (!active) return nullptr;
  const AlertInstance& inst = incidents_[active->incident].alerts[active->pos];
  return inst.firing() || !inst.ends_at ? nullptr : &inst;
}

std::string IncidentTracker::DedupKeyOf(const Event& e) const {
  const auto* a = std::get_if<AlertNotification>(&e.body);
  if (a == nullptr || !a->firing) return e.dedup_key;
  const AlertInstance* latest = LatestResolvedInstance(a->fingerprint);
  // Only what Apply takes for a re-fire gets a key of its own: a copy within
  // late_copy_within, or an old line replayed again, stays a duplicate.
  if (latest == nullptr || a->starts_at > latest->starts_at ||
      e.received_at <= *latest->ends_at + policy_.late_copy_within) {
    return e.dedup_key;
  }
  return e.dedup_key + "|after:" + FormatRfc3339(*latest->ends_at);
}

// Joins the key's open incident, reopens its latest one when the alert started
// within alerts.reopen_within of its resolution (by event time, whenever it is
// delivered), or opens a new one.
size_t IncidentTracker::IncidentForNewAlert(const AlertNotification& a, Time received_at) {
  std::string key = KeyFor(a.labels, a.alertname.empty() ? a.fingerprint : a.alertname);
  auto latest = latest_by_key_.find(key);
  if (latest != latest_by_key_.end()) {
    size_t idx = latest->second;
    const Incident& inc = incidents_[idx];
    if (inc.open) return idx;
    if (a.firing && a.starts_at <= *inc.resolved_at + policy_.reopen_within) {
      Reopen(idx, received_at, a.alertname);
      return idx;
    }
  }
  auto label = [&](const std::string& name, const std::string& fallback) {
    auto it = a.labels.find(name);
    return it == a.labels.end() || it->second.empty() ? fallback : it->second;
  };
  size_t idx = OpenIncident(NextIncidentId(), key, label(policy_.service_label, kUnknown),
                            label(policy_.severity_label, kUnknown), a.summary.empty() ? a.alertname : a.summary,
                            received_at);
  incidents_[idx].environment = label(policy_.environment_label, policy_.default_environment);
  return idx;
}

void IncidentTracker::AddInstance(size_t idx, const AlertNotification& a, Time received_at, bool replaced) {
  Incident& inc = incidents_[idx];
  Duration pending{0};
  if (auto p = policy_.pending.find(a.alertname); p != policy_.pending.end()) {
    pending = p->second;
  } else if (auto l = learned_pending_.find(a.alertname); l != learned_pending_.end()) {
    pending = l->second;
  }
  AlertInstance inst;
  inst.starts_at = a.starts_at;
  inst.onset = a.starts_at - pending;
  inst.resolved = !a.firing;
  inst.replaced = replaced;
  if (!a.firing) inst.ends_at = a.ends_at.value_or(received_at);
  inc.earliest_onset = inc.earliest_onset ? std::min(*inc.earliest_onset, inst.onset) : inst.onset;
  if (inst.firing()) ++inc.firing_alerts;
  if (inst.ends_at && !inst.replaced) {
    inc.latest_alert_end = inc.latest_alert_end ? std::max(*inc.latest_alert_end, *inst.ends_at) : *inst.ends_at;
  }
  const AlertIndex::Ref ref{static_cast<uint32_t>(idx), static_cast<uint32_t>(inc.alerts.size())};
  inc.alerts.push_back(inst);
  inc.detail.AddAlert(a.fingerprint, a.alertname, LabelSet(a.labels), a.summary, a.generator_url);
  alert_index_.Add(a.fingerprint, a.starts_at, ref, /*active=*/!replaced);
  if (a.firing) inc.detected_at = std::min(inc.detected_at, received_at);
  inc.detail.AddTimeline(a.starts_at, "alert.firing", a.alertname);
  if (!a.firing) inc.detail.AddTimeline(*inc.alerts.back().ends_at, "alert.resolved", a.alertname);
  RecomputeStart(inc);
}

void IncidentTracker::ResolveInstance(size_t idx, size_t pos, Time ends_at, const std::string& alertname) {
  Incident& inc = incidents_[idx];
  AlertInstance& inst = inc.alerts[pos];
  if (inst.firing()) --inc.firing_alerts;
  inst.resolved = true;
  inst.ends_at = ends_at;
  if (!inst.replaced) {
    inc.latest_alert_end = inc.latest_alert_end ? std::max(*inc.latest_alert_end, ends_at) : ends_at;
  }
  inc.detail.AddTimeline(ends_at, "alert.resolved", alertname);
}

// An incident resolves when none of its alerts fires any more, at the latest
// end among them; one a person declared waits for a person to resolve it.
void IncidentTracker::ResolveIfAllAlertsResolved(size_t idx, Time received_at) {
  Incident& inc = incidents_[idx];
  if (!inc.open || inc.declared || inc.alerts.empty()) return;
  if (inc.firing_alerts > 0) return;
  Resolve(idx, inc.latest_alert_end.value_or(received_at), "resolved");
}

}  // namespace debriefd
