#include "domain/batch_check.h"

#include "domain/tracker.h"

namespace debriefd {
namespace {

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
    return Status::Ok();
  }

  Status operator()(const IncidentTransition& b) { return NeedIncident(b.incident_id); }

  Status operator()(const DebriefCompleted& b) {
    if (Status s = NeedIncident(b.incident_id); !s.ok()) return s;
    if (Debriefed(b.incident_id)) return AlreadyDebriefed(b.incident_id);
    if (b.confirmed_cause_id && t_.FindChange(*b.confirmed_cause_id) == nullptr &&
        overlay_.changes.count(*b.confirmed_cause_id) == 0) {
      return Status::NotFound("confirmed_cause_id", "unknown change \"" + *b.confirmed_cause_id + "\"");
    }
    for (size_t i = 0; i < b.action_items.size(); ++i) {
      if (Status s = NewItem(b.action_items[i], "action_items[" + std::to_string(i) + "].id"); !s.ok()) return s;
    }
    overlay_.debriefed.insert(b.incident_id);
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
    if (inc != nullptr && inc->checkpoint_completed_at) {
      return Status::Conflict("incident_id", "the checkpoint of \"" + b.incident_id + "\" is already completed");
    }
    return Status::Ok();
  }

  Status operator()(const ActionItemOpened& b) {
    if (Status s = NeedIncident(b.incident_id); !s.ok()) return s;
    return NewItem(b.item, "id");
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
  bool Debriefed(const std::string& id) const {
    const Incident* inc = t_.Find(id);
    return (inc != nullptr && inc->debrief_completed_at) || overlay_.debriefed.count(id) > 0;
  }
  static Status AlreadyDebriefed(const std::string& id) {
    return Status::Conflict("incident_id", "the debrief of \"" + id + "\" is already completed");
  }
  bool ItemKnown(const std::string& id) const {
    return t_.action_items().count(id) > 0 || overlay_.action_items.count(id) > 0;
  }
  Status NewItem(const ActionItemSpec& spec, const std::string& field) {
    if (ItemKnown(spec.id)) return Status::Conflict(field, "action item \"" + spec.id + "\" already exists");
    overlay_.action_items.insert(spec.id);
    return Status::Ok();
  }

  const IncidentTracker& t_;
  BatchOverlay& overlay_;
};

}  // namespace

Status CheckEvent(const IncidentTracker& tracker, const Event& event, BatchOverlay& overlay) {
  return std::visit(Checker(tracker, overlay), event.body);
}

}  // namespace debriefd
