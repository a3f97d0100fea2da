#include "server/api.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <spdlog/spdlog.h>

#include "exporters/metrics.h"
#include "exporters/report.h"

namespace debriefd {
namespace json = boost::json;

HttpResponse ErrorResponse(int http_status, const std::string& message, const std::string& field) {
  json::object o;
  o["error"] = message;
  if (!field.empty()) o["field"] = field;
  HttpResponse r;
  r.status = http_status;
  r.body = json::serialize(o);
  return r;
}

HttpResponse ErrorResponse(const Status& status) {
  int code = 500;
  switch (status.code()) {
    case StatusCode::kOk: code = 200; break;
    case StatusCode::kInvalidArgument: code = 400; break;
    case StatusCode::kNotFound: code = 404; break;
    case StatusCode::kConflict: code = 409; break;
    case StatusCode::kUnavailable: code = 503; break;
  }
  HttpResponse r = ErrorResponse(code, status.message(), status.field());
  if (code == 503) r.headers["Retry-After"] = "5";
  return r;
}

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
                      {"incident_id", item.incident_id},
                      {"service", item.service},
                      {"title", item.title},
                      {"url", item.url},
                      {"labels", std::move(labels)},
                      {"state", item.open() ? "open" : "closed"},
                      {"opened_at", FormatRfc3339(item.opened_at)},
                      {"due_at", FormatRfc3339(item.due_at)},
                      {"closed_at", TimeOrNull(item.closed_at)},
                      {"overdue", item.OverdueAt(now)}};
}

json::object IncidentJson(const IncidentTracker& t, const Incident& inc, Time now, bool detail) {
  Clocking clk = t.ClockOf(inc);
  const Goals& goals = t.policy().GoalsFor(inc.severity);
  DebriefView d = t.DebriefOf(inc, now);
  CheckpointView cp = t.CheckpointAt(inc, now);
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
  o["suspected_cause"] = ChangeJson(t.SuspectedCause(inc));
  o["confirmed_cause"] = ChangeJson(inc.confirmed_cause_id ? t.FindChange(*inc.confirmed_cause_id) : nullptr);
  o["reopen_count"] = inc.reopen_count;
  o["auto_resolved"] = inc.auto_resolved();
  o["repeat_of"] = inc.repeat_of ? json::value(*inc.repeat_of) : json::value(nullptr);
  o["counted"] = inc.counted;
  json::object debrief{{"status", ToString(d.status)},
                       {"required", t.DebriefRequired(inc)},
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
  for (const std::string& id : inc.action_item_ids) {
    auto it = t.action_items().find(id);
    if (it != t.action_items().end()) items.push_back(ActionItemJson(it->second, now));
  }
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
    if (const ChangeEvent* c = t.SuspectedCause(inc)) {
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

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

HttpResponse Json(int status, const json::value& v) {
  HttpResponse r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

HttpResponse MethodNotAllowed(const char* allow) {
  HttpResponse r = ErrorResponse(405, std::string("method not allowed; use ") + allow);
  r.headers["Allow"] = allow;
  return r;
}

}  // namespace

Api::Api(IngestService& ingest, Config config, std::string version)
    : ingest_(ingest), config_(std::move(config)), version_(std::move(version)) {}

bool Api::Authorized(const std::string& token, const HttpRequest& req) const {
  if (token.empty()) return true;
  return ConstantTimeEquals(req.authorization, "Bearer " + token);
}

void Api::Handle(const HttpRequest& req, Respond respond) {
  boost::system::result<boost::urls::url_view> url = boost::urls::parse_origin_form(req.target);
  if (!url) {
    respond(ErrorResponse(400, "malformed request target", "target"));
    return;
  }
  std::string path = url->path();
  std::map<std::string, std::string> query;
  for (auto param : url->params()) query[std::string(param.key)] = std::string(param.value);
  const bool get = req.method == "GET" || req.method == "HEAD";
  const bool post = req.method == "POST";

  auto read = [&](auto&& produce) {
    if (!get) return respond(MethodNotAllowed("GET"));
    if (!Authorized(config_.auth.read_token, req)) {
      return respond(ErrorResponse(401, "missing or wrong bearer token", "Authorization"));
    }
    respond(produce());
  };
  auto write = [&](const char* source) {
    if (!post) return respond(MethodNotAllowed("POST"));
    if (!Authorized(config_.auth.ingest_token, req)) {
      return respond(ErrorResponse(401, "missing or wrong bearer token", "Authorization"));
    }
    Ingest(source, req, std::move(respond));
  };

  if (path == "/healthz") {
    if (!get) return respond(MethodNotAllowed("GET"));
    return respond(Json(200, json::object{{"status", "ok"}}));
  }
  if (path == "/readyz") {
    if (!get) return respond(MethodNotAllowed("GET"));
    bool ready = ingest_.ready();
    return respond(Json(ready ? 200 : 503, json::object{{"status", ready ? "ready" : "loading"}}));
  }
  if (path == "/metrics") return read([&] { return Metrics(); });
  if (path == "/webhooks/alertmanager") return write(kSourceAlertmanager);
  if (path == "/api/v1/events") return write(kSourceEvents);
  if (path == "/api/v1/incidents") return read([&] { return ListIncidents(query); });
  if (path == "/api/v1/action-items") return read([&] { return ListActionItems(query); });
  if (path == "/api/v1/reports/quarterly") return read([&] { return QuarterlyReport(query); });
  constexpr std::string_view kIncidentPrefix = "/api/v1/incidents/";
  if (path.size() > kIncidentPrefix.size() && path.compare(0, kIncidentPrefix.size(), kIncidentPrefix) == 0) {
    std::string id = path.substr(kIncidentPrefix.size());
    return read([&] { return GetIncident(id); });
  }
  respond(ErrorResponse(404, "no such endpoint: " + path.substr(0, 200), "path"));
}

void Api::Ingest(const std::string& source, const HttpRequest& req, Respond respond) {
  Time received_at = ingest_.now();
  Result<std::vector<ParsedEvent>> parsed = ParseRequestBody(source, req.body, received_at);
  if (!parsed.ok()) {
    ingest_.CountRejected(source);
    // The sender rarely reads our answer: the log is where the reason is seen.
    spdlog::warn("rejected {} request: {}", source, parsed.status().message());
    return respond(ErrorResponse(parsed.status()));
  }
  ingest_.Submit(source, std::move(parsed.value()), [respond = std::move(respond), source](IngestOutcome out) {
    if (!out.status.ok()) {
      spdlog::warn("rejected {} request: {}", source, out.status.message());
      return respond(ErrorResponse(out.status));
    }
    json::array ids;
    for (const std::string& id : out.incident_ids) ids.push_back(id.empty() ? json::value(nullptr) : json::value(id));
    respond(Json(200, json::object{{"accepted", out.accepted},
                                   {"duplicates", out.duplicates},
                                   {"incident_ids", std::move(ids)}}));
  });
}

HttpResponse Api::ListIncidents(const std::map<std::string, std::string>& query) {
  for (const auto& [k, v] : query) {
    if (k != "state" && k != "service" && k != "severity" && k != "since" && k != "debrief") {
      return ErrorResponse(400, "unknown query parameter " + k.substr(0, 64) +
                                    " (known: state, service, severity, since, debrief)", k.substr(0, 64));
    }
  }
  std::optional<Time> since;
  if (auto it = query.find("since"); it != query.end()) {
    since = ParseRfc3339(it->second);
    if (!since) return ErrorResponse(400, "since: not RFC 3339", "since");
  }
  std::string state = query.count("state") ? query.at("state") : "";
  if (!state.empty() && state != "open" && state != "resolved") {
    return ErrorResponse(400, "state: must be open or resolved", "state");
  }
  std::optional<DebriefStatus> debrief;
  if (auto it = query.find("debrief"); it != query.end()) {
    debrief = ParseDebriefStatus(it->second);
    if (!debrief) return ErrorResponse(400, "debrief: must be not_required, pending, overdue, done or waived", "debrief");
  }
  return ingest_.Read([&](const IncidentTracker& t, Time now) {
    json::array list;
    for (const Incident& inc : t.incidents()) {
      if (!state.empty() && (state == "open") != inc.open) continue;
      if (query.count("service") && inc.service != query.at("service")) continue;
      if (query.count("severity") && inc.severity != query.at("severity")) continue;
      if (since && inc.started_at < *since) continue;
      if (debrief && t.DebriefOf(inc, now).status != *debrief) continue;
      list.push_back(IncidentJson(t, inc, now, false));
    }
    return Json(200, json::object{{"incidents", std::move(list)}});
  });
}

HttpResponse Api::GetIncident(const std::string& id) {
  return ingest_.Read([&](const IncidentTracker& t, Time now) {
    const Incident* inc = t.Find(id);
    if (inc == nullptr) return ErrorResponse(404, "unknown incident \"" + id.substr(0, 128) + "\"", "id");
    return Json(200, IncidentJson(t, *inc, now, true));
  });
}

HttpResponse Api::ListActionItems(const std::map<std::string, std::string>& query) {
  std::string state = query.count("state") ? query.at("state") : "";
  if (!state.empty() && state != "open" && state != "closed") {
    return ErrorResponse(400, "state: must be open or closed", "state");
  }
  return ingest_.Read([&](const IncidentTracker& t, Time now) {
    std::vector<const ActionItem*> items;
    for (const auto& [id, item] : t.action_items()) {
      if (!state.empty() && (state == "open") != item.open()) continue;
      if (query.count("service") && item.service != query.at("service")) continue;
      items.push_back(&item);
    }
    // The monthly review reads oldest first.
    std::stable_sort(items.begin(), items.end(),
                     [](const ActionItem* a, const ActionItem* b) { return a->opened_at < b->opened_at; });
    json::array list;
    for (const ActionItem* item : items) list.push_back(ActionItemJson(*item, now));
    return Json(200, json::object{{"action_items", std::move(list)}});
  });
}

HttpResponse Api::Metrics() {
  EventCounts counts = ingest_.event_counts();
  ProcessInfo info{version_, ingest_.commits()};
  return ingest_.Read([&](const IncidentTracker& t, Time now) {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = RenderMetrics(t, now, counts, info);
    return r;
  });
}

HttpResponse Api::QuarterlyReport(const std::map<std::string, std::string>& query) {
  Result<ReportRequest> req = ParseReportQuery(query);
  if (!req.ok()) return ErrorResponse(req.status());
  HttpResponse r;
  r.content_type = ContentType(req->format);
  r.headers["Content-Disposition"] = "attachment; filename=\"" + ReportFileName(req->range, req->format) + "\"";
  if (req->format == ReportFormat::kOpenMetrics) {
    r.body = ingest_.Read([&](const IncidentTracker& t, Time) { return RenderOpenMetrics(t, req->range); });
    return r;
  }
  // Only the model is built under the state lock; rendering, the larger part,
  // happens outside it so that ingestion is not held up by a report.
  Report report = ingest_.Read([&](const IncidentTracker& t, Time now) { return BuildReport(t, now, req->range); });
  r.body = RenderReport(report, req->format);
  return r;
}

}  // namespace debriefd
