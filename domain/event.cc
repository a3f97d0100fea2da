#include "domain/event.h"

namespace debriefd {

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
    std::string operator()(const DebriefUpdated&) const { return "debrief.updated"; }
    std::string operator()(const DebriefWaived&) const { return "debrief.waived"; }
    std::string operator()(const CheckpointCompleted&) const { return "checkpoint.completed"; }
    std::string operator()(const ActionItemOpened&) const { return "action_item.opened"; }
    std::string operator()(const ActionItemClosed&) const { return "action_item.closed"; }
    std::string operator()(const TrackerIssue&) const { return "tracker.issue"; }
  };
  return std::visit(Namer{}, body);
}

}  // namespace debriefd
