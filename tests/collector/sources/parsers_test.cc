// Every source parser: the captured fixtures, each event type, and a table of
// inputs that must be rejected with the field named.
#include "collector/sources/parsers.h"

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-11-21T20:36:00Z");

TEST(AlertmanagerParser, ParsesTheCapturedFiringNotification) {
  auto r = ParseAlertmanagerWebhook(ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& a = std::get<AlertNotification>((*r)[0].event.body);
  EXPECT_TRUE(a.firing);
  EXPECT_EQ(a.alertname, "ProbeLastValueHigh");
  EXPECT_EQ(a.fingerprint, "687cd8b35c507435");
  EXPECT_EQ(a.labels.at("severity"), "page");
  EXPECT_EQ(a.summary, "last event value is 5");
  EXPECT_EQ(a.starts_at, T("2026-11-21T20:35:23.553Z"));
  EXPECT_FALSE(a.ends_at) << "the Go zero time means no end";
  EXPECT_EQ((*r)[0].event.received_at, kNow);
  EXPECT_EQ((*r)[0].event.source, "alertmanager");
}

TEST(AlertmanagerParser, ParsesTheCapturedResolvedNotification) {
  auto r = ParseAlertmanagerWebhook(ReadFile(SourcePath("tests/fixtures/alertmanager/resolved-0.25.json")), kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& a = std::get<AlertNotification>((*r)[0].event.body);
  EXPECT_FALSE(a.firing);
  EXPECT_EQ(*a.ends_at, T("2026-11-21T20:35:28.553Z"));
}

TEST(AlertmanagerParser, ParsesGrafanasAlertmanagerCompatibleBody) {
  auto r = ParseAlertmanagerWebhook(ReadFile(SourcePath("tests/fixtures/grafana/firing.json")), kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& a = std::get<AlertNotification>((*r)[0].event.body);
  EXPECT_TRUE(a.firing);
  EXPECT_EQ(a.alertname, "High memory usage");
  EXPECT_EQ(a.labels.at("service"), "cart");
  EXPECT_EQ(a.starts_at, T("2026-10-12T07:51:03.157Z"));
  EXPECT_EQ(a.summary, "This alert was triggered for zone us-1");
}

TEST(AlertmanagerParser, FiringAndResolvedAreDifferentNotifications) {
  auto f = ParseAlertmanagerWebhook(ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
  auto f2 = ParseAlertmanagerWebhook(ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow + Min(5));
  auto r = ParseAlertmanagerWebhook(ReadFile(SourcePath("tests/fixtures/alertmanager/resolved-0.25.json")), kNow);
  EXPECT_EQ((*f)[0].event.dedup_key, (*f2)[0].event.dedup_key) << "a re-send is the same notification";
  EXPECT_NE((*f)[0].event.dedup_key, (*r)[0].event.dedup_key);
}

TEST(AlertmanagerParser, StoredRawEventReadsBackTheSame) {
  auto r = ParseAlertmanagerWebhook(ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
  auto back = ParseStoredEvent("alertmanager", (*r)[0].raw, kNow);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->dedup_key, (*r)[0].event.dedup_key);
  EXPECT_EQ(std::get<AlertNotification>(back->body).labels,
            std::get<AlertNotification>((*r)[0].event.body).labels);
}

TEST(AlertmanagerParser, MissingFingerprintIsDerivedFromLabels) {
  const char* body = R"({"alerts":[{"status":"firing","labels":{"alertname":"A","service":"x"},"startsAt":"2026-10-01T10:00:00Z"}]})";
  auto r1 = ParseAlertmanagerWebhook(body, kNow);
  auto r2 = ParseAlertmanagerWebhook(body, kNow);
  ASSERT_TRUE(r1.ok());
  EXPECT_FALSE(std::get<AlertNotification>((*r1)[0].event.body).fingerprint.empty());
  EXPECT_EQ((*r1)[0].event.dedup_key, (*r2)[0].event.dedup_key);
}

struct Rejected {
  const char* body;
  const char* field;
};

TEST(AlertmanagerParser, RejectsBadInputNamingTheField) {
  const Rejected cases[] = {
      {"", ""},
      {"{", ""},
      {"[]", ""},
      {"{}", "alerts"},
      {R"({"alerts":{}})", "alerts"},
      {R"({"alerts":[1]})", "alerts[0]"},
      {R"({"alerts":[{"labels":{},"startsAt":"2026-10-01T10:00:00Z"}]})", "alerts[0].status"},
      {R"({"alerts":[{"status":"burning","labels":{},"startsAt":"2026-10-01T10:00:00Z"}]})", "alerts[0].status"},
      {R"({"alerts":[{"status":"firing","startsAt":"2026-10-01T10:00:00Z"}]})", "alerts[0].labels"},
      {R"({"alerts":[{"status":"firing","labels":{"a":1},"startsAt":"2026-10-01T10:00:00Z"}]})", "alerts[0].labels.a"},
      {R"({"alerts":[{"status":"firing","labels":{}}]})", "alerts[0].startsAt"},
      {R"({"alerts":[{"status":"firing","labels":{},"startsAt":"yesterday"}]})", "alerts[0].startsAt"},
      {R"({"alerts":[{"status":"firing","labels":{},"startsAt":5}]})", "alerts[0].startsAt"},
      {R"({"alerts":[{"status":"resolved","labels":{},"startsAt":"2026-10-01T10:00:00Z","endsAt":"soon"}]})", "alerts[0].endsAt"},
      {R"({"alerts":[{"status":"firing","labels":{},"startsAt":"2026-10-01T10:00:00Z"},{"status":"firing"}]})", "alerts[1].labels"},
  };
  for (const Rejected& c : cases) {
    auto r = ParseAlertmanagerWebhook(c.body, kNow);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), c.field) << c.body;
    EXPECT_EQ(r.status().message().rfind("alertmanager: ", 0), 0u) << r.status().message();
  }
}

TEST(AlertmanagerParser, ErrorMessageNamesSourceFieldAndReason) {
  auto r = ParseAlertmanagerWebhook(
      R"({"alerts":[{},{},{"status":"firing","labels":{},"startsAt":"x"}]})", kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "alertmanager: alerts[0].status: missing");
  auto r2 = ParseAlertmanagerWebhook(R"({"alerts":[{"status":"firing","labels":{},"startsAt":"x"}]})", kNow);
  EXPECT_EQ(r2.status().message(), "alertmanager: alerts[0].startsAt: not RFC 3339");
}

TEST(NativeEventsParser, ParsesEveryType) {
  const char* body = R"([
    {"type":"change","time":"2026-10-01T09:00:00Z","id":"d-1","service":"checkout","kind":"deploy","environment":"prod","version":"v42","description":"new cart","url":"https://ci/1"},
    {"type":"incident.declared","time":"2026-10-01T10:00:00Z","incident_id":"INC-1","service":"checkout","severity":"critical","title":"Cart errors","started_at":"2026-10-01T09:50:00Z"},
    {"type":"incident.acknowledged","time":"2026-10-01T10:01:00Z","incident_id":"INC-1"},
    {"type":"incident.mitigated","time":"2026-10-01T10:20:00Z","incident_id":"INC-1"},
    {"type":"incident.resolved","time":"2026-10-01T10:30:00Z","incident_id":"INC-1"},
    {"type":"debrief.completed","time":"2026-10-02T10:00:00Z","incident_id":"INC-1","url":"https://wiki/INC-1","confirmed_cause_id":"d-1","started_at":"2026-10-01T09:45:00Z","impact":{"customers_affected":120,"cost":5000.5,"summary":"carts lost"},"action_items":[{"id":"AI-1","title":"Canary","url":"https://t/1","due":"2026-10-20T00:00:00Z"}]},
    {"type":"debrief.waived","time":"2026-10-02T10:00:00Z","incident_id":"INC-2","reason":"duplicate"},
    {"type":"checkpoint.completed","time":"2026-10-16T10:00:00Z","incident_id":"INC-1","notes":"ok"},
    {"type":"action_item.opened","time":"2026-10-02T11:00:00Z","id":"AI-2","incident_id":"INC-1","title":"Runbook","url":"https://t/2","labels":["debrief"]},
    {"type":"action_item.closed","time":"2026-10-10T11:00:00Z","id":"AI-2"}
  ])";
  auto r = ParseNativeEvents(body, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 10u);
  const auto& change = std::get<ChangeEvent>((*r)[0].event.body);
  EXPECT_EQ(change.id, "d-1");
  EXPECT_EQ(change.version, "v42");
  const auto& declared = std::get<IncidentDeclared>((*r)[1].event.body);
  EXPECT_EQ(*declared.started_at, T("2026-10-01T09:50:00Z"));
  EXPECT_EQ(std::get<IncidentTransition>((*r)[3].event.body).kind, IncidentTransition::Kind::kMitigated);
  const auto& debrief = std::get<DebriefCompleted>((*r)[5].event.body);
  EXPECT_EQ(*debrief.confirmed_cause_id, "d-1");
  EXPECT_DOUBLE_EQ(*debrief.impact->customers_affected, 120);
  ASSERT_EQ(debrief.action_items.size(), 1u);
  EXPECT_EQ(*debrief.action_items[0].due, T("2026-10-20T00:00:00Z"));
  const auto& opened = std::get<ActionItemOpened>((*r)[8].event.body);
  EXPECT_EQ(opened.item.id, "AI-2");
  EXPECT_EQ(opened.item.labels, std::vector<std::string>{"debrief"});
  EXPECT_NE((*r)[8].event.dedup_key, (*r)[9].event.dedup_key)
      << "opening and closing one item are two events";
}

TEST(NativeEventsParser, EventsWithoutIdAreDeduplicatedByContent) {
  const char* body = R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"checkout","kind":"config"})";
  auto a = ParseNativeEvents(body, kNow);
  auto b = ParseNativeEvents(body, kNow + Min(1));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)[0].event.dedup_key, (*b)[0].event.dedup_key);
  EXPECT_EQ(std::get<ChangeEvent>((*a)[0].event.body).id.rfind("chg-", 0), 0u);
}

TEST(NativeEventsParser, RejectsBadInputNamingTheField) {
  const Rejected cases[] = {
      {"nope", ""},
      {"[]", ""},
      {"42", ""},
      {R"({"time":"2026-10-01T09:00:00Z"})", "type"},
      {R"({"type":"change"})", "time"},
      {R"({"type":"change","time":"01/10/2026"})", "time"},
      {R"({"type":"party","time":"2026-10-01T09:00:00Z"})", "type"},
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","kind":"deploy"})", "service"},
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"x","kind":"rollout"})", "kind"},
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"x","kind":"deploy","id":"has space"})", "id"},
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","service":7,"kind":"deploy"})", "service"},
      {R"({"type":"incident.declared","time":"2026-10-01T09:00:00Z","service":"x"})", "severity"},
      {R"({"type":"incident.declared","time":"2026-10-01T09:00:00Z","service":"x","severity":"s","started_at":"then"})", "started_at"},
      {R"({"type":"incident.acknowledged","time":"2026-10-01T09:00:00Z"})", "incident_id"},
      {R"({"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I"})", "url"},
      {R"({"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I","url":"u","impact":{"cost":"lots"}})", "impact.cost"},
      {R"({"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I","url":"u","action_items":[{"title":"t"}]})", "action_items[0].id"},
      {R"({"type":"debrief.waived","time":"2026-10-01T09:00:00Z","incident_id":"I"})", "reason"},
      {R"({"type":"action_item.opened","time":"2026-10-01T09:00:00Z","id":"A","incident_id":"I"})", "title"},
      {R"({"type":"action_item.opened","time":"2026-10-01T09:00:00Z","id":"A","incident_id":"I","title":"t","labels":[1]})", "labels[0]"},
      {R"({"type":"action_item.closed","time":"2026-10-01T09:00:00Z"})", "id"},
      {R"([{"type":"action_item.closed","time":"2026-10-01T09:00:00Z","id":"A"},{"type":"change"}])", "[1].time"},
      {R"([{"type":"action_item.closed","time":"2026-10-01T09:00:00Z","id":"A"},"x"])", "[1]"},
  };
  for (const Rejected& c : cases) {
    auto r = ParseNativeEvents(c.body, kNow);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(r.status().field(), c.field) << c.body << " -> " << r.status().message();
    EXPECT_EQ(r.status().message().rfind("events: ", 0), 0u) << r.status().message();
  }
}

TEST(ReplayLine, RoundTripsThroughTheDumpFormat) {
  auto r = ParseAlertmanagerWebhook(ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
  std::string line = FormatReplayLine("alertmanager", kNow, (*r)[0].raw);
  auto parsed = ParseReplayLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->source, "alertmanager");
  EXPECT_EQ(parsed->received_at, kNow);
  auto again = ParseRequestBody(parsed->source, parsed->body, parsed->received_at);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ((*again)[0].event.dedup_key, (*r)[0].event.dedup_key);
}

TEST(ReplayLine, RejectsBadLines) {
  const Rejected cases[] = {
      {"{", ""},
      {R"({"source":"events","body":{}})", "received_at"},
      {R"({"received_at":"2026-10-01T00:00:00Z","source":"pagerduty","body":{}})", "source"},
      {R"({"received_at":"2026-10-01T00:00:00Z","source":"events"})", "body"},
      {R"({"received_at":"2026-10-01T00:00:00Z","source":"events","body":"x"})", "body"},
  };
  for (const Rejected& c : cases) {
    auto r = ParseReplayLine(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().field(), c.field) << c.body;
  }
}

}  // namespace
}  // namespace debriefd
