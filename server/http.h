#pragma once
// Requests and responses as plain values, and the one place where a Status
// becomes an HTTP status code.

#include <functional>
#include <map>
#include <string>

#include "domain/status.h"

namespace debriefd {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as received
  std::string authorization;
  std::string body;
  // Every header, by lower-case name (for sources that verify signatures).
  std::map<std::string, std::string> headers;
  // The client's address as "ip:port" (for logs); empty when unknown.
  std::string remote;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;  // extra headers
  // When set, the body is handed to it once the response is written (or
  // its connection failed) instead of being freed: the buffer of a large
  // body, kept for the next one, is memory already mapped, where a fresh
  // one costs a page fault for every 4 KiB written.
  std::function<void(std::string&&)> recycle_body;
};

// The mapping, and the only one:
//   invalid_argument 400, unauthenticated 401, not_found 404,
//   unimplemented 405 (the caller adds Allow), conflict and failed_precondition 409,
//   resource_exhausted 413, data_loss 500, unavailable 503 (with Retry-After).
int HttpStatusOf(StatusCode code);

// {"error": status.message(), "field": status.field()} with the mapped code;
// "field" is left out when the error is not about one field.
HttpResponse ErrorResponse(const Status& status);

// A JSON body with status 200 (or `status`).
HttpResponse JsonResponse(std::string json, int status = 200);

}  // namespace debriefd
