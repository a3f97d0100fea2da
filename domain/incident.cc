#include "domain/incident.h"

namespace debriefd {

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

}  // namespace debriefd
