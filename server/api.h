#pragma once
// debriefd's HTTP API as a function from request to response, with no
// sockets: server.cc moves bytes, Api decides. Tests call Handle directly.
//
// Every error is a Status, turned into a response by ErrorResponse
// (server/http.h), the one mapping to HTTP status codes. Error bodies are
// {"error": "...", "field": "..."}.

#include <functional>
#include <map>
#include <functional>
#include <string>

#include "collector/ingest/ingest_service.h"
#include "collector/sources/source.h"
#include "exporters/pages/pages.h"
#include "server/http.h"

namespace debriefd {

struct ApiOptions {
  std::string version;       // debriefd_build_info{version}
  std::string ingest_token;  // POST /webhooks/*, POST /api/v1/events; empty: no token needed
  std::string read_token;    // GET /api/v1/*, GET /metrics; empty: no token needed
  // sources.<name>: which webhook sources are on, their secrets and mappings.
  SourceSettingsMap sources;
  // With alerts.pending_from: when Prometheus' rules were last read.
  std::function<double()> rules_last_success;
  // The pages (GET /, /incidents, /feed.atom, ...): external_url.
  PageOptions pages;
};

class Api {
 public:
  using Respond = std::function<void(HttpResponse)>;

  // `ingest` must outlive the Api.
  Api(IngestService& ingest, ApiOptions options);

  // Answers one request. `respond` is called exactly once: at once for reads,
  // from the writer thread once an ingest request is durable.
  void Handle(const HttpRequest& req, Respond respond);

 private:
  using Query = std::map<std::string, std::string>;
  void Ingest(const Source& source, const HttpRequest& req, Respond respond);
  HttpResponse ListIncidents(const Query& query);
  HttpResponse GetIncident(const std::string& id);
  HttpResponse ListActionItems(const Query& query);
  HttpResponse Metrics();
  HttpResponse QuarterlyReport(const Query& query);
  // GET /api/v1/reports/monthly: the monthly review of action items.
  HttpResponse MonthlyReview(const Query& query);
  Status Authorize(const std::string& token, const HttpRequest& req) const;
  // server/page_routes.cc: the pages for people. False when `path` is not one.
  bool HandlePage(const std::string& path, const Query& query, const HttpRequest& req, const Respond& respond);
  // The read token as a bearer token, or as the password of HTTP Basic (any
  // user name), so that a browser can log in.
  bool PageAuthorized(const HttpRequest& req) const;

  IngestService& ingest_;
  ApiOptions options_;
};

}  // namespace debriefd
