#pragma once
// debriefd's HTTP API as a function from request to response, with no
// sockets: server.cc moves bytes, Api decides. Tests call Handle directly.
//
// Every error is a Status, turned into a response by ErrorResponse
// (server/http.h), the one mapping to HTTP status codes. Error bodies are
// {"error": "...", "field": "..."}.
//
// Thread-safety: Handle, BeforeBody and Reconfigure may be called from any
// number of threads at once. Each request sees one set of options from start
// to end: the set current when it began.

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "collector/ingest/ingest_service.h"
#include "collector/sources/source.h"
#include "exporters/metrics.h"
#include "exporters/pages/pages.h"
#include "server/http.h"

namespace debriefd {

// The outcome of configuration loads, for debriefd_config_last_reload_successful
// and debriefd_config_last_reload_success_timestamp_seconds. Whoever loads the
// config (start-up, SIGHUP, POST /-/reload through ApiOptions::reload) records
// each attempt here; the Api only reads it. Thread-safe.
struct ReloadState {
  std::atomic<bool> last_successful{true};
  std::atomic<double> last_success_seconds{0};  // unix seconds; 0 before the first success

  void RecordSuccess(double unix_seconds) {
    last_success_seconds.store(unix_seconds);
    last_successful.store(true);
  }
  void RecordFailure() { last_successful.store(false); }
};

struct ApiOptions {
  std::string version;       // debriefd_build_info{version}
  std::string ingest_token;  // POST /webhooks/*, POST /api/v1/events, POST /-/reload; empty: no token needed
  std::string read_token;    // GET /api/v1/*, GET /metrics; empty: no token needed
  // sources.<name>: which webhook sources are on, their secrets and mappings.
  SourceSettingsMap sources;
  // With alerts.pending_from: when Prometheus' rules were last read.
  std::function<double()> rules_last_success;
  // The pages (GET /, /incidents, /feed.atom, ...): external_url.
  PageOptions pages;

  // GET /api/v1/status/buildinfo; `revision` is also a label of debriefd_build_info.
  std::string revision;
  std::string branch;
  std::string build_date;
  // limits.max_services: distinct `service` label values in /metrics beyond
  // this are exported as service="_other" (exporters/metrics.h FoldServices).
  // 0: no bound.
  size_t max_services = 1000;
  // limits.max_overdue_series (exporters/metrics.h CapOverdueDebriefs). 0: no bound.
  size_t max_overdue_series = 1000;
  // GET /api/v1/status/config: the running config as YAML, secrets already
  // redacted. Unset: 404.
  std::function<std::string()> config_yaml;
  // POST or PUT /-/reload: reloads the config (and records the attempt in the
  // ReloadState). OK: 200; an error: 500 with its text. Unset: 404.
  std::function<Status()> reload;
  // debriefd_config_last_reload_*; left out of /metrics when null. Must
  // outlive the Api.
  const ReloadState* reload_state = nullptr;
  // debriefd_http_connections_open, _refused_total, _inflight_body_bytes;
  // left out of /metrics when unset.
  std::function<ServerFigures()> server_stats;
  // process_*: by default read from /proc/self at each scrape. Tests inject
  // fixed figures; a function returning an error leaves the family out.
  std::function<Result<ProcessStats>()> process_stats;
  // A monotonic clock in seconds, for request durations and for rate-limiting
  // log lines; called from any thread. Default: std::chrono::steady_clock.
  // Tests inject a fake.
  std::function<double()> monotonic_seconds;
};

class Api {
 public:
  using Respond = std::function<void(HttpResponse)>;

  // `ingest` must outlive the Api.
  Api(IngestService& ingest, ApiOptions options);
  ~Api();

  // The answer to a request that needs no body, from its method, target,
  // headers and remote address alone (req.body is ignored): 400 for a
  // malformed target, 404 for an unknown path or a source that is not
  // configured, 405 (with Allow) for a wrong method, 401 (with
  // WWW-Authenticate) for a missing or wrong bearer token or page login.
  // nullopt: read the body and call Handle, which checks everything again.
  // The server calls this before reading a body, so that no unauthenticated
  // body is ever buffered. Answers given here are counted and logged as
  // Handle's are.
  std::optional<HttpResponse> BeforeBody(const HttpRequest& req) const;

  // Answers one request. `respond` is called exactly once: at once for reads,
  // from the writer thread once an ingest request is durable. It may be called
  // after the Api is destroyed (from IngestService::Stop); it then touches
  // nothing of the Api.
  void Handle(const HttpRequest& req, Respond respond);

  // Replaces every option (tokens, sources, max_services, callbacks) for the
  // requests that begin from now on; requests under way finish with the old
  // ones. For a config reload. Thread-safe.
  void Reconfigure(ApiOptions options);

  // The handler label of a request path: its route pattern, e.g.
  // "/api/v1/incidents/{id}", "/webhooks/alertmanager", or "other" for any path
  // that is not a route, so that the label's values are bounded.
  static std::string HandlerOf(const std::string& path);

  struct Telemetry;  // request counts, durations and rate-limited logs (api.cc)
  struct Target;     // a request target parsed and matched to its route (api.cc)

 private:
  using Query = std::map<std::string, std::string>;
  using Options = std::shared_ptr<const ApiOptions>;
  // The checks BeforeBody makes, shared with Handle.
  static std::optional<HttpResponse> Precheck(const ApiOptions& o, const HttpRequest& req, const Target& t);
  void Route(const Options& o, const HttpRequest& req, const Target& t, Respond respond);
  void Ingest(const Options& o, const Source& source, const HttpRequest& req, Respond respond);
  HttpResponse ListIncidents(const Query& query);
  HttpResponse GetIncident(const std::string& id);
  HttpResponse ListActionItems(const Query& query);
  HttpResponse Metrics(const ApiOptions& o);
  HttpResponse QuarterlyReport(const Query& query);
  // GET /api/v1/reports/monthly: the monthly review of action items.
  HttpResponse MonthlyReview(const Query& query);
  HttpResponse Reload(const ApiOptions& o);
  static Status Authorize(const std::string& token, const HttpRequest& req);
  // server/page_routes.cc: the pages for people. False when `path` is not one.
  bool HandlePage(const ApiOptions& o, const std::string& path, const Query& query, const HttpRequest& req,
                  const Respond& respond);
  // Whether `path` is one of the pages (HandlePage answers it).
  static bool IsPage(const std::string& path);
  // The read token as a bearer token, or as the password of HTTP Basic (any
  // user name), so that a browser can log in.
  static bool PageAuthorized(const ApiOptions& o, const HttpRequest& req);
  // The 401 of the pages (Basic challenge).
  static HttpResponse PageUnauthorized();
  Options options() const;

  IngestService& ingest_;
  mutable std::mutex options_mu_;  // guards options_ (the pointer, not what it points to)
  Options options_;
  std::shared_ptr<Telemetry> telemetry_;
  // The buffer of a /metrics body, handed back once written (HttpResponse::recycle_body).
  struct SpareBuffers;
  std::shared_ptr<SpareBuffers> metrics_buffers_;
};

}  // namespace debriefd
