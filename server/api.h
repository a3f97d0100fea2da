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

  IngestService& ingest_;
  ApiOptions options_;
};

}  // namespace debriefd
