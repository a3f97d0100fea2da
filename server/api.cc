#include "server/api.h"

#include <boost/algorithm/string/predicate.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "collector/sources/registry.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "exporters/report.h"
#include "server/edge_limits.h"

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

HttpResponse NoSuchEndpoint(const std::string& path) {
  return ErrorResponse(Status::NotFound("path", "no such endpoint: " + path.substr(0, 200)));
}

// Endpoints that take no query parameters say so rather than ignore them.
std::optional<HttpResponse> NoQuery(const std::map<std::string, std::string>& query) {
  for (const auto& [key, value] : query) {
    if (!key.empty()) return ErrorResponse(Status::InvalidArgument(key.substr(0, 64), "unknown query parameter (none known)"));
  }
  return std::nullopt;
}

// Who may call a route.
enum class Auth {
  kNone,    // anyone (health, the stylesheet)
  kRead,    // the read token as a bearer token
  kIngest,  // the ingest token as a bearer token
  kPage,    // the read token, as a bearer token or HTTP Basic password
  kSource,  // the webhook source's own signature or token, checked with the body
};

// What a route accepts, known from its handler label alone.
struct Rule {
  const char* allow = "GET, HEAD";
  Auth auth = Auth::kNone;
};

constexpr std::string_view kIncidentPrefix = "/api/v1/incidents/";
constexpr std::string_view kPagePrefix = "/incidents/";
constexpr std::string_view kDebriefDoc = "/debrief.md";
constexpr const char* kOther = "other";

// The fixed routes (pages included) and what they accept.
const std::map<std::string, Rule, std::less<>>& FixedRoutes() {
  static const auto* routes = new std::map<std::string, Rule, std::less<>>{
      {"/healthz", {}},
      {"/readyz", {}},
      {"/-/healthy", {}},
      {"/-/ready", {}},
      {"/-/reload", {"POST, PUT", Auth::kIngest}},
      {"/metrics", {"GET, HEAD", Auth::kRead}},
      {"/api/v1/incidents", {"GET, HEAD", Auth::kRead}},
      {"/api/v1/incidents/{id}", {"GET, HEAD", Auth::kRead}},
      {"/api/v1/action-items", {"GET, HEAD", Auth::kRead}},
      {"/api/v1/reports/quarterly", {"GET, HEAD", Auth::kRead}},
      {"/api/v1/reports/monthly", {"GET, HEAD", Auth::kRead}},
      {"/api/v1/status/buildinfo", {"GET, HEAD", Auth::kRead}},
      {"/api/v1/status/config", {"GET, HEAD", Auth::kRead}},
      {"/", {"GET, HEAD", Auth::kPage}},
      {"/incidents", {"GET, HEAD", Auth::kPage}},
      {"/incidents/{id}", {"GET, HEAD", Auth::kPage}},
      {"/incidents/{id}/debrief.md", {"GET, HEAD", Auth::kPage}},
      {"/feed.atom", {"GET, HEAD", Auth::kPage}},
      // The stylesheet holds nothing private: a login page could not be styled otherwise.
      {"/static/style.css", {"GET, HEAD", Auth::kNone}},
  };
  return *routes;
}

bool MethodIn(const std::string& method, std::string_view allow) {
  size_t at = 0;
  while (at < allow.size()) {
    size_t end = allow.find(", ", at);
    if (end == std::string_view::npos) end = allow.size();
    if (allow.substr(at, end - at) == method) return true;
    at = end + 2;
  }
  return false;
}

const char* GroupName(Auth auth) {
  switch (auth) {
    case Auth::kRead: return "read token";
    case Auth::kIngest: return "ingest token";
    case Auth::kPage: return "read token (page login)";
    case Auth::kSource: return "source signature";
    case Auth::kNone: break;
  }
  return "none";
}

// The standard buckets of the Prometheus client libraries, in seconds.
const std::vector<double>& DurationBounds() {
  static const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return bounds;
}

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr double kLogInterval = 10;  // seconds between two lines of one kind

// What a client sent, fit for one log line: at most `max` bytes, control
// characters (a decoded %0A in a path) replaced so that no client can forge a line.
std::string Printable(std::string_view s, size_t max = 200) {
  std::string out(s.substr(0, max));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

#if defined(__clang__)
constexpr const char* kCompiler = "clang " __clang_version__;
#else
constexpr const char* kCompiler = "gcc " __VERSION__;
#endif  // seconds between two lines of one kind

}  // namespace

// Shared with the response callbacks, which may outlive the Api.
struct Api::Telemetry {
  explicit Telemetry(std::function<double()> clock) : now(clock ? std::move(clock) : SteadySeconds) {}

  void Record(const std::string& handler, int code, double seconds) {
    std::lock_guard<std::mutex> lock(mu);
    HttpHandlerFigures& h = Handler(handler);
    ++h.requests_by_code[code];
    h.duration.Observe(seconds);
  }
  HttpHandlerFigures& Handler(const std::string& handler) {
    auto [it, fresh] = handlers.try_emplace(handler);
    if (fresh) {
      it->second.handler = handler;
      it->second.duration = Histogram(DurationBounds());
    }
    return it->second;
  }
  // Every handler seen, plus `ingest_handlers` with their 200 and 401 series at
  // 0: an alert on the rate of 401s then sees the first one.
  std::vector<HttpHandlerFigures> Snapshot(const std::vector<std::string>& ingest_handlers) {
    std::lock_guard<std::mutex> lock(mu);
    for (const std::string& h : ingest_handlers) {
      HttpHandlerFigures& f = Handler(h);
      f.requests_by_code.try_emplace(200, 0);
      f.requests_by_code.try_emplace(401, 0);
    }
    std::vector<HttpHandlerFigures> out;
    out.reserve(handlers.size());
    for (const auto& [name, figures] : handlers) out.push_back(figures);
    return out;
  }
  // Every 401 is logged, one line per kLogInterval at most.
  void Unauthorized(const HttpRequest& req, const std::string& path, const std::string& group) {
    std::optional<LogLimiter::HeldBack> held_back;
    {
      std::lock_guard<std::mutex> lock(mu);
      held_back = unauthorized_log.Allow(now());
    }
    if (!held_back) return;
    spdlog::warn("unauthorized request from {}: {} {} (wrong or missing {}){}",
                 req.remote.empty() ? "unknown" : Printable(req.remote, 64), Printable(req.method, 16),
                 Printable(path), group,
                 held_back->lines == 0
                     ? std::string()
                     : fmt::format("; {} more unauthorized request(s) not logged since the last line",
                                   held_back->lines));
  }
  // Logs when more service values are folded than at the last scrape.
  void Folded(size_t folded, size_t max_services) {
    std::optional<LogLimiter::HeldBack> held_back;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (folded <= services_folded) return;
      held_back = folding_log.Allow(now());
      if (held_back) services_folded = folded;
    }
    if (held_back) {
      spdlog::warn("metrics: {} services beyond limits.max_services ({}) are exported as service=\"{}\"", folded,
                   max_services, kOtherService);
    }
  }

  std::function<double()> now;
  std::mutex mu;
  std::map<std::string, HttpHandlerFigures> handlers;
  LogLimiter unauthorized_log{kLogInterval};
  LogLimiter folding_log{kLogInterval};
  size_t services_folded = 0;  // at the last line logged
};

// A buffer kept with its capacity: a scrape at 100,000 incidents writes
// some 4 MB, and each page of a fresh allocation is a fault (jemalloc returns
// freed pages to the system within seconds, sooner than Prometheus scrapes
// again). One only: that is memory held for good; a second scrape at the
// same moment (two Prometheus servers) takes a fresh buffer, as before.
struct Api::SpareBuffers {
  std::mutex mu;
  std::string spare;

  std::string Take() {
    std::lock_guard<std::mutex> lock(mu);
    return std::exchange(spare, {});
  }
  void Give(std::string&& b) {
    std::lock_guard<std::mutex> lock(mu);
    if (b.capacity() > spare.capacity()) spare = std::move(b);
  }
};

Api::Api(IngestService& ingest, ApiOptions options)
    : ingest_(ingest),
      options_(std::make_shared<const ApiOptions>(std::move(options))),
      telemetry_(std::make_shared<Telemetry>(options_->monotonic_seconds)),
      metrics_buffers_(std::make_shared<SpareBuffers>()) {}

Api::~Api() = default;

Api::Options Api::options() const {
  std::lock_guard<std::mutex> lock(options_mu_);
  return options_;
}

void Api::Reconfigure(ApiOptions options) {
  auto next = std::make_shared<const ApiOptions>(std::move(options));
  std::lock_guard<std::mutex> lock(options_mu_);
  options_ = std::move(next);
}

Status Api::Authorize(const std::string& token, const HttpRequest& req) {
  if (token.empty()) return Status::Ok();
  // The scheme is case-insensitive (RFC 9110, 11.1); the token is not.
  const std::string& header = req.authorization;
  const bool bearer = header.size() > 7 && boost::algorithm::iequals(std::string_view(header).substr(0, 7), "Bearer ");
  if (bearer && ConstantTimeEquals(header.substr(7), token)) return Status::Ok();
  return Status::Unauthenticated("Authorization", "missing or wrong bearer token");
}

std::string Api::HandlerOf(const std::string& path) {
  if (FixedRoutes().count(path)) {
    // "{id}" is a pattern, not a path: a request for it is an incident id.
    if (path.find('{') == std::string::npos) return path;
  }
  if (const Source* source = FindSourceByRoute(path)) return std::string(source->route);
  if (path.size() > kIncidentPrefix.size() && path.starts_with(kIncidentPrefix)) return "/api/v1/incidents/{id}";
  if (path.size() > kPagePrefix.size() && path.starts_with(kPagePrefix)) {
    const bool doc = path.size() > kPagePrefix.size() + kDebriefDoc.size() && path.ends_with(kDebriefDoc);
    return doc ? "/incidents/{id}/debrief.md" : "/incidents/{id}";
  }
  return kOther;
}


// A parsed target: path, query and the route it names.
struct Api::Target {
  std::string path;
  std::map<std::string, std::string> query;
  std::string handler;
  const Source* source = nullptr;  // for a webhook route
  Rule rule;
};

namespace {

Result<Api::Target> ParseTargetUncached(const std::string& raw) {
  boost::system::result<boost::urls::url_view> url = boost::urls::parse_origin_form(raw);
  if (!url) return Status::InvalidArgument("target", "malformed request target");
  Api::Target t;
  t.path = url->path();
  for (auto param : url->params()) t.query[std::string(param.key)] = std::string(param.value);
  t.handler = Api::HandlerOf(t.path);
  if (auto it = FixedRoutes().find(t.handler); it != FixedRoutes().end()) {
    t.rule = it->second;
  } else if ((t.source = FindSourceByRoute(t.path)) != nullptr) {
    // A configured webhook source checks its own signature or token instead:
    // GitHub, GitLab and the others cannot send debriefd's bearer token.
    t.rule = Rule{"POST", t.source->needs_config ? Auth::kSource : Auth::kIngest};
  }
  return t;
}

// A target depends on nothing but its text, and a sender posts to the same
// one again and again: each HTTP thread keeps the last one it parsed (both
// BeforeBody and Handle ask for every request's).
Result<Api::Target> ParseTarget(const std::string& raw) {
  thread_local std::string last_raw;
  thread_local std::optional<Result<Api::Target>> last;
  if (!last || raw != last_raw) {
    last = ParseTargetUncached(raw);
    last_raw = raw;
  }
  return *last;
}

// Counts and times every answer, logs every 401 (rate-limited) and writes the
// access line (debug).
void Observe(Api::Telemetry& telemetry, const HttpRequest& req, const std::string& path, const std::string& handler,
                  const char* group, int code, size_t bytes, double seconds) {
  telemetry.Record(handler, code, seconds);
  if (code == 401) telemetry.Unauthorized(req, path, group);
  // The access line's arguments are copies: none are made for a level that is off.
  if (!spdlog::should_log(spdlog::level::debug)) return;
  spdlog::debug("http request remote={} method={} path={} handler={} code={} bytes={} duration_seconds={:.6f}",
                req.remote.empty() ? "-" : Printable(req.remote, 64), Printable(req.method, 16), Printable(path),
                handler, code,
                bytes, seconds);
}

}  // namespace

// Everything that can be answered before the body: the same checks, in the
// same order, whether called by BeforeBody or by Handle.
std::optional<HttpResponse> Api::Precheck(const ApiOptions& o, const HttpRequest& req, const Target& t) {
  if (t.handler == kOther) return NoSuchEndpoint(t.path);
  if (t.source != nullptr && t.source->needs_config && !SettingsOf(o.sources, std::string(t.source->name)).configured) {
    const std::string name(t.source->name);
    return ErrorResponse(
        Status::NotFound("path", "the " + name + " source is not configured (sources." + name + " in the config)"));
  }
  if ((t.handler == "/-/reload" && !o.reload) || (t.handler == "/api/v1/status/config" && !o.config_yaml)) {
    return NoSuchEndpoint(t.path);
  }
  if (!MethodIn(req.method, t.rule.allow)) return MethodNotAllowed(t.rule.allow);
  switch (t.rule.auth) {
    case Auth::kRead:
      if (Status s = Authorize(o.read_token, req); !s.ok()) return Challenge(s);
      break;
    case Auth::kIngest:
      if (Status s = Authorize(o.ingest_token, req); !s.ok()) return Challenge(s);
      break;
    case Auth::kPage:
      if (!PageAuthorized(o, req)) return PageUnauthorized();
      break;
    case Auth::kNone:
    case Auth::kSource:
      break;
  }
  return std::nullopt;
}

std::optional<HttpResponse> Api::BeforeBody(const HttpRequest& req) const {
  const double start = telemetry_->now();
  Options o = options();
  Result<Target> target = ParseTarget(req.target);
  std::optional<HttpResponse> answer =
      target.ok() ? Precheck(*o, req, *target) : std::optional<HttpResponse>(ErrorResponse(target.status()));
  if (answer) {
    const std::string handler = target.ok() ? target->handler : kOther;
    const std::string path = target.ok() ? target->path : std::string("-");
    Observe(*telemetry_, req, path, handler, target.ok() ? GroupName(target->rule.auth) : "none", answer->status,
            answer->body.size(), telemetry_->now() - start);
  }
  return answer;
}

void Api::Handle(const HttpRequest& req, Respond respond) {
  std::shared_ptr<Telemetry> telemetry = telemetry_;
  const double start = telemetry->now();
  Options o = options();
  Result<Target> target = ParseTarget(req.target);
  const std::string handler = target.ok() ? target->handler : kOther;
  const std::string path = target.ok() ? target->path : std::string("-");
  const char* group = target.ok() ? GroupName(target->rule.auth) : "none";
  // Measured from here to the answer; the callback holds only what it needs,
  // as it may run on the writer thread after the Api is gone.
  Respond timed = [telemetry, start, handler, path, group, req_copy = HttpRequest{req.method, "", "", "", {}, req.remote},
                   respond = std::move(respond)](HttpResponse r) {
    Observe(*telemetry, req_copy, path, handler, group, r.status, r.body.size(), telemetry->now() - start);
    respond(std::move(r));
  };
  if (!target.ok()) return timed(ErrorResponse(target.status()));
  if (std::optional<HttpResponse> answer = Precheck(*o, req, *target)) return timed(std::move(*answer));
  Route(o, req, *target, std::move(timed));
}

void Api::Route(const Options& options, const HttpRequest& req, const Target& t, Respond respond) {
  const ApiOptions& o = *options;
  const std::string& h = t.handler;
  const auto& query = t.query;
  if (h == "/healthz" || h == "/-/healthy") return respond(Json(200, json::object{{"status", "ok"}}));
  if (h == "/readyz" || h == "/-/ready") {
    if (ingest_.ready()) return respond(Json(200, json::object{{"status", "ready"}}));
    // Not ready: still loading, or the store can no longer take writes (and why).
    const Status store = ingest_.store_status();
    json::object body{{"status", store.ok() ? "loading" : "unavailable"}};
    if (!store.ok()) body["reason"] = store.message();
    return respond(Json(503, std::move(body)));
  }
  if (!ingest_.state_whole() && h != "/api/v1/status/buildinfo" && h != "/api/v1/status/config") {
    // Replicas: a commit failed with the database away, after requests of
    // its group were applied; until the state is re-read it may hold them.
    return respond(ErrorResponse(
        Status::Unavailable("the state is being re-read from the store after a failed commit; retry shortly")
            .WithSource("store")));
  }
  if (!ingest_.loaded() && h != "/api/v1/status/buildinfo" && h != "/api/v1/status/config") {
    // The port opens before the state is read from the store: until then
    // no figure or page would be whole (a counter read now would seem to
    // reset), and an event could not be checked against the history.
    return respond(ErrorResponse(Status::Unavailable("the state is still being loaded from the store; retry shortly")
                                     .WithSource("store")));
  }
  if (h == "/metrics") return respond(Metrics(o));
  if (h == "/-/reload") return respond(Reload(o));
  if (h == "/api/v1/status/buildinfo") {
    if (auto bad = NoQuery(query)) return respond(std::move(*bad));
    return respond(Json(200, json::object{{"status", "success"},
                                          {"data", json::object{{"version", o.version},
                                                                {"revision", o.revision},
                                                                {"branch", o.branch},
                                                                {"buildDate", o.build_date},
                                                                {"compiler", kCompiler}}}}));
  }
  if (h == "/api/v1/status/config") {
    if (auto bad = NoQuery(query)) return respond(std::move(*bad));
    return respond(Json(200, json::object{{"status", "success"}, {"data", json::object{{"yaml", o.config_yaml()}}}}));
  }
  if (t.source != nullptr) return Ingest(options, *t.source, req, std::move(respond));
  if (h == "/api/v1/incidents") return respond(ListIncidents(query));
  if (h == "/api/v1/action-items") return respond(ListActionItems(query));
  if (h == "/api/v1/reports/quarterly") return respond(QuarterlyReport(query));
  if (h == "/api/v1/reports/monthly") return respond(MonthlyReview(query));
  if (h == "/api/v1/incidents/{id}") return respond(GetIncident(t.path.substr(kIncidentPrefix.size())));
  if (HandlePage(o, t.path, query, req, respond)) return;
  respond(NoSuchEndpoint(t.path));
}

HttpResponse Api::Reload(const ApiOptions& o) {
  Status s = o.reload();
  if (s.ok()) return Json(200, json::object{{"status", "success"}});
  spdlog::error("reload via /-/reload failed: {}", s.message());
  // The request was fine; the config on disk was not. 500, as Prometheus
  // answers a failed /-/reload, with the reason in the body.
  HttpResponse r = ErrorResponse(s);
  r.status = 500;
  r.headers.erase("Retry-After");
  return r;
}

void Api::Ingest(const Options& options, const Source& from, const HttpRequest& req, Respond respond) {
  const std::string source(from.name);
  // `options` is held until the settings are no longer needed (the parse).
  const SourceSettings& settings = SettingsOf(options->sources, source);
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
  Result<IncidentListQuery> q = ParseIncidentListQuery(query);
  if (!q.ok()) return ErrorResponse(q.status());
  // Under the state lock: the page is selected and written, nothing more.
  Result<std::string> page =
      ingest_.Read([&](const IncidentTracker& t, Time now) { return IncidentListPageJson(t, *q, now); });
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(std::move(*page));
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

HttpResponse Api::Metrics(const ApiOptions& o) {
  EventCounts counts = ingest_.event_counts();
  ProcessInfo info;
  info.version = o.version;
  info.commits = ingest_.commits();
  info.sources = ActiveSourceNames(o.sources);
  info.unreadable_events = ingest_.unreadable_events();
  {
    IngestService::LoadFigures load = ingest_.load_figures();
    info.snapshots.saved = load.snapshots_saved;
    info.snapshots.failed = load.snapshots_failed;
    if (load.last_snapshot_saved) info.snapshots.last_success = Seconds(load.last_snapshot_saved->time_since_epoch());
    info.snapshots.events_since = load.events_since_snapshot;
  }
  info.external_url = o.pages.external_url;
  info.revision = o.revision;
  std::vector<std::string> ingest_handlers;
  for (const std::string& name : info.sources) {
    const Source* source = FindSource(name);
    if (source->needs_config) info.webhook_sources.push_back(name);
    ingest_handlers.emplace_back(source->route);
  }
  if (o.rules_last_success) info.rules_last_success = o.rules_last_success();
  // Only the copy of the numbers happens under the state lock, in steps of
  // a few thousand incidents; folding and formatting, the larger part, happen
  // outside it, so that a scrape does not hold up ingestion.
  MetricsSnapshot snapshot = TakeMetricsSnapshotInSteps(
      [this](const std::function<void(const IncidentTracker&, Time, uint64_t)>& fn) { ingest_.ReadStep(fn); },
      o.max_services, o.max_overdue_series);
  info.services_folded = FoldServices(snapshot, o.max_services);
  info.overdue_left_out = CapOverdueDebriefs(snapshot, o.max_overdue_series);
  telemetry_->Folded(info.services_folded, o.max_services);
  info.http = telemetry_->Snapshot(ingest_handlers);
  Result<ProcessStats> process = o.process_stats ? o.process_stats() : ReadProcessStats();
  if (process.ok()) info.process = *process;
  if (o.server_stats) info.server = o.server_stats();
  if (ingest_.shared_store()) {
    IngestService::FollowFigures f = ingest_.follow_figures();
    info.replica = ReplicaFigures{f.applied_seq, f.store_available, std::move(f.delay)};
  }
  if (o.reload_state != nullptr) {
    info.reload = ReloadFigures{o.reload_state->last_successful.load(), o.reload_state->last_success_seconds.load()};
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = RenderMetrics(snapshot, counts, info, metrics_buffers_->Take());
  r.recycle_body = [buffers = metrics_buffers_](std::string&& body) { buffers->Give(std::move(body)); };
  return r;
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
