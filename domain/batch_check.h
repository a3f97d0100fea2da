#pragma once
// Checks that events could be applied, without applying them: referenced
// incidents, changes and action items exist (or are created earlier in the
// same batch or group), checkpoints follow debriefs, ids are not taken.
// One overload per event type (batch_check.cc): a new event type that lacks
// its check does not compile.

#include <string>
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
  std::unordered_set<std::string> debriefed;
  std::unordered_set<std::string> changes;
  std::unordered_set<std::string> action_items;
};

// Checks one event against the tracker plus `overlay`; on success, `overlay`
// gains what the event creates. The Status names the field and the reason
// (the caller adds the batch index and the source).
Status CheckEvent(const IncidentTracker& tracker, const Event& event, BatchOverlay& overlay);

}  // namespace debriefd
