// How action items live (docs/debrief-loop.md, "Action items"): native
// items opened by debrief and action_item events, and issues of Jira, GitHub
// and GitLab that carry the action-item label.
//
// A tracker delivery is a snapshot of the issue, so the rules compare it with
// what the item was: a snapshot equal to the last one changes nothing, which
// makes repeated, retried and reordered deliveries of one state harmless.
#include <algorithm>
#include <regex>

#include "domain/tracker.h"

namespace debriefd {

struct IncidentTracker::ItemPattern {
  std::regex regex;
  bool valid = false;
};

namespace {

using Kind = ActionItemStep::Kind;

bool HasLabel(const std::vector<std::string>& labels, const std::string& label) {
  return std::find(labels.begin(), labels.end(), label) != labels.end();
}

// The incident id a label names under `format` ("incident:{id}"), or empty.
std::string IdFromLabel(const std::string& format, const std::string& label) {
  const size_t slot = format.find("{id}");
  if (slot == std::string::npos) return "";
  const std::string_view prefix = std::string_view(format).substr(0, slot);
  const std::string_view suffix = std::string_view(format).substr(slot + 4);
  if (label.size() <= prefix.size() + suffix.size()) return "";
  if (!label.starts_with(prefix) || !label.ends_with(suffix)) return "";
  return label.substr(prefix.size(), label.size() - prefix.size() - suffix.size());
}

}  // namespace

Incident* IncidentTracker::IncidentNamedBy(const TrackerIssue& issue) {
  auto known = [this](const std::string& id) -> Incident* {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &incidents_[it->second];
  };
  for (const std::string& label : issue.labels) {
    if (Incident* inc = known(IdFromLabel(policy_.action_item_incident_label, label))) return inc;
  }
  if (!item_pattern_) {
    // Compiled on first use: most trackers never send an issue. Config
    // validation rejects a pattern that does not compile; an invalid one here
    // (a Policy built by hand) links by label only.
    auto pattern = std::make_shared<ItemPattern>();
    try {
      pattern->regex = std::regex(policy_.action_item_incident_pattern, std::regex::ECMAScript);
      pattern->valid = true;
    } catch (const std::regex_error&) {
    }
    item_pattern_ = std::move(pattern);
  }
  if (!item_pattern_->valid) return nullptr;
  for (const std::string* text : {&issue.title, &issue.description}) {
    for (std::sregex_iterator it(text->begin(), text->end(), item_pattern_->regex), end; it != end; ++it) {
      const std::smatch& m = *it;
      const std::string id = m.size() > 1 && m[1].matched ? m[1].str() : m[0].str();
      if (Incident* inc = known(id)) return inc;
    }
  }
  return nullptr;
}

bool IncidentTracker::HasOpenItems(const Incident& inc) const {
  return std::any_of(inc.debrief().action_item_ids.begin(), inc.debrief().action_item_ids.end(), [this](const std::string& id) {
    auto it = action_items_.find(id);
    return it != action_items_.end() && it->second.open();
  });
}

void IncidentTracker::ItemTimeline(const ActionItem& item, Time at, const char* kind) {
  if (!item.linked()) return;
  if (auto it = by_id_.find(item.incident_id); it != by_id_.end()) {
    incidents_[it->second].detail.AddTimeline(at, kind, item.id);
  }
}

void IncidentTracker::CloseItem(ActionItem& item, Time at) {
  item.closed_at = at;
  item.steps.push_back({Kind::kClosed, at});
  ++item_counters_.closed[item.service];
  ItemTimeline(item, at, "action_item.closed");
}

// A link, once made, stays until the item names another known incident: an
// edit that drops the mention does not orphan it.
void IncidentTracker::LinkItem(ActionItem& item, Incident* inc, Time at) {
  if (inc == nullptr || inc->id == item.incident_id) return;
  if (auto old = by_id_.find(item.incident_id); item.linked() && old != by_id_.end()) {
    std::vector<std::string>& ids = incidents_[old->second].mutable_debrief().action_item_ids;
    ids.erase(std::remove(ids.begin(), ids.end(), item.id), ids.end());
  }
  item.incident_id = inc->id;
  item.service = inc->service;
  inc->mutable_debrief().action_item_ids.push_back(item.id);
  inc->detail.AddTimeline(at, "action_item.linked", item.id);
}

void IncidentTracker::On(const TrackerIssue& b, const Event& e, std::string* incident_id) {
  const bool is_item = !b.deleted && HasLabel(b.labels, policy_.action_item_label);
  auto found = action_items_.find(b.id);
  if (found == action_items_.end() && !is_item) return;  // an issue debriefd does not follow

  if (!is_item) {
    // Unlabelled or deleted: withdrawn, neither closed nor overdue.
    ActionItem& item = found->second;
    if (incident_id) *incident_id = item.incident_id;
    if (item.withdrawn) return;
    item.withdrawn = true;
    item.closed_at.reset();
    item.steps.push_back({Kind::kWithdrawn, b.time});
    ItemTimeline(item, b.time, "action_item.withdrawn");
    return;
  }

  if (found == action_items_.end()) {
    ActionItem fresh;
    fresh.id = b.id;
    fresh.source = e.source;
    fresh.service = b.service;
    fresh.withdrawn = true;  // opened just below
    found = action_items_.emplace(b.id, std::move(fresh)).first;
  }
  ActionItem& item = found->second;
  item.title = b.title;
  item.url = b.url;
  item.labels = b.labels;
  item.source_service = b.service;
  if (!item.linked()) item.service = b.service;
  LinkItem(item, IncidentNamedBy(b), b.time);
  if (incident_id) *incident_id = item.incident_id;

  const bool reopening = !item.withdrawn && item.closed_at && !b.done;
  if (item.withdrawn) {
    // Labelled (again): opened at the delivery's time. An issue first seen
    // already closed opened no later than it closed.
    item.withdrawn = false;
    item.closed_at.reset();
    item.opened_at = b.done && b.closed_at ? std::min(b.time, *b.closed_at) : b.time;
    if (b.done && b.created_at) item.opened_at = std::min(item.opened_at, *b.created_at);
    item.steps.push_back({Kind::kOpened, item.opened_at});
    ItemTimeline(item, item.opened_at, "action_item.opened");
  } else if (reopening) {
    item.closed_at.reset();
    item.steps.push_back({Kind::kReopened, b.time});
    ++item_counters_.reopened[item.service];
    ItemTimeline(item, b.time, "action_item.reopened");
  }
  item.due_at = b.due.value_or(item.opened_at + policy_.action_item_due_within);
  if (b.done && !item.closed_at) CloseItem(item, b.closed_at.value_or(b.time));
}

}  // namespace debriefd
