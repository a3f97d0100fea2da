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
                       {"url", inc.debrief().debrief_url.empty() ? json::value(nullptr) : json::value(inc.debrief().debrief_url)},
                       {"on_time", d.on_time ? json::value(*d.on_time) : json::value(nullptr)}};
  if (inc.debrief().debrief_waived_at) {
    debrief["waived_at"] = FormatRfc3339(*inc.debrief().debrief_waived_at);
    debrief["waive_reason"] = inc.debrief().debrief_waive_reason;
  }
  o["debrief"] = std::move(debrief);
  o["checkpoint"] = json::object{{"status", ToString(cp.status)},
                                 {"due_at", TimeOrNull(cp.due_at)},
                                 {"completed_at", TimeOrNull(cp.completed_at)}};
  json::array items;
  for (const ActionItem* item : v.action_items) items.push_back(ActionItemJson(*item, now));
  o["action_items"] = std::move(items);
  if (inc.debrief().impact) {
    const Impact& im = *inc.debrief().impact;
    o["impact"] = json::object{
        {"customers_affected", im.customers_affected ? json::value(*im.customers_affected) : json::value(nullptr)},
        {"cost", im.cost ? json::value(*im.cost) : json::value(nullptr)},
        {"summary", im.summary}};
  } else {
    o["impact"] = nullptr;
  }
  if (detail) {
    json::array alerts;
    for (const AlertDetail& a : inc.AlertDetails()) {
      json::object labels;
      a.labels.ForEach([&labels](std::string_view k, std::string_view v) { labels[k] = v; });
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
    std::vector<TimelineEntry> entries = inc.Timeline();
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

namespace {

constexpr size_t kMaxCursor = 600;  // hex characters: an index and an id of up to ~280 bytes

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> Unhex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// A cursor names the last incident of a page by its position in
// IncidentTracker::incidents() and its id: "<index>:<id>", hex-encoded so
// that it needs no escaping in a URL. Positions never change (incidents are
// only appended, and a restart rebuilds them in the same order); the id
// catches a cursor from another debriefd.
struct Cursor {
  size_t index = 0;
  std::string id;
};

std::string EncodeCursor(size_t index, const std::string& id) {
  std::string text = std::to_string(index);
  text += ':';
  text += id;
  return Hex(text);
}

std::optional<Cursor> DecodeCursor(std::string_view cursor) {
  if (cursor.size() > kMaxCursor) return std::nullopt;
  std::optional<std::string> text = Unhex(cursor);
  if (!text) return std::nullopt;
  const size_t colon = text->find(':');
  if (colon == 0 || colon == std::string::npos || colon > 12) return std::nullopt;
  Cursor c;
  for (size_t i = 0; i < colon; ++i) {
    const char d = (*text)[i];
    if (d < '0' || d > '9') return std::nullopt;
    c.index = c.index * 10 + static_cast<size_t>(d - '0');
  }
  c.id = text->substr(colon + 1);
  if (c.id.empty()) return std::nullopt;
  return c;
}

Status BadCursor() {
  return Status::InvalidArgument("cursor", "not a cursor of this debriefd's incidents (start again without it)");
}

}  // namespace

Result<IncidentListQuery> ParseIncidentListQuery(const std::map<std::string, std::string>& query) {
  IncidentListQuery q;
  for (const auto& [key, value] : query) {
    if (key == "state") {
      if (value.empty()) continue;  // all
      if (value != "open" && value != "resolved") return Status::InvalidArgument("state", "must be open or resolved");
      q.open = value == "open";
    } else if (key == "service") {
      q.service = value;
    } else if (key == "severity") {
      q.severity = value;
    } else if (key == "since") {
      q.since = ParseRfc3339(value);
      if (!q.since) return Status::InvalidArgument("since", "not RFC 3339");
    } else if (key == "debrief") {
      q.debrief = ParseDebriefStatus(value);
      if (!q.debrief) {
        return Status::InvalidArgument("debrief", "must be not_required, pending, overdue, done or waived");
      }
    } else if (key == "limit") {
      size_t limit = 0;
      const bool digits = !value.empty() && value.size() <= 4 &&
                          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (digits) limit = std::stoul(value);
      if (limit < 1 || limit > kIncidentPageMax) {
        return Status::InvalidArgument("limit", "must be a whole number from 1 to " + std::to_string(kIncidentPageMax));
      }
      q.limit = limit;
    } else if (key == "cursor") {
      if (!DecodeCursor(value)) return BadCursor();
      q.cursor = value;
    } else {
      return Status::InvalidArgument(
          key.substr(0, 64),
          "unknown query parameter (known: state, service, severity, since, debrief, limit, cursor)");
    }
  }
  return q;
}

Result<std::string> IncidentListPageJson(const IncidentTracker& t, const IncidentListQuery& q, Time now) {
  const std::vector<Incident>& all = t.incidents();
  size_t end = all.size();  // the page lists matches among [0, end), from the top down
  if (!q.cursor.empty()) {
    std::optional<Cursor> c = DecodeCursor(q.cursor);
    if (!c || c->index >= all.size() || all[c->index].id != c->id) return BadCursor();
    end = c->index;
  }
  auto matches = [&](const Incident& inc) {
    if (q.open && *q.open != inc.open) return false;
    if (q.service && inc.service != *q.service) return false;
    if (q.severity && inc.severity != *q.severity) return false;
    if (q.since && inc.started_at < *q.since) return false;
    if (q.debrief && t.DebriefOf(inc, now).status != *q.debrief) return false;
    return true;
  };
  json::array list;
  list.reserve(std::min(q.limit, end));
  size_t i = end;
  size_t last = 0;
  while (i > 0 && list.size() < q.limit) {
    --i;
    if (!matches(all[i])) continue;
    list.push_back(IncidentObject(t, all[i], now, false));
    last = i;
  }
  // A cursor only when another match follows, so that the last page says so.
  bool more = false;
  while (i > 0 && !more) more = matches(all[--i]);
  json::value next = more ? json::value(EncodeCursor(last, all[last].id)) : json::value(nullptr);
  return json::serialize(json::object{{"incidents", std::move(list)}, {"next_cursor", std::move(next)}});
}

std::string ActionItemListJson(const std::vector<const ActionItem*>& items, Time now) {
  json::array list;
  list.reserve(items.size());
  for (const ActionItem* item : items) list.push_back(ActionItemJson(*item, now));
  return json::serialize(json::object{{"action_items", std::move(list)}});
}

}  // namespace debriefd
