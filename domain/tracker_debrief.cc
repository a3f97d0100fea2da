// debrief.updated: amending a held debrief (docs/debrief-loop.md, "Amending a
// debrief"). What the debrief found changes; when it was held does not, so
// on-time counting and the checkpoint's due time stay as they were.
//
// Applying an update that changes nothing (a re-sent one, or the same
// amendment twice) leaves the incident as it was, timeline included.
#include "domain/tracker.h"

namespace debriefd {
namespace {

bool SameImpact(const std::optional<Impact>& a, const Impact& b) {
  return a && a->customers_affected == b.customers_affected && a->cost == b.cost && a->summary == b.summary;
}

void Note(std::string& changed, const char* what) {
  if (!changed.empty()) changed += ", ";
  changed += what;
}

}  // namespace

void IncidentTracker::On(const DebriefUpdated& b, const Event&, std::string* incident_id) {
  Incident& inc = Touch(b.incident_id, incident_id);
  std::string changed;
  if (b.url && *b.url != inc.debrief().debrief_url) {
    inc.mutable_debrief().debrief_url = *b.url;
    Note(changed, "url");
  }
  if (b.confirmed_cause_id && b.confirmed_cause_id != inc.debrief().confirmed_cause_id) {
    // A cause confirmed before and now withdrawn stays counted in
    // debriefd_change_failures_total: counters never go down.
    inc.mutable_debrief().confirmed_cause_id = b.confirmed_cause_id;
    changes_.ConfirmCause(*b.confirmed_cause_id, b.time);
    RecomputeStart(inc);
    Note(changed, "confirmed_cause_id");
  }
  if (b.impact && !SameImpact(inc.debrief().impact, *b.impact)) {
    inc.mutable_debrief().impact = b.impact;
    Note(changed, "impact");
  }
  bool items_changed = false;
  for (const ActionItemSpec& spec : b.action_items) {
    auto it = action_items_.find(spec.id);
    if (it == action_items_.end()) {
      AddActionItem(inc, spec, b.time);
      items_changed = true;
      continue;
    }
    // The batch check let through only this incident's own native items.
    ActionItem& item = it->second;
    const Time due = spec.due.value_or(item.due_at);
    if (item.title != spec.title || item.url != spec.url || item.labels != spec.labels || item.due_at != due) {
      item.title = spec.title;
      item.url = spec.url;
      item.labels = spec.labels;
      item.due_at = due;
      items_changed = true;
    }
  }
  if (items_changed) Note(changed, "action_items");
  if (!changed.empty()) inc.detail.AddTimeline(b.time, "debrief.updated", changed);
}

}  // namespace debriefd
