#include "server/api.h"

#include <boost/algorithm/string/predicate.hpp>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <spdlog/spdlog.h>

#include "collector/sources/registry.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "exporters/report.h"

namespace debriefd {
namespace json = boost::json;

namespace {

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

HttpResponse Json(int status, const json::value& v) { return JsonResponse(json::serialize(v), status); }

// A 401 says how to authenticate (RFC 9110, 11.6.1).
HttpResponse Challenge(const Status& s) {
  HttpResponse r = ErrorResponse(s);
  r.headers["WWW-Authenticate"] = "Bearer realm=\"debriefd\"";
  return r;
}

HttpResponse MethodNotAllowed(const char* allow) {
  HttpResponse r = ErrorResponse(Status::Unimplemented(std::string("method not allowed; use ") + allow));
  r.headers["Allow"] = allow;
  return r;
}

}  // namespace

Api::Api(IngestService& ingest, ApiOptions options) : ingest_(ingest), options_(std::move(options)) {}

Status Api::Authorize(const std::string& token, const HttpRequest& req) const {
  if (token.empty()) return Status::Ok();
  // The scheme is case-insensitive (RFC 9110, 11.1); the token is not.
  const std::string& header = req.authorization;
  const bool bearer = header.size() > 7 && boost::algorithm::iequals(std::string_view(header).substr(0, 7), "Bearer ");
  if (bearer && ConstantTimeEquals(header.substr(7), token)) return Status::Ok();
  return Status::Unauthenticated("Authorization", "missing or wrong bearer token");
}

void Api::Handle(const HttpRequest& req, Respond respond) {
  boost::system::result<boost::urls::url_view> url = boost::urls::parse_origin_form(req.target);
  if (!url) {
    respond(ErrorResponse(Status::InvalidArgument("target", "malformed request target")));
    return;
  }
  std::string path = url->path();
  std::map<std::string, std::string> query;
  for (auto param : url->params()) query[std::string(param.key)] = std::string(param.value);
  const bool get = req.method == "GET" || req.method == "HEAD";
  const bool post = req.method == "POST";

  auto read = [&](auto&& produce) {
    if (!get) return respond(MethodNotAllowed("GET, HEAD"));
    if (Status s = Authorize(options_.read_token, req); !s.ok()) return respond(Challenge(s));
    respond(produce());
  };
  auto write = [&](const Source& source) {
    if (!post) return respond(MethodNotAllowed("POST"));
    // A configured webhook source checks its own signature or token instead:
    // GitHub, GitLab and the others cannot send debriefd's bearer token.
    if (Status s = source.needs_config ? Status::Ok() : Authorize(options_.ingest_token, req); !s.ok()) {
      return respond(Challenge(s));
    }
    Ingest(source, req, std::move(respond));
  };

  if (path == "/healthz") {
    if (!get) return respond(MethodNotAllowed("GET, HEAD"));
    return respond(Json(200, json::object{{"status", "ok"}}));
  }
  if (path == "/readyz") {
    if (!get) return respond(MethodNotAllowed("GET, HEAD"));
    bool ready = ingest_.ready();
    return respond(Json(ready ? 200 : 503, json::object{{"status", ready ? "ready" : "loading"}}));
  }
  if (path == "/metrics") return read([&] { return Metrics(); });
  if (const Source* source = FindSourceByRoute(path)) return write(*source);
  if (path == "/api/v1/incidents") return read([&] { return ListIncidents(query); });
  if (path == "/api/v1/action-items") return read([&] { return ListActionItems(query); });
  if (path == "/api/v1/reports/quarterly") return read([&] { return QuarterlyReport(query); });
  if (path == "/api/v1/reports/monthly") return read([&] { return MonthlyReview(query); });
  constexpr std::string_view kIncidentPrefix = "/api/v1/incidents/";
  if (path.size() > kIncidentPrefix.size() && path.compare(0, kIncidentPrefix.size(), kIncidentPrefix) == 0) {
    std::string id = path.substr(kIncidentPrefix.size());
    return read([&] { return GetIncident(id); });
  }
  if (HandlePage(path, query, req, respond)) return;
  respond(ErrorResponse(Status::NotFound("path", "no such endpoint: " + path.substr(0, 200))));
}

void Api::Ingest(const Source& from, const HttpRequest& req, Respond respond) {
  const std::string source(from.name);
  const SourceSettings& settings = SettingsOf(options_.sources, source);
  if (from.needs_config && !settings.configured) {
    return respond(ErrorResponse(
        Status::NotFound("path", "the " + source + " source is not configured (sources." + source + " in the config)")));
  }
  Time received_at = ingest_.now();
  if (from.verify != nullptr && !settings.secret.empty()) {
    Status verified = from.verify(SourceRequest{req.body, LookupIn(req.headers), received_at, settings}).WithSource(source);
    if (!verified.ok()) {
      ingest_.CountResult(source, "unauthorized");
      spdlog::warn("unauthorized {} request: {}", source, verified.message());
      return respond(ErrorResponse(verified));
    }
  }
  Result<std::vector<ParsedEvent>> parsed = ParseRequest(source, req.body, req.headers, received_at, settings);
  if (!parsed.ok()) {
    ingest_.CountRejected(source);
    // The sender rarely reads our answer: the log is where the reason is seen.
    spdlog::warn("rejected {} request: {}", source, parsed.status().message());
    return respond(ErrorResponse(parsed.status()));
  }
  if (parsed->empty()) {
    // Valid, but nothing debriefd records (a ping, another environment).
    ingest_.CountResult(source, "ignored");
    return respond(Json(200, json::object{{"accepted", 0}, {"duplicates", 0}, {"ignored", 1}, {"incident_ids", json::array{}}}));
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
      return ErrorResponse(Status::InvalidArgument(
          k.substr(0, 64), "unknown query parameter (known: state, service, severity, since, debrief)"));
    }
  }
  std::optional<Time> since;
  if (auto it = query.find("since"); it != query.end()) {
    since = ParseRfc3339(it->second);
    if (!since) return ErrorResponse(Status::InvalidArgument("since", "not RFC 3339"));
  }
  std::string state = query.count("state") ? query.at("state") : "";
  if (!state.empty() && state != "open" && state != "resolved") {
    return ErrorResponse(Status::InvalidArgument("state", "must be open or resolved"));
  }
  std::optional<DebriefStatus> debrief;
  if (auto it = query.find("debrief"); it != query.end()) {
    debrief = ParseDebriefStatus(it->second);
    if (!debrief) {
      return ErrorResponse(
          Status::InvalidArgument("debrief", "must be not_required, pending, overdue, done or waived"));
    }
  }
  return ingest_.Read([&](const IncidentTracker& t, Time now) {
    std::vector<const Incident*> list;
    for (const Incident& inc : t.incidents()) {
      if (!state.empty() && (state == "open") != inc.open) continue;
      if (query.count("service") && inc.service != query.at("service")) continue;
      if (query.count("severity") && inc.severity != query.at("severity")) continue;
      if (since && inc.started_at < *since) continue;
      if (debrief && t.DebriefOf(inc, now).status != *debrief) continue;
      list.push_back(&inc);
    }
    return JsonResponse(IncidentListJson(t, list, now));
  });
}

HttpResponse Api::GetIncident(const std::string& id) {
  return ingest_.Read([&](const IncidentTracker& t, Time now) {
    const Incident* inc = t.Find(id);
    if (inc == nullptr) return ErrorResponse(Status::NotFound("id", "unknown incident \"" + id.substr(0, 128) + "\""));
    return JsonResponse(IncidentJson(t, *inc, now, true));
  });
}

HttpResponse Api::ListActionItems(const std::map<std::string, std::string>& query) {
  for (const auto& [key, value] : query) {
    if (!key.empty() && key != "state" && key != "service" && key != "linked") {
      return ErrorResponse(Status::InvalidArgument(key.substr(0, 64), "unknown parameter (known: state, service, linked)"));
    }
  }
  const std::string state = query.count("state") ? query.at("state") : "";
  if (!state.empty() && state != "open" && state != "closed" && state != "withdrawn") {
    return ErrorResponse(Status::InvalidArgument("state", "must be open, closed or withdrawn"));
  }
  const std::string linked = query.count("linked") ? query.at("linked") : "";
  if (!linked.empty() && linked != "true" && linked != "false") {
    return ErrorResponse(Status::InvalidArgument("linked", "must be true or false"));
  }
  return ingest_.Read([&](const IncidentTracker& t, Time now) {
    std::vector<const ActionItem*> items;
    for (const auto& [id, item] : t.action_items()) {
      // Withdrawn items (label removed, issue deleted) only when asked for.
      if (state.empty() ? item.withdrawn : state != ToString(item.state())) continue;
      if (query.count("service") && item.service != query.at("service")) continue;
      if (!linked.empty() && (linked == "true") != item.linked()) continue;
      items.push_back(&item);
    }
    // The monthly review reads oldest first.
    std::stable_sort(items.begin(), items.end(),
                     [](const ActionItem* a, const ActionItem* b) { return a->opened_at < b->opened_at; });
    return JsonResponse(ActionItemListJson(items, now));
  });
}

HttpResponse Api::Metrics() {
  EventCounts counts = ingest_.event_counts();
  ProcessInfo info{options_.version, ingest_.commits(), ActiveSourceNames(options_.sources),
                   ingest_.unreadable_events(), {}, std::nullopt, options_.pages.external_url};
  for (const std::string& name : info.sources) {
    if (FindSource(name)->needs_config) info.webhook_sources.push_back(name);
  }
  if (options_.rules_last_success) info.rules_last_success = options_.rules_last_success();
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
  const ReportFormat& format = *req->format;
  HttpResponse r;
  r.content_type = std::string(format.content_type);
  r.headers["Content-Disposition"] = "attachment; filename=\"" + ReportFileName(req->range, format) + "\"";
  // Only the model is built under the state lock; rendering, the larger part,
  // happens outside it so that ingestion is not held up by a report.
  Report report = ingest_.Read(
      [&](const IncidentTracker& t, Time now) { return BuildReport(t, now, req->range, format.contents); });
  r.body = RenderReport(report, format);
  return r;
}

HttpResponse Api::MonthlyReview(const std::map<std::string, std::string>& query) {
  // The clock, not the tracker, says which month has begun (a future one is a 400).
  Result<MonthlyReportRequest> req = ParseMonthlyReportQuery(query, ingest_.now());
  if (!req.ok()) return ErrorResponse(req.status());
  const ReportFormat& format = *req->format;
  HttpResponse r;
  r.content_type = std::string(format.content_type);
  r.headers["Content-Disposition"] = "attachment; filename=\"" + ReportFileName(req->month, format) + "\"";
  // As for the quarterly report: the model under the state lock, the
  // rendering outside it.
  MonthlyReport report = ingest_.Read(
      [&](const IncidentTracker& t, Time now) { return BuildMonthlyReport(t, now, req->month); });
  r.body = RenderMonthlyReport(report, format);
  return r;
}

}  // namespace debriefd
