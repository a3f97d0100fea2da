// The monthly review of action items: the month, each item's state at the
// month's end from its steps, and the repeats of the incidents behind them.
#include "exporters/report/monthly.h"

#include <algorithm>
#include <map>

#include "exporters/report/range.h"

namespace debriefd {
namespace {

using Kind = ActionItemStep::Kind;
using std::chrono::sys_days;

constexpr Duration kDay = std::chrono::hours(24);

Time MonthStart(int year, unsigned month) {
  return std::chrono::time_point_cast<Duration>(
      sys_days{std::chrono::year{year} / std::chrono::month{month} / 1});
}

// The latest step of `kind` at or before `t`, if any.
std::optional<Time> LatestStep(const ActionItem& item, Kind kind, Time t) {
  std::optional<Time> latest;
  for (const ActionItemStep& step : item.steps) {
    if (step.kind == kind && step.time <= t && (!latest || step.time > *latest)) latest = step.time;
  }
  return latest;
}

// The incidents of each grouping key by detection time, to find the first
// one detected after a given time without scanning every incident per item.
class Repeats {
 public:
  explicit Repeats(const IncidentTracker& t) : tracker_(t) {
    for (const Incident& inc : t.incidents()) {
      if (!inc.key.empty()) by_key_[inc.key].push_back({inc.detected_at, &inc});
    }
    for (auto& [key, list] : by_key_) {
      std::sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) {
        return a.first != b.first ? a.first < b.first : a.second->id < b.second->id;
      });
    }
  }

  // The first incident with the key of `incident_id` detected after both
  // that incident's detection and `after`, and no later than `until`.
  const Incident* After(const std::string& incident_id, Time after, Time until) const {
    const Incident* inc = incident_id.empty() ? nullptr : tracker_.Find(incident_id);
    if (inc == nullptr || inc->key.empty()) return nullptr;
    auto list = by_key_.find(inc->key);
    if (list == by_key_.end()) return nullptr;
    const Time from = std::max(after, inc->detected_at);
    auto it = std::upper_bound(list->second.begin(), list->second.end(), from,
                               [](Time t, const Entry& e) { return t < e.first; });
    if (it == list->second.end() || it->first > until) return nullptr;
    return it->second;
  }

 private:
  using Entry = std::pair<Time, const Incident*>;
  const IncidentTracker& tracker_;
  std::map<std::string, std::vector<Entry>> by_key_;
};

MonthlyItem MakeItem(const ActionItem& item) {
  MonthlyItem m;
  m.id = item.id;
  m.title = item.title;
  m.url = item.url;
  m.service = item.service;
  m.incident_id = item.incident_id;
  m.source = item.source;
  m.opened_at = item.opened_at;
  m.due_at = item.due_at;
  return m;
}

}  // namespace

Result<ReportMonth> ParseMonth(std::string_view s, Time now) {
  auto bad = [&](std::string_view why) {
    std::string reason = "\"";
    reason += s.substr(0, 32);
    reason += "\" is not a month like 2026-11";
    reason += why;
    return BadReportParameter("month", std::move(reason));
  };
  if (s.size() != 7 || s[4] != '-') return bad(" (YYYY-MM)");
  int year = 0;
  unsigned month = 0;
  for (size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (s[i] < '0' || s[i] > '9') return bad(" (YYYY-MM)");
    if (i < 4) {
      year = year * 10 + (s[i] - '0');
    } else {
      month = month * 10 + static_cast<unsigned>(s[i] - '0');
    }
  }
  if (month < 1 || month > 12) return bad(" (the month is 01 to 12)");
  if (year < 1970) return bad(" (1970 or later)");
  ReportMonth m;
  m.from = MonthStart(year, month);
  m.to = month == 12 ? MonthStart(year + 1, 1) : MonthStart(year, month + 1);
  m.label = std::string(s);
  if (m.from > now) {
    std::string reason = "\"";
    reason += s;
    reason += "\" has not begun yet (now is ";
    reason += FormatRfc3339(now);
    reason += "); the latest month with a review is the current one";
    return BadReportParameter("month", std::move(reason));
  }
  return m;
}

MonthlyReport BuildMonthlyReport(const IncidentTracker& t, Time now, const ReportMonth& month) {
  MonthlyReport r;
  r.month = month;
  r.generated_at = now;
  r.month_over = now >= month.to;
  r.end = std::min(month.to, now);
  if (now < month.from) {
    r.end = month.from;
    return r;
  }
  // The last instant whose steps count: `now` for the current month, the
  // last millisecond of a past one (its `end` is the next month's first).
  const Time last = r.month_over ? month.to - Duration(1) : now;
  const Repeats repeats(t);

  for (const auto& [id, item] : t.action_items()) {
    if (item.HasStepIn(Kind::kOpened, month.from, month.to)) ++r.summary.opened;
    const ActionItemState state = item.StateAt(last);
    if (state == ActionItemState::kClosed && item.HasStepIn(Kind::kClosed, month.from, month.to)) {
      ++r.summary.closed;
      MonthlyItem m = MakeItem(item);
      m.closed_at = LatestStep(item, Kind::kClosed, last);
      // The fix is judged by what happened after it, up to now, even when
      // that lies beyond the month.
      if (const Incident* again = repeats.After(item.incident_id, *m.closed_at, now)) {
        m.repeated = true;
        m.repeated_by = again->id;
        m.repeated_at = again->detected_at;
        r.closed_then_repeated.push_back(std::move(m));
      }
      continue;
    }
    if (state != ActionItemState::kOpen) continue;
    MonthlyItem m = MakeItem(item);
    // A later withdrawal and relabelling moved opened_at past the month.
    m.opened_at = LatestStep(item, Kind::kOpened, last).value_or(item.opened_at);
    m.age_days = std::max<int64_t>(0, (r.end - m.opened_at) / kDay);
    m.overdue = m.due_at < r.end;
    if (const Incident* again = repeats.After(item.incident_id, Time::min(), last)) {
      m.repeated = true;
      m.repeated_by = again->id;
      m.repeated_at = again->detected_at;
    }
    r.items.push_back(std::move(m));
  }

  std::sort(r.items.begin(), r.items.end(), [](const MonthlyItem& a, const MonthlyItem& b) {
    if (a.overdue != b.overdue) return a.overdue;
    if (a.opened_at != b.opened_at) return a.opened_at < b.opened_at;
    return a.id < b.id;
  });
  std::sort(r.closed_then_repeated.begin(), r.closed_then_repeated.end(),
            [](const MonthlyItem& a, const MonthlyItem& b) {
              if (a.closed_at != b.closed_at) return a.closed_at < b.closed_at;
              return a.id < b.id;
            });

  std::map<std::string, std::vector<size_t>> by_service;
  for (size_t i = 0; i < r.items.size(); ++i) {
    const MonthlyItem& m = r.items[i];
    by_service[m.service].push_back(i);
    if (m.overdue) ++r.summary.overdue;
    if (m.incident_id.empty()) r.unlinked.push_back(i);
    if (m.repeated) r.repeated.push_back(i);
  }
  for (auto& [service, items] : by_service) r.services.push_back({service, std::move(items)});
  std::stable_sort(r.services.begin(), r.services.end(),
                   [](const MonthlyServiceGroup& a, const MonthlyServiceGroup& b) {
                     return a.items.size() > b.items.size();
                   });
  r.summary.open = r.items.size();
  r.summary.unlinked = r.unlinked.size();
  r.summary.repeated = r.repeated.size();
  r.summary.closed_then_repeated = r.closed_then_repeated.size();
  return r;
}

}  // namespace debriefd
