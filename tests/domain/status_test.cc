// Status: who writes which part of an error, and how they read together.
#include "domain/status.h"

#include <gtest/gtest.h>

namespace debriefd {
namespace {

TEST(Status, MessageJoinsSourceFieldAndReasonLeavingOutWhatIsEmpty) {
  EXPECT_EQ(Status::InvalidArgument("startsAt", "not RFC 3339").message(), "startsAt: not RFC 3339");
  EXPECT_EQ(Status::InvalidArgument("startsAt", "not RFC 3339").WithSource("alertmanager").message(),
            "alertmanager: startsAt: not RFC 3339");
  EXPECT_EQ(Status::Unavailable("disk full").WithSource("store").message(), "store: disk full");
  EXPECT_EQ(Status::Unavailable("disk full").message(), "disk full");
}

TEST(Status, FieldPrefixesNestIndexesWithoutADot) {
  Status s = Status::NotFound("incident_id", "unknown incident \"INC-9\"");
  EXPECT_EQ(s.WithFieldPrefix("[1]").field(), "[1].incident_id");
  EXPECT_EQ(Status::InvalidArgument("[2]", "not an object").WithFieldPrefix("alerts").field(), "alerts[2]");
  EXPECT_EQ(Status::InvalidArgument("", "empty").WithFieldPrefix("[0]").field(), "[0]");
}

TEST(Status, TheSourceIsAddedOnceByTheFirstEdgeThatKnowsIt) {
  Status s = Status::NotFound("incident_id", "unknown incident \"INC-9\"").WithFieldPrefix("[1]");
  Status at_edge = s.WithSource("events").WithSource("replay");
  EXPECT_EQ(at_edge.message(), "events: [1].incident_id: unknown incident \"INC-9\"");
  EXPECT_EQ(at_edge.source(), "events");
  EXPECT_EQ(at_edge.reason(), "unknown incident \"INC-9\"");
}

TEST(Status, OkStaysOkWhateverIsAdded) {
  Status ok = Status::Ok().WithSource("events").WithFieldPrefix("[0]");
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.message(), "");
}

TEST(Status, EveryCodeHasAName) {
  for (StatusCode c : {StatusCode::kOk, StatusCode::kInvalidArgument, StatusCode::kNotFound, StatusCode::kConflict,
                       StatusCode::kFailedPrecondition, StatusCode::kUnauthenticated,
                       StatusCode::kResourceExhausted, StatusCode::kUnimplemented, StatusCode::kUnavailable,
                       StatusCode::kDataLoss}) {
    EXPECT_STRNE(ToString(c), "unknown");
  }
  EXPECT_STREQ(ToString(StatusCode::kFailedPrecondition), "failed_precondition");
}

TEST(Result, HoldsAValueOrAStatus) {
  Result<std::string> v = std::string("seven");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "seven");
  EXPECT_TRUE(v.status().ok());
  Result<std::string> e = Status::DataLoss("stored event 3 is not JSON");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace debriefd
