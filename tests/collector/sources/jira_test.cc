// Jira: issue webhooks (tests/fixtures/jira/) as TrackerIssue snapshots,
// every field, Jira's time and date forms, descriptions as text or ADF, what
// is ignored, what is rejected (naming the field), and the X-Hub-Signature
// check, alone and over the Api.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <functional>

#include "collector/sources/registry.h"
#include "collector/sources/signature.h"
#include "tests/support/api_harness.h"
#include "tests/support/source_test_util.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

const Time kNow = T("2026-11-20T10:16:00Z");
const HeaderMap kCreatedHeaders = {{"x-atlassian-webhook-identifier", "3f9c2b7e-51d4-4e0a-9a8b-6c1d2e3f4a5b"}};

std::string Fixture(const std::string& name) { return ReadFile(SourcePath("tests/fixtures/jira/" + name)); }

// The fixture `name` with `edit` applied to its JSON.
std::string Edited(const std::string& name, const std::function<void(json::object&)>& edit) {
  json::value v = json::parse(Fixture(name));
  edit(v.as_object());
  return json::serialize(v);
}
json::object& Fields(json::object& body) { return body["issue"].as_object()["fields"].as_object(); }

Result<std::vector<ParsedEvent>> Parse(const std::string& body, const HeaderMap& headers = kCreatedHeaders,
                                       const SourceSettings& settings = Configured()) {
  return ParseRequest("jira", body, headers, kNow, settings);
}

// The one TrackerIssue `body` makes; fails the test otherwise.
TrackerIssue Issue(const std::string& body, const SourceSettings& settings = Configured()) {
  auto r = Parse(body, kCreatedHeaders, settings);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok() || r->size() != 1 || !std::holds_alternative<TrackerIssue>((*r)[0].event.body)) {
    ADD_FAILURE() << "not one tracker issue";
    return {};
  }
  return std::get<TrackerIssue>((*r)[0].event.body);
}

TEST(JiraSource, ACreatedIssueIsASnapshotOfEveryField) {
  auto r = Parse(Fixture("issue_created.json"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const Event& e = (*r)[0].event;
  EXPECT_EQ(e.source, "jira");
  EXPECT_EQ(e.received_at, kNow);
  EXPECT_EQ(e.dedup_key, "jira:3f9c2b7e-51d4-4e0a-9a8b-6c1d2e3f4a5b");
  EXPECT_EQ(EventTypeName(e.body), "tracker.issue");
  const auto& t = std::get<TrackerIssue>(e.body);
  EXPECT_EQ(t.id, "OPS-12");
  EXPECT_EQ(t.time, T("2026-11-20T10:15:30.512Z")) << "the webhook's timestamp, 1795169730512 ms";
  EXPECT_EQ(t.title, "Alert on checkout connection-pool saturation (INC-42)");
  EXPECT_EQ(t.description, "Found in the debrief of INC-42: the pool ran dry 20 minutes before the first 5xx.");
  EXPECT_EQ(t.url, "https://acme.atlassian.net/browse/OPS-12") << "built from issue.self";
  EXPECT_EQ(t.service, "OPS") << "no services rule: the project key";
  EXPECT_EQ(t.labels, std::vector<std::string>{"debrief"});
  EXPECT_FALSE(t.done) << "status category new";
  EXPECT_EQ(t.closed_at, std::nullopt) << "resolutiondate null";
  EXPECT_EQ(t.due, T("2026-12-05T00:00:00Z")) << "due 2026-12-04: the end of that day";
  EXPECT_EQ(t.created_at, T("2026-11-20T10:15:30.512Z")) << "2026-11-20T10:15:30.512+0000";
  EXPECT_FALSE(t.deleted);
}

TEST(JiraSource, AnIssueInTheDoneCategoryIsDoneAtItsResolutionDate) {
  auto r = ParseRequest("jira", Fixture("issue_updated.json"),
                        {{"x-atlassian-webhook-identifier", "8a41d0c6-2f7b-4c19-b3e5-90d7f1a2c6e4"}}, kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& t = std::get<TrackerIssue>((*r)[0].event.body);
  EXPECT_EQ(t.id, "OPS-12");
  EXPECT_EQ(t.time, T("2026-11-27T16:02:11.287Z"));
  EXPECT_TRUE(t.done);
  EXPECT_EQ(t.closed_at, T("2026-11-27T16:02:11.287Z"));
  EXPECT_EQ(t.due, T("2026-12-05T00:00:00Z"));
  EXPECT_FALSE(t.deleted);
  EXPECT_EQ((*r)[0].event.dedup_key, "jira:8a41d0c6-2f7b-4c19-b3e5-90d7f1a2c6e4");
  // "Done" by name in another category (a custom workflow) is not done: the category decides.
  TrackerIssue in_progress = Issue(Edited("issue_updated.json", [](json::object& b) {
    Fields(b)["status"].as_object()["statusCategory"].as_object()["key"] = "indeterminate";
  }));
  EXPECT_FALSE(in_progress.done);
  EXPECT_EQ(in_progress.closed_at, T("2026-11-27T16:02:11.287Z")) << "translated as sent";
}

TEST(JiraSource, ADeletedIssueIsMarkedDeletedAndNullFieldsAreAbsent) {
  TrackerIssue t = Issue(Fixture("issue_deleted.json"));
  EXPECT_EQ(t.id, "OPS-13");
  EXPECT_TRUE(t.deleted);
  EXPECT_EQ(t.time, T("2026-12-02T08:30:00.041Z"));
  EXPECT_EQ(t.labels, (std::vector<std::string>{"debrief", "incident:INC-42"}));
  EXPECT_EQ(t.description, "") << "description null";
  EXPECT_EQ(t.due, std::nullopt) << "duedate null";
  EXPECT_EQ(t.closed_at, std::nullopt) << "resolutiondate null";
  EXPECT_EQ(t.created_at, T("2026-11-20T10:21:04.118Z"));
  EXPECT_FALSE(t.done);
}

TEST(JiraSource, LabelsAreTranslatedNeverFiltered) {
  TrackerIssue t = Issue(Edited("issue_created.json", [](json::object& b) { Fields(b)["labels"] = json::array{"ui", "move"}; }));
  EXPECT_EQ(t.labels, (std::vector<std::string>{"ui", "move"})) << "no debrief label: still an issue; the tracker decides";
  TrackerIssue none = Issue(Edited("issue_created.json", [](json::object& b) { Fields(b).erase("labels"); }));
  EXPECT_TRUE(none.labels.empty());
}

TEST(JiraSource, ServicesRulesMapTheProjectKeyElseTheIssueKeysPrefix) {
  SourceSettings s = Configured();
  s.services = {{"OPS", "checkout"}};
  EXPECT_EQ(Issue(Fixture("issue_created.json"), s).service, "checkout");
  const std::string no_project = Edited("issue_created.json", [](json::object& b) {
    Fields(b).erase("project");
    b["issue"].as_object()["key"] = "PAY-OPS-7";
  });
  EXPECT_EQ(Issue(no_project).service, "PAY-OPS") << "the part of the key before the last '-'";
  EXPECT_EQ(Issue(no_project).id, "PAY-OPS-7");
}

TEST(JiraSource, TheBrowseUrlKeepsAContextPathAndIsEmptyWithoutSelf) {
  TrackerIssue dc = Issue(Edited("issue_created.json", [](json::object& b) {
    b["issue"].as_object()["self"] = "https://jira.example.com/jira/rest/api/2/issue/10002";
  }));
  EXPECT_EQ(dc.url, "https://jira.example.com/jira/browse/OPS-12");
  TrackerIssue none = Issue(Edited("issue_created.json", [](json::object& b) { b["issue"].as_object().erase("self"); }));
  EXPECT_EQ(none.url, "");
}

TEST(JiraSource, TimesAreReadWithJirasOffsetsAndAsRfc3339) {
  auto created = [](const char* text) {
    return Issue(Edited("issue_created.json", [&](json::object& b) { Fields(b)["created"] = text; })).created_at;
  };
  EXPECT_EQ(created("2026-11-20T12:15:30.000+0200"), T("2026-11-20T10:15:30Z"));
  EXPECT_EQ(created("2026-11-20T04:45:30.000-0530"), T("2026-11-20T10:15:30Z"));
  EXPECT_EQ(created("2009-12-16T23:46:10.612-0600"), T("2009-12-17T05:46:10.612Z")) << "Atlassian's example";
  EXPECT_EQ(created("2026-11-20T10:15:30Z"), T("2026-11-20T10:15:30Z"));
  EXPECT_EQ(created("2026-11-20T11:15:30+01:00"), T("2026-11-20T10:15:30Z"));
}

TEST(JiraSource, ADueDateIsDueAtTheEndOfThatDay) {
  auto due = [](const char* date) {
    return Issue(Edited("issue_created.json", [&](json::object& b) { Fields(b)["duedate"] = date; })).due;
  };
  EXPECT_EQ(due("2026-12-31"), T("2027-01-01T00:00:00Z"));
  EXPECT_EQ(due("2028-02-28"), T("2028-02-29T00:00:00Z"));
}

TEST(JiraSource, AnAtlassianDocumentFormatDescriptionIsReadAsItsText) {
  TrackerIssue t = Issue(Edited("issue_created.json", [](json::object& b) {
    Fields(b)["description"] = json::parse(R"({"type": "doc", "version": 1, "content": [
      {"type": "paragraph", "content": [
        {"type": "text", "text": "Follow-up of "},
        {"type": "text", "text": "INC-", "marks": [{"type": "strong"}]},
        {"type": "text", "text": "42"},
        {"type": "hardBreak"},
        {"type": "mention", "attrs": {"id": "5b10ac8d82e05b22cc7d4ef5", "text": "@Mia"}},
        {"type": "text", "text": "owns it."}]},
      {"type": "bulletList", "content": [
        {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "alert"}]}]},
        {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "runbook"}]}]}]}]})");
  }));
  EXPECT_EQ(t.description, "Follow-up of INC-42 owns it. alert runbook");
  TrackerIssue empty = Issue(Edited("issue_created.json", [](json::object& b) {
    Fields(b)["description"] = json::parse(R"({"type": "doc", "version": 1, "content": []})");
  }));
  EXPECT_EQ(empty.description, "");
}

TEST(JiraSource, OtherWebhookEventsAreIgnored) {
  for (const char* event : {"comment_created", "worklog_updated", "sprint_started", "jira:version_released"}) {
    auto r = Parse(std::string(R"({"timestamp": 1795169730512, "webhookEvent": ")") + event + R"("})");
    ASSERT_TRUE(r.ok()) << event << ": " << r.status().message();
    EXPECT_TRUE(r->empty()) << event;
  }
}

TEST(JiraSource, WithoutTheWebhookIdentifierTheEventKeyAndTimestampDeduplicate) {
  auto r = Parse(Fixture("issue_created.json"), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].event.dedup_key, "jira:jira:issue_created:OPS-12:1795169730512");
}

TEST(JiraSource, BadBodiesAreRejectedNamingTheField) {
  auto message = [](const std::string& body) { return Parse(body).status().message(); };
  EXPECT_EQ(message("{").rfind("jira: malformed JSON", 0), 0u) << message("{");
  EXPECT_EQ(message("[]"), "jira: the body must be a JSON object");
  EXPECT_EQ(message(R"({"timestamp": 1})"), "jira: webhookEvent: missing");
  EXPECT_EQ(message(R"({"webhookEvent": "jira:issue_created", "timestamp": 1})"), "jira: issue: missing");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { b["timestamp"] = "yesterday"; })),
            "jira: timestamp: not a number");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { b["timestamp"] = -1; })),
            "jira: timestamp: not milliseconds since the epoch");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { b["issue"].as_object().erase("key"); })),
            "jira: issue.key: missing");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { b["issue"].as_object().erase("fields"); })),
            "jira: issue.fields: missing");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["summary"] = nullptr; })),
            "jira: issue.fields.summary: missing");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["labels"] = json::array{"debrief", 7}; })),
            "jira: issue.fields.labels[1]: not a string");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["labels"] = "debrief"; })),
            "jira: issue.fields.labels: not an array");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["resolutiondate"] = "soon"; })),
            "jira: issue.fields.resolutiondate: not a time like 2026-11-20T10:15:30.000+0000");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["created"] = "2026-11-20T10:15:30.000+00"; })),
            "jira: issue.fields.created: not a time like 2026-11-20T10:15:30.000+0000");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["duedate"] = "2026-02-30"; })),
            "jira: issue.fields.duedate: not a date like 2026-12-01");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["duedate"] = "2026-12-04T00:00:00Z"; })),
            "jira: issue.fields.duedate: not a date like 2026-12-01");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["description"] = 5; })),
            "jira: issue.fields.description: not a string or an Atlassian Document Format object");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) {
              Fields(b)["status"].as_object()["statusCategory"].as_object()["key"] = 3;
            })),
            "jira: issue.fields.status.statusCategory.key: not a string");
  EXPECT_EQ(message(Edited("issue_created.json", [](json::object& b) { Fields(b)["project"] = "OPS"; })),
            "jira: issue.fields.project: not an object");
}

TEST(JiraSource, TheSignatureIsHmacSha256OfTheRawBody) {
  const std::string secret = "jira-s3cret";
  const std::string body = Fixture("issue_created.json");
  SourceSettings s = Configured(secret);
  auto verify = [&](const HeaderMap& headers, std::string_view bytes) { return Verify("jira", bytes, headers, s, kNow); };
  const std::string hex = signature::HmacSha256Hex(secret, body);
  EXPECT_TRUE(verify({{"x-hub-signature", "sha256=" + hex}}, body).ok());
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify({{"x-hub-signature", "sha256=" + upper}}, body).ok()) << "hex in any case";
  Status other_body = verify({{"x-hub-signature", "sha256=" + hex}}, body + " ");
  EXPECT_EQ(other_body.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(other_body.field(), "x-hub-signature");
  Status other_secret = verify({{"x-hub-signature", "sha256=" + signature::HmacSha256Hex("another", body)}}, body);
  EXPECT_EQ(other_secret.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(verify({{"x-hub-signature", hex}}, body).code(), StatusCode::kUnauthenticated) << "without sha256=";
  EXPECT_EQ(verify({}, body).message(), "x-hub-signature: missing");
  EXPECT_EQ(verify({{"x-hub-signature-256", "sha256=" + hex}}, body).message(), "x-hub-signature: missing")
      << "GitHub's header is not Jira's";
}

TEST(JiraSource, OverTheApiASignedDeliveryIsAcceptedAndAWrongOneIs401) {
  const std::string secret = "jira-s3cret";
  Config config;
  config.sources["jira"].configured = true;
  config.sources["jira"].secret = secret;
  ApiHarness h(config, kNow);
  const std::string body = Fixture("issue_created.json");
  std::map<std::string, std::string> headers = {{"x-atlassian-webhook-identifier", "3f9c2b7e-51d4-4e0a-9a8b-6c1d2e3f4a5b"}};
  headers["x-hub-signature"] = "sha256=" + signature::HmacSha256Hex("another", body);
  HttpResponse bad = h.Call("POST", "/webhooks/jira", body, "", headers);
  EXPECT_EQ(bad.status, 401) << bad.body;
  headers.erase("x-hub-signature");
  EXPECT_EQ(h.Call("POST", "/webhooks/jira", body, "", headers).status, 401) << "unsigned, with a secret set";
  headers["x-hub-signature"] = "sha256=" + signature::HmacSha256Hex(secret, body);
  HttpResponse good = h.Call("POST", "/webhooks/jira", body, "", headers);
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(json::parse(good.body).at("accepted").as_int64(), 1);
  EXPECT_EQ(json::parse(h.Call("POST", "/webhooks/jira", body, "", headers).body).at("duplicates").as_int64(), 1)
      << "a retry keeps its identifier";
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="jira",result="unauthorized"})"), 2);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="jira",result="accepted"})"), 1);
}

TEST(JiraSource, WithoutASecretUnsignedDeliveriesAreAccepted) {
  Config config;
  config.sources["jira"].configured = true;
  ApiHarness h(config, kNow);
  EXPECT_EQ(h.Post("/webhooks/jira", Fixture("issue_created.json")).status, 200);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="jira",result="accepted"})"), 1);
  ApiHarness unconfigured({}, kNow);
  EXPECT_EQ(unconfigured.Post("/webhooks/jira", Fixture("issue_created.json")).status, 404) << "needs sources.jira";
}

}  // namespace
}  // namespace debriefd
