#include "domain/incident.h"

#include "domain/varint.h"

namespace debriefd {


LabelSet::LabelSet(const std::map<std::string, std::string>& labels) {
  size_t size = 0;
  for (const auto& [name, value] : labels) size += name.size() + value.size() + 4;
  packed_.reserve(size);
  for (const auto& [name, value] : labels) {
    varint::PutString(packed_, name);
    varint::PutString(packed_, value);
  }
}

bool LabelSet::Take(std::string_view& rest, std::string_view& out) { return varint::TakeString(rest, out); }

std::map<std::string, std::string> LabelSet::ToMap() const {
  std::map<std::string, std::string> out;
  ForEach([&out](std::string_view name, std::string_view value) { out.emplace(name, value); });
  return out;
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

const char* ToString(ActionItemState s) {
  switch (s) {
    case ActionItemState::kNone: return "none";
    case ActionItemState::kOpen: return "open";
    case ActionItemState::kClosed: return "closed";
    case ActionItemState::kWithdrawn: return "withdrawn";
  }
  return "none";
}

ActionItemState ActionItem::state() const {
  if (withdrawn) return ActionItemState::kWithdrawn;
  return closed_at ? ActionItemState::kClosed : ActionItemState::kOpen;
}

ActionItemState ActionItem::StateAt(Time t) const {
  // Steps are in the order they were applied; a tracker's closing time may lie
  // before the delivery that reported it, so each step counts from its own time.
  ActionItemState s = ActionItemState::kNone;
  for (const ActionItemStep& step : steps) {
    if (step.time > t) continue;
    switch (step.kind) {
      case ActionItemStep::Kind::kOpened:
      case ActionItemStep::Kind::kReopened: s = ActionItemState::kOpen; break;
      case ActionItemStep::Kind::kClosed: s = ActionItemState::kClosed; break;
      case ActionItemStep::Kind::kWithdrawn: s = ActionItemState::kWithdrawn; break;
    }
  }
  return s;
}

bool ActionItem::HasStepIn(ActionItemStep::Kind kind, Time from, Time to) const {
  for (const ActionItemStep& step : steps) {
    if (step.kind == kind && step.time >= from && step.time < to) return true;
  }
  return false;
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
