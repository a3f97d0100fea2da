// The counters of /metrics as they grew: each increment stamped with the time
// of the event that caused it, as /metrics counts them (an incident is opened
// when detected, and counted into the histograms and goals once it has stayed
// resolved past alerts.reopen_within).
#include "exporters/metric_names.h"
#include "exporters/report/model.h"

#include <map>

namespace debriefd {
namespace {

void Escape(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

// Labels in exposition syntax: service="checkout",severity="critical".
std::string Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += out.empty() ? "" : ",";
    out += k;
    out += "=\"";
    Escape(out, v);
    out += '"';
  }
  return out;
}

CounterHistory Counter(const metric::Def& def) { return {def.name, def.help, {}}; }

}  // namespace

MetricHistory BuildMetricHistory(const IncidentTracker& t) {
  const Policy& policy = t.policy();
  CounterHistory incidents = Counter(metric::kIncidents), repeats = Counter(metric::kRepeats),
                 counted = Counter(metric::kCounted), goals = Counter(metric::kGoals),
                 cause = Counter(metric::kSuspectedCause), auto_resolved = Counter(metric::kAutoResolved),
                 debriefs = Counter(metric::kDebriefs), changes = Counter(metric::kChanges),
                 change_failures = Counter(metric::kChangeFailures);
  HistogramHistory ttd{metric::kTimeToDetect.name, metric::kTimeToDetect.help, t.bucket_bounds(), {}};
  HistogramHistory ttf{metric::kTimeToFix.name, metric::kTimeToFix.help, t.bucket_bounds(), {}};
  auto add = [](CounterHistory& c, std::string labels, Time at) { c.series[std::move(labels)].push_back({at, 1}); };

  for (const Incident& inc : t.incidents()) {
    const std::string ss = Labels({{"service", inc.service}, {"severity", inc.severity}});
    add(incidents, ss, inc.detected_at);
    if (inc.repeat_of) add(repeats, ss, inc.detected_at);
    if (inc.counted && inc.resolved_at) {
      Time at = *inc.resolved_at + policy.reopen_within;
      Clocking clk = t.ClockOf(inc);
      add(counted, ss, at);
      add(goals,
          Labels({{"service", inc.service},
                  {"severity", inc.severity},
                  {"goal", "detect"},
                  {"result", clk.detect_goal_met ? "met" : "missed"}}),
          at);
      ttd.series[ss].push_back({at, clk.time_to_detect});
      if (clk.time_to_fix) {
        add(goals,
            Labels({{"service", inc.service},
                    {"severity", inc.severity},
                    {"goal", "fix"},
                    {"result", clk.fix_goal_met.value_or(false) ? "met" : "missed"}}),
            at);
        ttf.series[ss].push_back({at, *clk.time_to_fix});
      }
      if (t.SuspectedCause(inc) != nullptr) add(cause, ss, at);
      if (inc.auto_resolved()) add(auto_resolved, ss, at);
    }
    if (inc.debrief().debrief_completed_at) {
      DebriefView d = t.DebriefOf(inc, *inc.debrief().debrief_completed_at);
      add(debriefs,
          Labels({{"service", inc.service},
                  {"severity", inc.severity},
                  {"result", d.on_time.value_or(true) ? "on_time" : "late"}}),
          *inc.debrief().debrief_completed_at);
    }
  }
  // A (service, kind) with changes has its change failures from 0, as in
  // /metrics: from its first change on. A confirmed change counts once, at the
  // completion of the first debrief that confirmed it.
  std::map<std::string, Time> first_change;
  for (const ChangeEvent& c : t.changes()) {
    std::string labels = Labels({{"service", c.service}, {"kind", c.kind}});
    add(changes, labels, c.time);
    auto [it, inserted] = first_change.try_emplace(labels, c.time);
    if (!inserted && c.time < it->second) it->second = c.time;
  }
  for (const auto& [labels, at] : first_change) change_failures.series[labels].push_back({at, 0});
  for (const ChangeFailure& f : t.change_failures()) {
    add(change_failures, Labels({{"service", f.service}, {"kind", f.kind}}), f.confirmed_at);
  }

  MetricHistory h;
  for (CounterHistory* c : {&incidents, &repeats, &counted, &goals, &cause, &auto_resolved, &debriefs,
                            &changes, &change_failures}) {
    h.counters.push_back(std::move(*c));
  }
  h.histograms.push_back(std::move(ttd));
  h.histograms.push_back(std::move(ttf));
  return h;
}

}  // namespace debriefd
