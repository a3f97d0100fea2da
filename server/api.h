#pragma once
// debriefd's HTTP API as a function from request to response, with no
// sockets: server.cc moves bytes, Api decides. Tests call Handle directly.
//
// Status codes are chosen in exactly one place (ErrorResponse): invalid input
// 400, unauthorised 401, unknown 404, wrong method 405, conflict 409, too
// large 413, store unavailable 503 with Retry-After. Error bodies are
// {"error": "...", "field": "..."}.

#include <functional>
#include <map>
#include <string>

#include "domain/status.h"
#include "collector/ingest/ingest_service.h"
#include "config/config.h"

namespace debriefd {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as received
  std::string authorization;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;  // extra headers
};

HttpResponse ErrorResponse(const Status& status);
HttpResponse ErrorResponse(int http_status, const std::string& message, const std::string& field = "");

class Api {
 public:
  using Respond = std::function<void(HttpResponse)>;

  // `ingest` must outlive the Api.
  Api(IngestService& ingest, Config config, std::string version);

  // Answers one request. `respond` is called exactly once: at once for reads,
  // from the writer thread once an ingest request is durable.
  void Handle(const HttpRequest& req, Respond respond);

  const Config& config() const { return config_; }

 private:
  void Ingest(const std::string& source, const HttpRequest& req, Respond respond);
  HttpResponse ListIncidents(const std::map<std::string, std::string>& query);
  HttpResponse GetIncident(const std::string& id);
  HttpResponse ListActionItems(const std::map<std::string, std::string>& query);
  HttpResponse Metrics();
  HttpResponse QuarterlyReport(const std::map<std::string, std::string>& query);
  bool Authorized(const std::string& token, const HttpRequest& req) const;

  IngestService& ingest_;
  Config config_;
  std::string version_;
};

}  // namespace debriefd
