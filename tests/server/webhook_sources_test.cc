// The webhook sources over the Api: configured or 404, signed or 401
// ("unauthorized"), ignored deliveries, and a deploy that becomes the
// suspected cause of the next alert-driven incident on its service.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>

#include "collector/sources/signature.h"
#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

const std::string kSecret = "It's a Secret to Everybody";

Config WithGitHub() {
  Config c;
  c.sources["github"].configured = true;
  c.sources["github"].secret = kSecret;
  return c;
}

std::map<std::string, std::string> GitHubHeaders(const std::string& event, const std::string& body,
                                                 const std::string& delivery = "delivery-1") {
  return {{"x-github-event", event},
          {"x-github-delivery", delivery},
          {"x-hub-signature-256", "sha256=" + signature::HmacSha256Hex(kSecret, body)}};
}

std::string Fixture(const std::string& name) { return ReadFile(SourcePath("tests/fixtures/github/" + name)); }

TEST(WebhookSources, AnUnconfiguredSourceIs404NamingTheSetting) {
  ApiHarness h;
  HttpResponse r = h.Post("/webhooks/github", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("sources.github"), std::string::npos) << r.body;
}

TEST(WebhookSources, AGitHubDeployBecomesTheSuspectedCauseOfTheNextIncident) {
  ApiHarness h(WithGitHub(), T("2019-05-15T15:21:00Z"));
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="github",result="ignored"})"), 0) << "zero-initialised";
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="github",result="unauthorized"})"), 0);

  const std::string body = Fixture("deployment_status.json");
  HttpResponse r = h.Call("POST", "/webhooks/github", body, "", GitHubHeaders("deployment_status", body));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("accepted").as_int64(), 1);
  // GitHub re-delivers with the same delivery id: a duplicate.
  r = h.Call("POST", "/webhooks/github", body, "", GitHubHeaders("deployment_status", body));
  EXPECT_EQ(json::parse(r.body).at("duplicates").as_int64(), 1);

  h.clock().Set(T("2019-05-15T15:31:00Z"));
  const std::string alert = R"({"alerts":[{"status":"firing","labels":{"alertname":"Errors","service":"Hello-World","severity":"critical"},"startsAt":"2019-05-15T15:30:00Z"}]})";
  ASSERT_EQ(h.Post("/webhooks/alertmanager", alert).status, 200);
  json::value incidents = json::parse(h.Get("/api/v1/incidents").body);
  const json::object& inc = incidents.at("incidents").as_array().at(0).as_object();
  EXPECT_EQ(inc.at("suspected_cause").at("id").as_string(), "gh-145988746");
  EXPECT_EQ(inc.at("suspected_cause").at("version").as_string(), "f95f852 (master)");
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="github",result="accepted"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="github",result="duplicate"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_changes_total{service="Hello-World",kind="deploy"})"), 1);

  // And after a restart, from the store.
  h.Restart();
  incidents = json::parse(h.Get("/api/v1/incidents").body);
  EXPECT_EQ(incidents.at("incidents").as_array().at(0).at("suspected_cause").at("id").as_string(), "gh-145988746");
}

TEST(WebhookSources, AWrongOrMissingSignatureIs401NamingTheHeaderAndStoresNothing) {
  ApiHarness h(WithGitHub(), T("2019-05-15T15:21:00Z"));
  const std::string body = Fixture("deployment_status.json");
  auto headers = GitHubHeaders("deployment_status", body);
  headers["x-hub-signature-256"] = "sha256=" + signature::HmacSha256Hex("another secret", body);
  HttpResponse r = h.Call("POST", "/webhooks/github", body, "", headers);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body).at("field").as_string(), "x-hub-signature-256");
  headers.erase("x-hub-signature-256");
  EXPECT_EQ(h.Call("POST", "/webhooks/github", body, "", headers).status, 401);
  // Signed over other bytes (the same JSON re-serialised) does not pass either.
  std::string reserialised = json::serialize(json::parse(body));
  headers = GitHubHeaders("deployment_status", reserialised);
  EXPECT_EQ(h.Call("POST", "/webhooks/github", body, "", headers).status, 401);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="github",result="unauthorized"})"), 3);
  EXPECT_EQ(json::parse(h.Get("/api/v1/incidents").body).at("incidents").as_array().size(), 0u);
  size_t stored = 0;
  ASSERT_TRUE(h.store().ForEach([&](const StoredEvent&) { ++stored; return Status::Ok(); }).ok());
  EXPECT_EQ(stored, 0u);
}

TEST(WebhookSources, APingIsAnsweredAndCountedAsIgnored) {
  ApiHarness h(WithGitHub());
  const std::string body = Fixture("ping.json");
  HttpResponse r = h.Call("POST", "/webhooks/github", body, "", GitHubHeaders("ping", body));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("ignored").as_int64(), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="github",result="ignored"})"), 1);
  h.Restart();
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="github",result="ignored"})"), 1) << "counters continue";
}

TEST(WebhookSources, APagerDutyIncidentIsDeclaredAcknowledgedAndResolvedOverHttp) {
  Config config;
  config.sources["pagerduty"].configured = true;
  config.sources["pagerduty"].secret = kSecret;
  config.sources["pagerduty"].options["severity_map"].map = {{"high", "critical"}};
  ApiHarness h(config, T("2020-04-09T15:17:00Z"));
  for (const char* name : {"incident.triggered", "incident.acknowledged", "incident.resolved"}) {
    const std::string body = ReadFile(SourcePath(std::string("tests/fixtures/pagerduty/") + name + ".json"));
    HttpResponse r = h.Call("POST", "/webhooks/pagerduty", body, "",
                            {{"x-pagerduty-signature", "v1=" + signature::HmacSha256Hex(kSecret, body)}});
    ASSERT_EQ(r.status, 200) << name << ": " << r.body;
  }
  json::value inc = json::parse(h.Get("/api/v1/incidents/pd-PGR0VU2").body);
  EXPECT_EQ(inc.at("state").as_string(), "resolved");
  EXPECT_EQ(inc.at("severity").as_string(), "critical");
  EXPECT_EQ(inc.at("acknowledged_at").as_string(), "2020-04-09T15:18:02.114Z");
  EXPECT_EQ(inc.at("resolved_at").as_string(), "2020-04-09T15:40:45.320Z");
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="pagerduty",result="accepted"})"), 3);
}

TEST(WebhookSources, AGrafanaAlertOpensAnIncidentWhoseCauseIsTheGitHubDeploy) {
  Config config = WithGitHub();
  config.sources["github"].services = {{"Codertocat/*", "cart"}};
  config.sources["grafana"].configured = true;
  config.sources["grafana"].secret = kSecret;
  ApiHarness h(config, T("2026-10-12T07:40:00Z"));
  std::string deploy = Fixture("deployment_status.json");
  deploy.replace(deploy.find("\"created_at\": \"2019-05-15T15:20:55Z\""), 36, "\"created_at\": \"2026-10-12T07:40:00Z\"");
  ASSERT_EQ(h.Call("POST", "/webhooks/github", deploy, "", GitHubHeaders("deployment_status", deploy)).status, 200);
  h.clock().Set(T("2026-10-12T07:52:00Z"));
  const std::string alert = ReadFile(SourcePath("tests/fixtures/grafana/firing.json"));
  HttpResponse r = h.Call("POST", "/webhooks/grafana", alert, "",
                          {{"x-grafana-alerting-signature", signature::HmacSha256Hex(kSecret, alert)}});
  ASSERT_EQ(r.status, 200) << r.body;
  json::value incidents = json::parse(h.Get("/api/v1/incidents").body);
  const json::value& inc = incidents.at("incidents").as_array().at(0);
  EXPECT_EQ(inc.at("service").as_string(), "cart");
  EXPECT_EQ(inc.at("suspected_cause").at("id").as_string(), "gh-145988746");
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="grafana",result="accepted"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="accepted"})"), 0);
}

// One deploy per source, each becoming the suspected cause of the next
// alert-driven incident on its service.
struct DeployCase {
  const char* source;
  const char* fixture;  // under tests/fixtures/
  std::function<std::map<std::string, std::string>(const std::string& body)> headers;
  const char* change_id;
  const char* service;
  const char* alert_starts;  // a few minutes after the deploy
};

void ExpectSuspectedCause(const DeployCase& c) {
  SCOPED_TRACE(c.source);
  Config config;
  config.sources[c.source].configured = true;
  config.sources[c.source].secret = kSecret;
  ApiHarness h(config, T(c.alert_starts) - Min(1));
  const std::string body = ReadFile(SourcePath(std::string("tests/fixtures/") + c.fixture));
  HttpResponse r = h.Call("POST", std::string("/webhooks/") + c.source, body, "", c.headers(body));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(json::parse(r.body).at("accepted").as_int64(), 1) << r.body;
  h.clock().Set(T(c.alert_starts) + Min(1));
  const std::string alert = std::string(R"({"alerts":[{"status":"firing","labels":{"alertname":"Errors","service":")") +
                            c.service + R"(","severity":"critical"},"startsAt":")" + c.alert_starts + R"("}]})";
  ASSERT_EQ(h.Post("/webhooks/alertmanager", alert).status, 200);
  json::value incidents = json::parse(h.Get("/api/v1/incidents").body);
  const json::value& cause = incidents.at("incidents").as_array().at(0).at("suspected_cause");
  ASSERT_TRUE(cause.is_object()) << json::serialize(incidents);
  // Ids made from content (Argo CD, Flux) are checked by their prefix.
  EXPECT_EQ(std::string(cause.at("id").as_string()).rfind(c.change_id, 0), 0u) << cause.at("id").as_string();
}

TEST(WebhookSources, EverySourcesDeployBecomesTheSuspectedCauseOfTheNextIncident) {
  const DeployCase cases[] = {
      {"github", "github/deployment_status.json",
       [](const std::string& body) { return GitHubHeaders("deployment_status", body); }, "gh-145988746",
       "Hello-World", "2019-05-15T15:30:00Z"},
      {"gitlab", "gitlab/deployment-production.json",
       [](const std::string&) {
         return std::map<std::string, std::string>{{"x-gitlab-event", "Deployment Hook"}, {"x-gitlab-token", kSecret}};
       },
       "gl-16", "test-deployment-webhooks", "2021-04-28T20:00:00Z"},
      {"argocd", "argocd/deployed.json",
       [](const std::string&) { return std::map<std::string, std::string>{{"authorization", "Bearer " + kSecret}}; },
       "argocd-", "checkout", "2026-10-05T09:00:00Z"},
      {"flux", "flux/kustomization-succeeded.json",
       [](const std::string& body) {
         return std::map<std::string, std::string>{{"x-signature", "sha256=" + signature::HmacSha256Hex(kSecret, body)}};
       },
       "flux-", "apps", "2026-10-05T09:00:00Z"},
  };
  for (const DeployCase& c : cases) ExpectSuspectedCause(c);
}

}  // namespace
}  // namespace debriefd
