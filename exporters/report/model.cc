// The model: one row per incident of the range, the summaries of the range,
// the range before it and each service, and the lists that need attention.
#include "exporters/report/model.h"

#include <algorithm>

#include "domain/incident_view.h"

namespace debriefd {

std::optional<Duration> NearestRank(const std::vector<Duration>& sorted, int p) {
  if (sorted.empty() || p <= 0) return std::nullopt;
  // rank = ceil(p/100 * n), in integers.
  size_t n = sorted.size();
  size_t rank = (static_cast<size_t>(p) * n + 99) / 100;
  rank = std::clamp<size_t>(rank, 1, n);
  return sorted[rank - 1];
}

namespace {

ReportRow MakeRow(const IncidentTracker& t, const Incident& inc, Time now) {
  const IncidentView v = ViewOf(t, inc, now);
  ReportRow row;
  row.incident_id = inc.id;
  row.service = inc.service;
  row.severity = inc.severity;
  row.title = inc.title;
  row.started_at = v.clocking.started_at;
  row.detected_at = inc.detected_at;
  row.resolved_at = inc.resolved_at;
  row.time_to_detect = v.clocking.time_to_detect;
  row.time_to_fix = v.clocking.time_to_fix;
  row.detect_goal_met = v.clocking.detect_goal_met;
  row.fix_goal_met = v.clocking.fix_goal_met;
  if (v.suspected_cause) row.suspected_cause = v.suspected_cause->id;
  if (v.confirmed_cause) row.confirmed_cause = v.confirmed_cause->id;
  row.debrief_status = v.debrief.status;
  row.debrief_completed_at = v.debrief.completed_at;
  row.debrief_on_time = v.debrief.on_time;
  row.debrief_due_at = v.debrief.due_at;
  row.debrief_required = v.debrief_required;
  row.action_items_open = v.action_items_open;
  row.action_items_closed = v.action_items_closed;
  row.repeat_of = inc.repeat_of.value_or("");
  row.auto_resolved = inc.auto_resolved();
  return row;
}

// Accumulates the figures of one range (or service), then Finish()es them.
class SummaryBuilder {
 public:
  void Add(const ReportRow& row) {
    ReportSummary& s = s_;
    ++s.incidents;
    ttd_.push_back(row.time_to_detect);
    if (row.detect_goal_met) ++s.detect_goal_met;
    if (row.time_to_fix) {
      ++s.incidents_resolved;
      ttf_.push_back(*row.time_to_fix);
      if (row.fix_goal_met.value_or(false)) ++s.fix_goal_met;
    }
    if (row.debrief_required) ++s.debriefs_required;
    switch (row.debrief_status) {
      case DebriefStatus::kDone:
        ++(row.debrief_on_time.value_or(true) ? s.debriefs_on_time : s.debriefs_late);
        break;
      case DebriefStatus::kWaived:
        ++s.debriefs_waived;
        break;
      case DebriefStatus::kOverdue:
        ++s.debriefs_missing;
        break;
      case DebriefStatus::kPending:
        ++s.debriefs_pending;
        break;
      case DebriefStatus::kNotRequired:
        break;
    }
    s.action_items_opened += row.action_items_open + row.action_items_closed;
    s.action_items_closed += row.action_items_closed;
    if (!row.repeat_of.empty()) ++s.repeats;
    if (row.auto_resolved) ++s.auto_resolved;
    if (!row.confirmed_cause.empty()) ++s.confirmed_causes;
  }
  void AddChange() { ++s_.changes; }

  ReportSummary Finish() {
    ReportSummary s = s_;
    auto ratio = [](uint64_t num, uint64_t den) -> std::optional<double> {
      if (den == 0) return std::nullopt;
      return static_cast<double>(num) / static_cast<double>(den);
    };
    s.detect_goal_attainment = ratio(s.detect_goal_met, s.incidents);
    s.fix_goal_attainment = ratio(s.fix_goal_met, s.incidents_resolved);
    s.change_failure_rate = ratio(s.confirmed_causes, s.changes);
    std::sort(ttd_.begin(), ttd_.end());
    std::sort(ttf_.begin(), ttf_.end());
    s.time_to_detect_p50 = NearestRank(ttd_, 50);
    s.time_to_detect_p90 = NearestRank(ttd_, 90);
    s.time_to_fix_p50 = NearestRank(ttf_, 50);
    s.time_to_fix_p90 = NearestRank(ttf_, 90);
    return s;
  }

 private:
  ReportSummary s_;
  std::vector<Duration> ttd_, ttf_;
};

bool In(Time t, const ReportRange& r) { return t >= r.from && t < r.to; }

}  // namespace

Report BuildReport(const IncidentTracker& t, Time now, const ReportRange& range, ReportContents contents) {
  Report r;
  r.range = range;
  r.previous_range = PreviousRange(range);
  r.generated_at = now;
  if (contents == ReportContents::kHistory) {
    r.history = BuildMetricHistory(t);
    return r;
  }
  SummaryBuilder current, previous;
  std::map<std::string, SummaryBuilder> by_service;
  for (const Incident& inc : t.incidents()) {
    const bool in_current = In(inc.started_at, range);
    if (!in_current && !In(inc.started_at, r.previous_range)) continue;
    ReportRow row = MakeRow(t, inc, now);
    if (!in_current) {
      previous.Add(row);
      continue;
    }
    current.Add(row);
    by_service[row.service].Add(row);
    if (!r.goals.count(row.severity)) r.goals[row.severity] = t.policy().GoalsFor(row.severity);
    for (const std::string& id : inc.debrief().action_item_ids) {
      auto it = t.action_items().find(id);
      if (it == t.action_items().end() || !it->second.open()) continue;
      const ActionItem& item = it->second;
      r.open_action_items.push_back({item.id, item.incident_id, item.service, item.title, item.url,
                                     item.opened_at, item.due_at, item.OverdueAt(now)});
    }
    r.rows.push_back(std::move(row));
  }
  for (const ChangeEvent& c : t.changes()) {
    if (In(c.time, range)) {
      current.AddChange();
      by_service[c.service].AddChange();
    } else if (In(c.time, r.previous_range)) {
      previous.AddChange();
    }
  }
  std::sort(r.rows.begin(), r.rows.end(), [](const ReportRow& a, const ReportRow& b) {
    return a.started_at != b.started_at ? a.started_at < b.started_at : a.incident_id < b.incident_id;
  });
  r.summary = current.Finish();
  r.previous_summary = previous.Finish();
  for (auto& [service, builder] : by_service) r.services.push_back({service, builder.Finish()});
  std::stable_sort(r.services.begin(), r.services.end(),
                   [](const ServiceSummary& a, const ServiceSummary& b) {
                     return a.summary.incidents > b.summary.incidents;
                   });
  for (size_t i = 0; i < r.rows.size(); ++i) {
    if (r.rows[i].debrief_status == DebriefStatus::kOverdue) r.overdue_debriefs.push_back(i);
  }
  std::stable_sort(r.overdue_debriefs.begin(), r.overdue_debriefs.end(),
                   [&](size_t a, size_t b) { return r.rows[a].debrief_due_at < r.rows[b].debrief_due_at; });
  std::sort(r.open_action_items.begin(), r.open_action_items.end(),
            [](const OpenActionItem& a, const OpenActionItem& b) {
              if (a.overdue != b.overdue) return a.overdue;
              if (a.due_at != b.due_at) return a.due_at < b.due_at;
              return a.id < b.id;
            });
  return r;
}

}  // namespace debriefd
