// The one Status -> HTTP mapping.
#include "server/http.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace debriefd {
namespace {

TEST(Http, EveryStatusCodeMapsToItsHttpStatus) {
  EXPECT_EQ(HttpStatusOf(StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusOf(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(StatusCode::kUnimplemented), 405);
  EXPECT_EQ(HttpStatusOf(StatusCode::kConflict), 409);
  EXPECT_EQ(HttpStatusOf(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusOf(StatusCode::kResourceExhausted), 413);
  EXPECT_EQ(HttpStatusOf(StatusCode::kDataLoss), 500);
  EXPECT_EQ(HttpStatusOf(StatusCode::kUnavailable), 503);
}

TEST(Http, ErrorBodiesNameTheFieldAndTheWholeMessage) {
  HttpResponse r = ErrorResponse(Status::InvalidArgument("alerts[0].startsAt", "not RFC 3339").WithSource("alertmanager"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  boost::json::object body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("error"), "alertmanager: alerts[0].startsAt: not RFC 3339");
  EXPECT_EQ(body.at("field"), "alerts[0].startsAt");
  EXPECT_EQ(r.headers.count("Retry-After"), 0u);
}

TEST(Http, UnavailableAsksTheSenderToRetry) {
  HttpResponse r = ErrorResponse(Status::Unavailable("disk I/O error").WithSource("store"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers.at("Retry-After"), "5");
  boost::json::object body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.count("field"), 0u) << "not about one field";
}

}  // namespace
}  // namespace debriefd
