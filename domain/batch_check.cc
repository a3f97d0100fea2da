#include "domain/batch_check.h"

#include "domain/tracker.h"

namespace debriefd {
namespace {

// The native source's name: its senders state their own times, so the rules
// of input apply to them. Vendors' deliveries (Alertmanager, PagerDuty,
// trackers) are not held to them: a firing alert's endsAt is legitimately in
// the future, their clocks and detections are their own, and a 4xx makes most
// of them drop the delivery for good.
constexpr const char* kNative = "events";

class Checker {
 public:
  Checker(const IncidentTracker& t, BatchOverlay& overlay) : t_(t), overlay_(overlay) {}

  Status operator()(const AlertNotification&) { return Status::Ok(); }

  Status operator()(const ChangeEvent& b) {
    overlay_.changes.insert(b.id);
    return Status::Ok();
  }

  Status operator()(const IncidentDeclared& b) {
    if (b.incident_id.empty()) return Status::Ok();  // the tracker generates one
    if (IncidentKnown(b.incident_id)) {
      return Status::Conflict("incident_id", "incident \"" + b.incident_id + "\" already exists");
    }
    overlay_.incidents.insert(b.incident_id);
    overlay_.detected_at[b.incident_id] = b.time;
    return Status::Ok();
  }

  Status operator()(const IncidentTransition& b) { return NeedIncident(b.incident_id); }

  Status operator()(const DebriefCompleted& b) {
    if (Status s = NeedIncident(b.incident_id); !s.ok()) return s;
    if (Debriefed(b.incident_id)) return AlreadyDebriefed(b.incident_id);
    if (Status s = NeedCause(b.confirmed_cause_id); !s.ok()) return s;
    for (size_t i = 0; i < b.action_items.size(); ++i) {
      if (Status s = NewItem(b.action_items[i], b.incident_id, ItemField(i)); !s.ok()) return s;
    }
    overlay_.debriefed.insert(b.incident_id);
    return Status::Ok();
  }

  Status operator()(const DebriefUpdated& b) {
    if (Status s = NeedIncident(b.incident_id); !s.ok()) return s;
    if (!Debriefed(b.incident_id)) {
      return Status::FailedPrecondition("incident_id",
                                        "incident \"" + b.incident_id + "\" has no completed debrief to update");
    }
    if (Status s = NeedCause(b.confirmed_cause_id); !s.ok()) return s;
    for (size_t i = 0; i < b.action_items.size(); ++i) {
      const ActionItemSpec& spec = b.action_items[i];
      if (!ItemKnown(spec.id)) {
        if (Status s = NewItem(spec, b.incident_id, ItemField(i)); !s.ok()) return s;
      } else if (!OwnItem(spec.id, b.incident_id)) {
        return Status::Conflict(ItemField(i), "action item \"" + spec.id + "\" is not one of incident \"" +
                                                  b.incident_id + "\"'s own debrief items");
      }
    }
    return Status::Ok();
  }

  Status operator()(const DebriefWaived& b) {
    if (Status s = NeedIncident(b.incident_id); !s.ok()) return s;
    if (Debriefed(b.incident_id)) return AlreadyDebriefed(b.incident_id);
    return Status::Ok();
  }

  Status operator()(const CheckpointCompleted& b) {
    if (Status s = NeedIncident(b.incident_id); !s.ok()) return s;
    if (!Debriefed(b.incident_id)) {
      return Status::FailedPrecondition("incident_id",
                                        "incident \"" + b.incident_id + "\" has no completed debrief to check");
    }
    const Incident* inc = t_.Find(b.incident_id);
    if (inc != nullptr && inc->debrief().checkpoint_completed_at) {
      return Status::Conflict("incident_id", "the checkpoint of \"" + b.incident_id + "\" is already completed");
    }
    return Status::Ok();
  }

  Status operator()(const ActionItemOpened& b) {
    if (Status s = NeedIncident(b.incident_id); !s.ok()) return s;
    return NewItem(b.item, b.incident_id, "id");
  }

  Status operator()(const ActionItemClosed& b) {
    if (!ItemKnown(b.id)) return Status::NotFound("id", "unknown action item \"" + b.id + "\"");
    return Status::Ok();
  }

  // A snapshot of a tracker's issue always applies: whether it is an action
  // item, and of which incident, is the tracker's rule (tracker_items.cc).
  Status operator()(const TrackerIssue&) { return Status::Ok(); }

 private:
  bool IncidentKnown(const std::string& id) const {
    return t_.Find(id) != nullptr || overlay_.incidents.count(id) > 0;
  }
  Status NeedIncident(const std::string& id) const {
    if (IncidentKnown(id)) return Status::Ok();
    return Status::NotFound("incident_id", "unknown incident \"" + id + "\"");
  }
  Status NeedCause(const std::optional<std::string>& cause) const {
    if (!cause || t_.FindChange(*cause) != nullptr || overlay_.changes.count(*cause) > 0) return Status::Ok();
    return Status::NotFound("confirmed_cause_id", "unknown change \"" + *cause + "\"");
  }
  bool Debriefed(const std::string& id) const {
    const Incident* inc = t_.Find(id);
    return (inc != nullptr && inc->debrief().debrief_completed_at) || overlay_.debriefed.count(id) > 0;
  }
  static Status AlreadyDebriefed(const std::string& id) {
    return Status::Conflict("incident_id", "the debrief of \"" + id + "\" is already completed");
  }
  static std::string ItemField(size_t i) {
    std::string field = "action_items[";  // built in steps: GCC 12 warns falsely on "[" + to_string(i)
    field += std::to_string(i);
    field += "].id";
    return field;
  }
  bool ItemKnown(const std::string& id) const {
    return t_.action_items().count(id) > 0 || overlay_.action_items.count(id) > 0;
  }
  // Whether the known item `id` is a native item of incident `incident_id`
  // (by any of its ids), which a debrief update may amend.
  bool OwnItem(const std::string& id, const std::string& incident_id) const {
    if (auto it = t_.action_items().find(id); it != t_.action_items().end()) {
      const Incident* inc = t_.Find(incident_id);
      return it->second.source == kNative && inc != nullptr && it->second.incident_id == inc->id;
    }
    auto it = overlay_.item_incident.find(id);
    return it != overlay_.item_incident.end() && it->second == incident_id;
  }
  Status NewItem(const ActionItemSpec& spec, const std::string& incident_id, const std::string& field) {
    if (ItemKnown(spec.id)) return Status::Conflict(field, "action item \"" + spec.id + "\" already exists");
    overlay_.action_items.insert(spec.id);
    overlay_.item_incident[spec.id] = incident_id;
    return Status::Ok();
  }

  const IncidentTracker& t_;
  BatchOverlay& overlay_;
};

// The rules of input, checked after the rules of state when an event is first
// accepted: times a sender states, and transitions before the detection.
class InputRules {
 public:
  InputRules(const IncidentTracker& t, const Event& e, const BatchOverlay& overlay)
      : t_(t), e_(e), overlay_(overlay), native_(e.source == kNative) {}

  Status operator()(const AlertNotification&) const { return Status::Ok(); }
  Status operator()(const TrackerIssue&) const { return Status::Ok(); }
  // A change deployed in the future is wrong from any source.
  Status operator()(const ChangeEvent& b) const { return NotAhead(b.time, "time"); }
  Status operator()(const IncidentDeclared& b) const { return Stated(b.time, b.started_at); }
  Status operator()(const IncidentTransition& b) const {
    if (Status s = Stated(b.time); !s.ok() || !native_) return s;
    // An incident is not acknowledged, mitigated or resolved before anyone
    // knew of it: such a time names a wrong incident or comes from a wrong
    // clock, and would clock a fix shorter than the detection.
    std::optional<Time> detected = DetectionOf(b.incident_id);
    if (detected && b.time < *detected) {
      return Status::FailedPrecondition("time", EventTypeName(b) + " at " + FormatRfc3339(b.time) +
                                                    " is before incident \"" + b.incident_id + "\" was detected (" +
                                                    FormatRfc3339(*detected) + ")");
    }
    return Status::Ok();
  }
  Status operator()(const DebriefCompleted& b) const { return Stated(b.time, b.started_at); }
  Status operator()(const DebriefUpdated& b) const { return Stated(b.time); }
  Status operator()(const DebriefWaived& b) const { return Stated(b.time); }
  Status operator()(const CheckpointCompleted& b) const { return Stated(b.time); }
  // An item's `due` is not checked: it is meant to be in the future.
  Status operator()(const ActionItemOpened& b) const { return Stated(b.time); }
  Status operator()(const ActionItemClosed& b) const { return Stated(b.time); }

 private:
  // A native event's `time`, and its `started_at` when it has one.
  Status Stated(Time time, std::optional<Time> started_at = std::nullopt) const {
    if (!native_) return Status::Ok();
    if (Status s = NotAhead(time, "time"); !s.ok()) return s;
    return started_at ? NotAhead(*started_at, "started_at") : Status::Ok();
  }
  // At most max_clock_skew after the event's arrival.
  Status NotAhead(Time t, const char* field) const {
    const Duration skew = t_.policy().max_clock_skew;
    if (t - e_.received_at <= skew) return Status::Ok();
    return Status::InvalidArgument(field, FormatRfc3339(t) + " is in the future: more than limits.max_clock_skew (" +
                                              FormatDuration(skew) + ") after it was received (" +
                                              FormatRfc3339(e_.received_at) + ")");
  }
  // When the incident was detected as its senders saw it: its declaration's
  // time, or the time its first alert started firing (Alertmanager's clock,
  // not the arrival at debriefd, which a retried delivery delays), whichever
  // is earlier.
  std::optional<Time> DetectionOf(const std::string& id) const {
    if (const Incident* inc = t_.Find(id); inc != nullptr) {
      std::optional<Time> earliest = inc->declared_at;
      for (const AlertInstance& a : inc->alerts) {
        if (!earliest || a.starts_at < *earliest) earliest = a.starts_at;
      }
      return earliest.value_or(inc->detected_at);
    }
    if (auto it = overlay_.detected_at.find(id); it != overlay_.detected_at.end()) return it->second;
    return std::nullopt;
  }

  const IncidentTracker& t_;
  const Event& e_;
  const BatchOverlay& overlay_;
  const bool native_;
};

}  // namespace

Status CheckEvent(const IncidentTracker& tracker, const Event& event, BatchOverlay& overlay, CheckMode mode) {
  if (Status s = std::visit(Checker(tracker, overlay), event.body); !s.ok()) return s;
  if (mode == CheckMode::kAccepted) return Status::Ok();
  return std::visit(InputRules(tracker, event, overlay), event.body);
}

}  // namespace debriefd
