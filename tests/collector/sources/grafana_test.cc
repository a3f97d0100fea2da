// Grafana-managed alerting (tests/fixtures/grafana/): Alertmanager's body
// labelled grafana, and the optional HMAC with or without a timestamp.
#include <gtest/gtest.h>

#include "collector/sources/registry.h"
#include "collector/sources/signature.h"
#include "tests/support/source_test_util.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-10-12T07:52:00Z");
Status Verify(const SourceSettings& s, const std::string& body, const HeaderMap& headers) {
  return debriefd::testing::Verify("grafana", body, headers, s, kNow);
}

TEST(GrafanaSource, ItsAlertsAreAlertmanagersBodyLabelledGrafana) {
  auto r = ParseRequest("grafana", ReadFile(SourcePath("tests/fixtures/grafana/firing.json")), {}, kNow, Configured("grafana-secret"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].event.source, "grafana");
  EXPECT_EQ(std::get<AlertNotification>((*r)[0].event.body).labels.at("service"), "cart");
  auto back = ParseStoredEvent("grafana", (*r)[0].raw, kNow);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->source, "grafana");
  EXPECT_EQ(ParseRequest("grafana", "{}", {}, kNow, Configured("grafana-secret")).status().message(), "grafana: alerts: missing");
}

TEST(GrafanaSource, TheSignatureIsLowerCaseHexInTheConfiguredHeader) {
  const std::string body = R"({"alerts":[]})";
  const std::string hex = signature::HmacSha256Hex("grafana-secret", body);
  SourceSettings s = Configured("grafana-secret");
  EXPECT_TRUE(Verify(s, body, {{"x-grafana-alerting-signature", hex}}).ok());
  EXPECT_EQ(Verify(s, body, {{"x-grafana-alerting-signature", "sha256=" + hex}}).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Verify(s, body, {}).message(), "x-grafana-alerting-signature: missing");
  s.options["header"].value = "X-Signature";
  EXPECT_TRUE(Verify(s, body, {{"x-signature", hex}}).ok());
  EXPECT_EQ(Verify(s, body, {{"x-grafana-alerting-signature", hex}}).field(), "x-signature");
}

TEST(GrafanaSource, WithATimestampHeaderTheTimestampIsSignedAndMustBeRecent) {
  const std::string body = R"({"alerts":[]})";
  SourceSettings s = Configured("grafana-secret");
  s.options["timestamp_header"].value = "X-Grafana-Alerting-Signature-Timestamp";
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(kNow.time_since_epoch()).count();
  auto signed_at = [&](int64_t ts) {
    return HeaderMap{{"x-grafana-alerting-signature",
                      signature::HmacSha256Hex("grafana-secret", std::to_string(ts) + ":" + body)},
                     {"x-grafana-alerting-signature-timestamp", std::to_string(ts)}};
  };
  EXPECT_TRUE(Verify(s, body, signed_at(now - 60)).ok());
  Status stale = Verify(s, body, signed_at(now - 301));
  EXPECT_EQ(stale.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(stale.field(), "x-grafana-alerting-signature-timestamp");
  s.options["max_skew"].value = "10m";
  EXPECT_TRUE(Verify(s, body, signed_at(now - 301)).ok());
  HeaderMap replayed = signed_at(now);
  replayed["x-grafana-alerting-signature-timestamp"] = std::to_string(now - 1);
  EXPECT_EQ(Verify(s, body, replayed).field(), "x-grafana-alerting-signature") << "the timestamp is signed";
}

}  // namespace
}  // namespace debriefd
