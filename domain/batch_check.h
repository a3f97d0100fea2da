#pragma once
// Checks that events could be applied, without applying them: referenced
// incidents, changes and action items exist (or are created earlier in the
// same batch or group), checkpoints follow debriefs, ids are not taken.
// One overload per event type (batch_check.cc): a new event type that lacks
// its check does not compile.
//
// Two sets of rules, checked in this order. The rules of state hold for every
// apply. The rules of input hold only when an event is first accepted
// (CheckMode::kNew): times a native sender states, and a change's time from
// any source, may not be more than Policy::max_clock_skew after the event's
// received_at (InvalidArgument, 400), and a native incident.acknowledged,
// .mitigated or .resolved may not be before the incident's detection: its
// declaration's time or its first alert's startsAt, whichever is earlier
// (FailedPrecondition, 409). An event accepted once re-applies as it was
// (CheckMode::kAccepted: restart and rebuild), even if the policy has changed
// since or an older debriefd accepted it.

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "domain/event.h"
#include "domain/status.h"

namespace debriefd {

class IncidentTracker;

// What checked but not yet applied events create, so that later events (of
// the same batch, or of a later request in the same group commit) may refer
// to it before anything is applied.
struct BatchOverlay {
  std::unordered_set<std::string> incidents;
  // incident id (as the event named it) -> its detection time.
  std::unordered_map<std::string, Time> detected_at;
  std::unordered_set<std::string> debriefed;
  std::unordered_set<std::string> changes;
  std::unordered_set<std::string> action_items;
  // action item id -> the incident id (as the event named it) it was opened on.
  std::unordered_map<std::string, std::string> item_incident;
};

enum class CheckMode {
  kNew,       // a request being accepted: the rules of state and of input
  kAccepted,  // an event accepted before, applied again: the rules of state only
};

// Checks one event against the tracker plus `overlay`; on success, `overlay`
// gains what the event creates. The Status names the field and the reason
// (the caller adds the batch index and the source).
Status CheckEvent(const IncidentTracker& tracker, const Event& event, BatchOverlay& overlay,
                  CheckMode mode = CheckMode::kNew);

}  // namespace debriefd
