// PagerDuty V3 webhooks (tests/fixtures/pagerduty/): the incident events the
// clock needs, severity from urgency or priority, and X-PagerDuty-Signature
// with several signatures during a secret rotation.
#include <gtest/gtest.h>

#include "collector/sources/registry.h"
#include "collector/sources/signature.h"
#include "tests/support/source_test_util.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2020-04-09T15:17:00Z");

std::string Fixture(const std::string& name) { return ReadFile(SourcePath("tests/fixtures/pagerduty/" + name)); }
Result<std::vector<ParsedEvent>> Parse(const std::string& fixture, const SourceSettings& s = Configured()) {
  return ParseRequest("pagerduty", Fixture(fixture), {}, kNow, s);
}

TEST(PagerDutySource, ATriggeredIncidentIsDeclaredWithItsStartAndDetection) {
  auto r = Parse("incident.triggered.json");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& d = std::get<IncidentDeclared>((*r)[0].event.body);
  EXPECT_EQ(d.incident_id, "pd-PGR0VU2");
  EXPECT_EQ(d.service, "API Service");
  EXPECT_EQ(d.severity, "high") << "urgency, unmapped, passes through";
  EXPECT_EQ(d.title, "A little bump in the road");
  EXPECT_EQ(d.time, T("2020-04-09T15:16:27.442Z")) << "detected when it was triggered (occurred_at)";
  EXPECT_EQ(*d.started_at, T("2020-04-09T15:16:27Z")) << "impact from created_at";
  EXPECT_EQ((*r)[0].event.dedup_key, "pagerduty:01BZ5UUD8LZ1XPLGNM5XOEXTQQ");
}

TEST(PagerDutySource, AcknowledgedAndResolvedMoveTheIncidentOthersAreIgnored) {
  auto ack = Parse("incident.acknowledged.json");
  ASSERT_TRUE(ack.ok());
  const auto& a = std::get<IncidentTransition>((*ack)[0].event.body);
  EXPECT_EQ(a.kind, IncidentTransition::Kind::kAcknowledged);
  EXPECT_EQ(a.incident_id, "pd-PGR0VU2");
  EXPECT_EQ(a.time, T("2020-04-09T15:18:02.114Z"));
  auto resolved = Parse("incident.resolved.json");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(std::get<IncidentTransition>((*resolved)[0].event.body).kind, IncidentTransition::Kind::kResolved);
  auto annotated = Parse("incident.annotated.json");
  ASSERT_TRUE(annotated.ok());
  EXPECT_TRUE(annotated->empty());
}

TEST(PagerDutySource, SeverityComesFromUrgencyOrPriorityThroughTheMap) {
  SourceSettings s = Configured();
  s.options["severity_map"].map = {{"high", "critical"}, {"low", "warning"}, {"P1", "critical"}};
  EXPECT_EQ(std::get<IncidentDeclared>((*Parse("incident.triggered.json", s))[0].event.body).severity, "critical");
  s.options["severity_from"].value = "priority";
  s.options["severity_map"].map = {{"P2", "warning"}};
  EXPECT_EQ(std::get<IncidentDeclared>((*Parse("incident.triggered.json", s))[0].event.body).severity, "P1");
}

TEST(PagerDutySource, BadBodiesAreRejectedNamingTheField) {
  EXPECT_EQ(ParseRequest("pagerduty", "{}", {}, kNow, Configured()).status().message(), "pagerduty: event: missing");
  EXPECT_EQ(ParseRequest("pagerduty", R"({"event":{"id":"E","event_type":"incident.triggered","occurred_at":"2020-04-09T15:16:27Z","data":{"id":"P1"}}})",
                         {}, kNow, Configured())
                .status()
                .field(),
            "event.data.service");
}

TEST(PagerDutySource, AnyOneOfSeveralSignaturesPasses) {
  SourceSettings s = Configured();
  s.secret = "new-secret";
  const std::string body = Fixture("incident.triggered.json");
  auto verify = [&](const std::string& header) {
    HeaderMap headers;
    if (!header.empty()) headers["x-pagerduty-signature"] = header;
    return Verify("pagerduty", body, headers, s, kNow);
  };
  const std::string good = "v1=" + signature::HmacSha256Hex("new-secret", body);
  const std::string old = "v1=" + signature::HmacSha256Hex("old-secret", body);
  EXPECT_TRUE(verify(good).ok());
  EXPECT_TRUE(verify(old + "," + good).ok()) << "rotated: the new secret's signature second";
  EXPECT_TRUE(verify(good + ", " + old).ok());
  EXPECT_EQ(verify(old).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(verify(old).field(), "x-pagerduty-signature");
  EXPECT_EQ(verify("").message(), "x-pagerduty-signature: missing");
  EXPECT_EQ(verify("v0=" + signature::HmacSha256Hex("new-secret", body)).code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace debriefd
