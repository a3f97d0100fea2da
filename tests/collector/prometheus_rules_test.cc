// alerts.pending_from: Prometheus' rules API as Prometheus 2.42 answers it
// (tests/fixtures/prometheus/), bad answers, and an unreachable Prometheus.
#include "collector/prometheus_rules.h"

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

TEST(PrometheusRules, EachAlertRulesForIsReadByAlertName) {
  auto map = ParsePrometheusRules(ReadFile(SourcePath("tests/fixtures/prometheus/rules-api.json")));
  ASSERT_TRUE(map.ok()) << map.status().message();
  EXPECT_EQ(*map, (PendingMap{{"CheckoutDown", Duration(0)},
                              {"HighErrorRate", std::chrono::minutes(5)},
                              {"SlowSearch", std::chrono::seconds(90)}}));
}

TEST(PrometheusRules, BadAnswersAreErrorsNamingTheField) {
  EXPECT_EQ(ParsePrometheusRules("<html>").status().message(), "prometheus rules: malformed JSON: syntax error");
  EXPECT_EQ(ParsePrometheusRules(R"({"status":"error"})").status().field(), "status");
  EXPECT_EQ(ParsePrometheusRules(R"({"status":"success","data":{}})").status().field(), "data.groups");
  EXPECT_EQ(ParsePrometheusRules(R"({"status":"success","data":{"groups":[{"name":"g"}]}})").status().field(),
            "data.groups[0].rules");
  // Recording rules and rules without a usable duration are skipped.
  auto map = ParsePrometheusRules(
      R"({"status":"success","data":{"groups":[{"rules":[{"type":"recording","name":"r","duration":5},)"
      R"({"type":"alerting","name":"A","duration":-1},{"type":"alerting","name":"B","duration":"5m"},)"
      R"({"type":"alerting","name":"C","duration":60},{"type":"alerting","name":"C","duration":120}]}]}})");
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(*map, (PendingMap{{"C", std::chrono::minutes(2)}})) << "the same name twice: the longest";
}

TEST(PrometheusRules, AnUnreachablePrometheusKeepsTheLastMapAndReportsNoSuccess) {
  FakeClock clock(T("2026-10-01T10:00:00Z"));
  int learned = 0;
  PrometheusRulesPoller poller("http://127.0.0.1:1", std::chrono::seconds(1), clock, [&](PendingMap) { ++learned; });
  Status s = poller.PollOnce();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.message();
  EXPECT_EQ(learned, 0);
  EXPECT_EQ(poller.last_success(), 0);
  EXPECT_EQ(FetchPrometheusRules("https://prometheus:9090", std::chrono::seconds(1)).status().field(),
            "alerts.pending_from.url");
}

}  // namespace
}  // namespace debriefd
