#include "server/http.h"

#include <boost/json.hpp>

namespace debriefd {

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kUnimplemented: return 405;
    case StatusCode::kConflict: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kDataLoss: return 500;
    case StatusCode::kUnavailable: return 503;
  }
  return 500;
}

HttpResponse ErrorResponse(const Status& status) {
  boost::json::object o;
  o["error"] = status.message();
  if (!status.field().empty()) o["field"] = status.field();
  HttpResponse r = JsonResponse(boost::json::serialize(o), HttpStatusOf(status.code()));
  // The sender's retry (Alertmanager's, a script's) is what recovers the event.
  if (r.status == 503) r.headers.emplace("Retry-After", std::string(1, '5'));
  return r;
}

HttpResponse JsonResponse(std::string json, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(json);
  return r;
}

}  // namespace debriefd
