#include "exporters/incident_json.h"

#include <boost/json.hpp>

#include <algorithm>

namespace debriefd {
namespace json = boost::json;
namespace {

// Whole seconds as integers, fractions as decimals: 300, not 3E2.
json::value SecondsJson(Duration d) {
  if (d.count() % 1000 == 0) return json::value(static_cast<int64_t>(d.count() / 1000));
  return json::value(Seconds(d));
}

json::value TimeOrNull(const std::optional<Time>& t) {
  return t ? json::value(FormatRfc3339(*t)) : json::value(nullptr);
}

json::value ChangeJson(const ChangeEvent* c) {
  if (c == nullptr) return nullptr;
  return json::object{{"id", c->id},
                      {"time", FormatRfc3339(c->time)},
                      {"service", c->service},
                      {"kind", c->kind},
                      {"environment", c->environment},
                      {"version", c->version},
                      {"description", c->description},
                      {"url", c->url}};
}

json::object ActionItemJson(const ActionItem& item, Time now) {
  json::array labels;
  for (const auto& l : item.labels) labels.emplace_back(l);
  return json::object{{"id", item.id},
                      {"incident_id", item.linked() ? json::value(item.incident_id) : json::value(nullptr)},
                      {"linked", item.linked()},
                      {"source", item.source},
                      {"service", item.service},
                      {"title", item.title},
                      {"url", item.url},
                      {"labels", std::move(labels)},
                      {"state", ToString(item.state())},
                      {"opened_at", FormatRfc3339(item.opened_at)},
                      {"due_at", FormatRfc3339(item.due_at)},
                      {"closed_at", TimeOrNull(item.closed_at)},
                      {"overdue", item.OverdueAt(now)}};
}

json::object IncidentObject(const IncidentTracker& t, const Incident& inc, Time now, bool detail) {
  const IncidentView v = ViewOf(t, inc, now);
  const Clocking& clk = v.clocking;
  const Goals& goals = v.goals;
  const DebriefView& d = v.debrief;
  const CheckpointView& cp = v.checkpoint;
  json::object o;
  o["id"] = inc.id;
  o["key"] = inc.key;
  o["service"] = inc.service;
  o["severity"] = inc.severity;
  o["title"] = inc.title;
  o["state"] = inc.open ? "open" : "resolved";
  o["started_at"] = FormatRfc3339(clk.started_at);
  o["detected_at"] = FormatRfc3339(inc.detected_at);
  o["acknowledged_at"] = TimeOrNull(inc.acknowledged_at);
  o["mitigated_at"] = TimeOrNull(inc.mitigated_at);
  o["resolved_at"] = TimeOrNull(inc.resolved_at);
  o["time_to_detect_seconds"] = SecondsJson(clk.time_to_detect);
  o["time_to_fix_seconds"] = clk.time_to_fix ? SecondsJson(*clk.time_to_fix) : json::value(nullptr);
  o["detect_goal_met"] = clk.detect_goal_met;
  o["fix_goal_met"] = clk.fix_goal_met ? json::value(*clk.fix_goal_met) : json::value(nullptr);
  o["goals"] = json::object{{"detect_seconds", SecondsJson(goals.detect)}, {"fix_seconds", SecondsJson(goals.fix)}};
  o["suspected_cause"] = ChangeJson(v.suspected_cause);
  o["confirmed_cause"] = ChangeJson(v.confirmed_cause);
  o["reopen_count"] = inc.reopen_count;
  o["auto_resolved"] = inc.auto_resolved();
  o["repeat_of"] = inc.repeat_of ? json::value(*inc.repeat_of) : json::value(nullptr);
  o["repeat_with_open_items"] = inc.repeat_with_open_items;
  o["counted"] = inc.counted;
  json::object debrief{{"status", ToString(d.status)},
                       {"required", v.debrief_required},
                       {"due_at", TimeOrNull(d.due_at)},
                       {"completed_at", TimeOrNull(d.completed_at)},
                       {"url", inc.debrief_url.empty() ? json::value(nullptr) : json::value(inc.debrief_url)},
                       {"on_time", d.on_time ? json::value(*d.on_time) : json::value(nullptr)}};
  if (inc.debrief_waived_at) {
    debrief["waived_at"] = FormatRfc3339(*inc.debrief_waived_at);
    debrief["waive_reason"] = inc.debrief_waive_reason;
  }
  o["debrief"] = std::move(debrief);
  o["checkpoint"] = json::object{{"status", ToString(cp.status)},
                                 {"due_at", TimeOrNull(cp.due_at)},
                                 {"completed_at", TimeOrNull(cp.completed_at)}};
  json::array items;
  for (const ActionItem* item : v.action_items) items.push_back(ActionItemJson(*item, now));
  o["action_items"] = std::move(items);
  if (inc.impact) {
    const Impact& im = *inc.impact;
    o["impact"] = json::object{
        {"customers_affected", im.customers_affected ? json::value(*im.customers_affected) : json::value(nullptr)},
        {"cost", im.cost ? json::value(*im.cost) : json::value(nullptr)},
        {"summary", im.summary}};
  } else {
    o["impact"] = nullptr;
  }
  if (detail) {
    json::array alerts;
    for (const AlertInstance& a : inc.alerts) {
      json::object labels;
      for (const auto& [k, v] : a.labels) labels[k] = v;
      alerts.push_back(json::object{{"fingerprint", a.fingerprint},
                                    {"alertname", a.alertname},
                                    {"labels", std::move(labels)},
                                    {"summary", a.summary},
                                    {"generator_url", a.generator_url},
                                    {"status", a.resolved ? "resolved" : "firing"},
                                    {"starts_at", FormatRfc3339(a.starts_at)},
                                    {"onset", FormatRfc3339(a.onset)},
                                    {"ends_at", TimeOrNull(a.ends_at)}});
    }
    o["alerts"] = std::move(alerts);
    std::vector<TimelineEntry> entries = inc.timeline;
    if (const ChangeEvent* c = v.suspected_cause) {
      entries.push_back({c->time, "change.suspected_cause", c->id});
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) { return a.time < b.time; });
    json::array timeline;
    for (const TimelineEntry& e : entries) {
      timeline.push_back(json::object{{"time", FormatRfc3339(e.time)}, {"kind", e.kind}, {"detail", e.detail}});
    }
    o["timeline"] = std::move(timeline);
  }
  return o;
}

}  // namespace

std::string IncidentJson(const IncidentTracker& t, const Incident& inc, Time now, bool detail) {
  return json::serialize(IncidentObject(t, inc, now, detail));
}

std::string IncidentListJson(const IncidentTracker& t, const std::vector<const Incident*>& incidents, Time now) {
  json::array list;
  list.reserve(incidents.size());
  for (const Incident* inc : incidents) list.push_back(IncidentObject(t, *inc, now, false));
  return json::serialize(json::object{{"incidents", std::move(list)}});
}

std::string ActionItemListJson(const std::vector<const ActionItem*>& items, Time now) {
  json::array list;
  list.reserve(items.size());
  for (const ActionItem* item : items) list.push_back(ActionItemJson(*item, now));
  return json::serialize(json::object{{"action_items", std::move(list)}});
}

}  // namespace debriefd
