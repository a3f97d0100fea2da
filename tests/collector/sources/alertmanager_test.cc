// The Alertmanager webhook source: the captured 0.25 fixtures, Grafana's
// Alertmanager-compatible body, and a table of inputs that must be rejected
// with the field named.
#include "collector/sources/registry.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-11-21T20:36:00Z");

struct Rejected {
  const char* body;
  const char* field;
};

TEST(AlertmanagerParser, ANumberTooLargeForJsonIsRejectedNamingIt) {
  // Read as infinity, it would be stored as `Infinity` and never read back.
  const std::string body =
      R"({"alerts":[{"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-11-21T20:35:23Z","values":{"B":1e999}}]})";
  auto r = ParseRequestBody("alertmanager", body, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "alerts[0].values.B");
  auto native = ParseRequestBody("events", R"({"type":"change","time":"2026-11-21T20:35:23Z","service":"a","kind":"deploy","cost":-1e999})", kNow);
  ASSERT_FALSE(native.ok());
  EXPECT_EQ(native.status().field(), "cost");
  // Arrays in arrays, and a key that looks like an index.
  for (const auto& [nested, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"alerts":[{"x":[0,[1e999]]}]})", "alerts[0].x[1][0]"},
           {R"({"alerts":[{"ok":1.5,"[k]":-1e999}]})", "alerts[0].[k]"},
           {R"({"a":{"b":{"c":1e999}}})", "a.b.c"}}) {
    auto n = ParseRequestBody("alertmanager", nested, kNow);
    ASSERT_FALSE(n.ok()) << nested;
    EXPECT_EQ(n.status().field(), field) << nested;
  }
}

TEST(AlertmanagerParser, ParsesTheCapturedFiringNotification) {
  auto r = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
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
  auto r = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/alertmanager/resolved-0.25.json")), kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& a = std::get<AlertNotification>((*r)[0].event.body);
  EXPECT_FALSE(a.firing);
  EXPECT_EQ(*a.ends_at, T("2026-11-21T20:35:28.553Z"));
}

TEST(AlertmanagerParser, ParsesGrafanasAlertmanagerCompatibleBody) {
  auto r = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/grafana/firing.json")), kNow);
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
  auto f = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
  auto f2 = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow + Min(5));
  auto r = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/alertmanager/resolved-0.25.json")), kNow);
  EXPECT_EQ((*f)[0].event.dedup_key, (*f2)[0].event.dedup_key) << "a re-send is the same notification";
  EXPECT_NE((*f)[0].event.dedup_key, (*r)[0].event.dedup_key);
}

// Rule: a re-send is a duplicate by the alert's identity, not by every byte.
TEST(AlertmanagerParser, AFiringResendIsTheSameNotificationWhateverItsEndsAt) {
  auto body = [](const char* status, const char* ends_at) {
    return std::string(R"({"alerts":[{"status":")") + status +
           R"(","labels":{"alertname":"A"},"fingerprint":"fp1","startsAt":"2026-10-01T10:00:00Z","endsAt":")" +
           ends_at + R"("}]})";
  };
  auto key = [&](const char* status, const char* ends_at) {
    auto r = ParseRequestBody("alertmanager", body(status, ends_at), kNow);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return (*r)[0].event.dedup_key;
  };
  // Senders that set endsAt = now + resolve_timeout move it on every re-send.
  EXPECT_EQ(key("firing", "2026-10-01T10:05:00Z"), key("firing", "2026-10-01T10:09:00Z"));
  EXPECT_EQ(key("firing", "2026-10-01T10:05:00Z"), key("firing", "0001-01-01T00:00:00Z"));
  // A resolution is identified by its endsAt too: a later one is another resolution.
  EXPECT_EQ(key("resolved", "2026-10-01T10:20:00Z"), key("resolved", "2026-10-01T10:20:00Z"));
  EXPECT_NE(key("resolved", "2026-10-01T10:20:00Z"), key("resolved", "2026-10-01T10:40:00Z"));
  EXPECT_NE(key("firing", "2026-10-01T10:20:00Z"), key("resolved", "2026-10-01T10:20:00Z"));
}

// The summary is the first non-empty of the summary, title and description
// annotations, whatever their order in the body, cut at 512 bytes.
TEST(AlertmanagerParser, TheSummaryIsTheFirstNonEmptyOfSummaryTitleAndDescription) {
  auto summary = [](const std::string& annotations) {
    auto r = ParseRequestBody("alertmanager",
                              R"({"alerts":[{"status":"firing","labels":{"alertname":"A"},"annotations":)" +
                                  annotations + R"(,"startsAt":"2026-10-01T10:00:00Z"}]})",
                              kNow);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::get<AlertNotification>((*r)[0].event.body).summary : std::string("?");
  };
  EXPECT_EQ(summary(R"({"description":"d","title":"t","summary":"s"})"), "s");
  EXPECT_EQ(summary(R"({"description":"d","summary":"","title":"t"})"), "t");
  EXPECT_EQ(summary(R"({"runbook":"r","description":"d"})"), "d");
  EXPECT_EQ(summary(R"({"runbook":"r"})"), "");
  EXPECT_EQ(summary(R"({"summary":")" + std::string(600, 'x') + R"("})"), std::string(512, 'x'));

  auto bad = ParseRequestBody("alertmanager",
                              R"({"alerts":[{"status":"firing","labels":{"alertname":"A"},)"
                              R"("annotations":{"summary":"s","runbook":7},"startsAt":"2026-10-01T10:00:00Z"}]})",
                              kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "alerts[0].annotations.runbook");
  EXPECT_NE(bad.status().message().find("not a string"), std::string::npos) << bad.status().message();
}

TEST(AlertmanagerParser, TruncatedAlertsAreARequestCountOfItsReceiver) {
  const char* body = R"({"receiver":"debriefd","truncatedAlerts":4,"alerts":[
    {"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-10-01T10:00:00Z"},
    {"status":"firing","labels":{"alertname":"B"},"startsAt":"2026-10-01T10:00:00Z"}]})";
  auto r = ParseRequestBody("alertmanager", body, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(((*r)[0].request_counts), (EventCounts{{{kAlertsTruncated, "debriefd"}, 4}}));
  EXPECT_TRUE((*r)[1].request_counts.empty()) << "counted once per notification";
  auto fixture = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
  EXPECT_TRUE((*fixture)[0].request_counts.empty()) << "truncatedAlerts 0 counts nothing";
  auto bad = ParseRequestBody("alertmanager", R"({"truncatedAlerts":-1,"alerts":[]})", kNow);
  EXPECT_EQ(bad.status().field(), "truncatedAlerts");
}

TEST(AlertmanagerParser, StoredRawEventReadsBackTheSame) {
  auto r = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
  auto back = ParseStoredEvent("alertmanager", (*r)[0].raw, kNow);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->dedup_key, (*r)[0].event.dedup_key);
  EXPECT_EQ(std::get<AlertNotification>(back->body).labels,
            std::get<AlertNotification>((*r)[0].event.body).labels);
}

TEST(AlertmanagerParser, MissingFingerprintIsDerivedFromLabels) {
  const char* body = R"({"alerts":[{"status":"firing","labels":{"alertname":"A","service":"x"},"startsAt":"2026-10-01T10:00:00Z"}]})";
  auto r1 = ParseRequestBody("alertmanager", body, kNow);
  auto r2 = ParseRequestBody("alertmanager", body, kNow);
  ASSERT_TRUE(r1.ok());
  EXPECT_FALSE(std::get<AlertNotification>((*r1)[0].event.body).fingerprint.empty());
  EXPECT_EQ((*r1)[0].event.dedup_key, (*r2)[0].event.dedup_key);
}

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
    auto r = ParseRequestBody("alertmanager", c.body, kNow);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), c.field) << c.body;
    EXPECT_EQ(r.status().message().rfind("alertmanager: ", 0), 0u) << r.status().message();
  }
}

TEST(AlertmanagerParser, ErrorMessageNamesSourceFieldAndReason) {
  auto r = ParseRequestBody("alertmanager", 
      R"({"alerts":[{},{},{"status":"firing","labels":{},"startsAt":"x"}]})", kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "alertmanager: alerts[0].status: missing");
  auto r2 = ParseRequestBody("alertmanager", R"({"alerts":[{"status":"firing","labels":{},"startsAt":"x"}]})", kNow);
  EXPECT_EQ(r2.status().message(), "alertmanager: alerts[0].startsAt: not RFC 3339");
}

TEST(AlertmanagerParser, FieldsAVendorAddsAreIgnoredNotRejected) {
  // Webhooks are lenient (docs/events.md): Alertmanager adds fields in new
  // releases, and a 4xx would make it drop the notification.
  const std::string body =
      R"({"version":"5","newTopLevelField":{"a":1},"alerts":[{"status":"firing","labels":{"alertname":"A"},)"
      R"("startsAt":"2026-11-21T20:35:23Z","endsAt":"2026-11-21T23:35:23Z","newAlertField":[1,2]}]})";
  auto r = ParseRequestBody("alertmanager", body, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE(std::get<AlertNotification>((*r)[0].event.body).firing);
}

}  // namespace
}  // namespace debriefd
