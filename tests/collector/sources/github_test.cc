// GitHub: deployment_status webhooks (tests/fixtures/github/), what becomes a
// deploy and what is ignored; issues webhooks as TrackerIssue snapshots; and
// the X-Hub-Signature-256 check.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>

#include "collector/sources/registry.h"
#include "collector/sources/signature.h"
#include "tests/support/source_test_util.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2019-05-15T15:21:00Z");

HeaderMap Headers(const std::string& event) {
  return {{"x-github-event", event}, {"x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"}};
}
std::string Fixture(const std::string& name) { return ReadFile(SourcePath("tests/fixtures/github/" + name)); }

TEST(GitHubSource, ASuccessfulDeploymentStatusIsADeploy) {
  auto r = ParseRequest("github", Fixture("deployment_status.json"), Headers("deployment_status"), kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& c = std::get<ChangeEvent>((*r)[0].event.body);
  EXPECT_EQ(c.id, "gh-145988746");
  EXPECT_EQ(c.kind, "deploy");
  EXPECT_EQ(c.service, "Hello-World") << "no services rule: the repository's last path segment";
  EXPECT_EQ(c.environment, "production");
  EXPECT_EQ(c.time, T("2019-05-15T15:20:55Z")) << "the status's created_at, not the delivery time";
  EXPECT_EQ(c.version, "f95f852 (master)");
  EXPECT_EQ((*r)[0].event.dedup_key, "github:72d3162e-cc78-11e3-81ab-4c9367dc0958");
  EXPECT_EQ((*r)[0].event.source, "github");
}

TEST(GitHubSource, ServicesRulesMapTheRepositoryFirstMatchWins) {
  SourceSettings s = Configured();
  s.services = {{"Codertocat/Hello-*", "hello"}, {"Codertocat/*", "other"}};
  auto r = ParseRequest("github", Fixture("deployment_status.json"), Headers("deployment_status"), kNow, s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<ChangeEvent>((*r)[0].event.body).service, "hello");
}

TEST(GitHubSource, PingsOtherStatesAndOtherEnvironmentsAreIgnored) {
  auto ping = ParseRequest("github", Fixture("ping.json"), Headers("ping"), kNow, Configured());
  ASSERT_TRUE(ping.ok()) << ping.status().message();
  EXPECT_TRUE(ping->empty());
  std::string pending = Fixture("deployment_status.json");
  pending.replace(pending.find("\"state\": \"success\""), 18, "\"state\": \"pending\"");
  auto p = ParseRequest("github", pending, Headers("deployment_status"), kNow, Configured());
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->empty());
  SourceSettings staging_only = Configured();
  staging_only.environments = {"staging"};
  auto e = ParseRequest("github", Fixture("deployment_status.json"), Headers("deployment_status"), kNow, staging_only);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->empty());
}

TEST(GitHubSource, BadBodiesAreRejectedNamingTheField) {
  auto no_event = ParseRequest("github", "{}", {}, kNow, Configured());
  EXPECT_EQ(no_event.status().message(), "github: X-GitHub-Event: missing header");
  auto no_status = ParseRequest("github", "{}", Headers("deployment_status"), kNow, Configured());
  EXPECT_EQ(no_status.status().field(), "deployment_status");
  std::string bad_time = Fixture("deployment_status.json");
  bad_time.replace(bad_time.find("2019-05-15T15:20:55Z"), 20, "yesterday");
  EXPECT_EQ(ParseRequest("github", bad_time, Headers("deployment_status"), kNow, Configured()).status().field(),
            "deployment_status.created_at");
}

HeaderMap IssuesHeaders(const std::string& delivery = "d2a6f2e0-7711-11e9-8a5e-4c9367dc0958") {
  return {{"x-github-event", "issues"}, {"x-github-delivery", delivery}};
}

// The fixture `name` with `edit` applied to its JSON.
std::string Edited(const std::string& name, const std::function<void(boost::json::object&)>& edit) {
  boost::json::value v = boost::json::parse(Fixture(name));
  edit(v.as_object());
  return boost::json::serialize(v);
}
boost::json::object& IssueOf(boost::json::object& body) { return body["issue"].as_object(); }

// The one TrackerIssue `body` makes as an issues delivery; fails the test otherwise.
TrackerIssue Issue(const std::string& body, const SourceSettings& settings = Configured()) {
  auto r = ParseRequest("github", body, IssuesHeaders(), kNow, settings);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok() || r->size() != 1 || !std::holds_alternative<TrackerIssue>((*r)[0].event.body)) {
    ADD_FAILURE() << "not one tracker issue";
    return {};
  }
  return std::get<TrackerIssue>((*r)[0].event.body);
}

TEST(GitHubSource, AnOpenedIssueIsASnapshotOfEveryField) {
  auto r = ParseRequest("github", Fixture("issues-opened.json"), IssuesHeaders(), kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const Event& e = (*r)[0].event;
  EXPECT_EQ(e.source, "github");
  EXPECT_EQ(e.received_at, kNow);
  EXPECT_EQ(e.dedup_key, "github:d2a6f2e0-7711-11e9-8a5e-4c9367dc0958");
  EXPECT_EQ(EventTypeName(e.body), "tracker.issue");
  const auto& t = std::get<TrackerIssue>(e.body);
  EXPECT_EQ(t.id, "Codertocat/Hello-World#1");
  EXPECT_EQ(t.time, T("2019-05-15T15:20:18Z")) << "issue.updated_at";
  EXPECT_EQ(t.title, "Retry the payment webhook with backoff");
  EXPECT_EQ(t.description, "From the debrief of INC-7: retries hammered the provider while it recovered.");
  EXPECT_EQ(t.url, "https://github.com/Codertocat/Hello-World/issues/1");
  EXPECT_EQ(t.service, "Hello-World") << "no services rule: the repository's last path segment";
  EXPECT_EQ(t.labels, (std::vector<std::string>{"debrief", "incident:INC-7"}));
  EXPECT_FALSE(t.done);
  EXPECT_EQ(t.closed_at, std::nullopt) << "closed_at null";
  EXPECT_EQ(t.due, T("2019-05-23T07:00:00Z")) << "the milestone's due_on";
  EXPECT_EQ(t.created_at, T("2019-05-15T15:20:18Z"));
  EXPECT_FALSE(t.deleted);
}

TEST(GitHubSource, AClosedIssueIsDoneAtItsClosedAt) {
  TrackerIssue t = Issue(Fixture("issues-closed.json"));
  EXPECT_EQ(t.id, "Codertocat/Hello-World#1");
  EXPECT_TRUE(t.done);
  EXPECT_EQ(t.closed_at, T("2019-05-20T09:12:40Z"));
  EXPECT_EQ(t.time, T("2019-05-20T09:12:40Z"));
  EXPECT_EQ(t.labels, (std::vector<std::string>{"debrief", "incident:INC-7"}));
  EXPECT_FALSE(t.deleted);
}

TEST(GitHubSource, AnUnlabeledIssueIsStillAnIssueWithTheLabelsLeft) {
  TrackerIssue t = Issue(Fixture("issues-unlabeled.json"));
  EXPECT_EQ(t.labels, std::vector<std::string>{"incident:INC-7"}) << "issue.labels, not the removed `label`";
  EXPECT_EQ(t.time, T("2019-05-22T11:03:05Z"));
  EXPECT_TRUE(t.done);
  EXPECT_EQ(t.closed_at, T("2019-05-20T09:12:40Z"));
}

TEST(GitHubSource, EveryActionIsASnapshotAndDeletedMarksTheIssueDeleted) {
  for (const char* action : {"opened", "edited", "labeled", "unlabeled", "closed", "reopened", "assigned",
                             "milestoned", "transferred", "pinned"}) {
    TrackerIssue t = Issue(Edited("issues-opened.json", [&](boost::json::object& b) { b["action"] = action; }));
    EXPECT_EQ(t.id, "Codertocat/Hello-World#1") << action;
    EXPECT_FALSE(t.deleted) << action;
  }
  TrackerIssue deleted = Issue(Edited("issues-opened.json", [](boost::json::object& b) { b["action"] = "deleted"; }));
  EXPECT_TRUE(deleted.deleted);
  EXPECT_EQ(deleted.labels, (std::vector<std::string>{"debrief", "incident:INC-7"}));
}

TEST(GitHubSource, AnIssueWithoutBodyMilestoneOrLabelsHasNone) {
  TrackerIssue t = Issue(Edited("issues-opened.json", [](boost::json::object& b) {
    IssueOf(b)["body"] = nullptr;
    IssueOf(b)["milestone"] = nullptr;
    IssueOf(b)["labels"] = boost::json::array{};
  }));
  EXPECT_EQ(t.description, "");
  EXPECT_EQ(t.due, std::nullopt);
  EXPECT_TRUE(t.labels.empty()) << "no label: still an issue; the tracker decides";
  TrackerIssue no_due = Issue(Edited("issues-opened.json", [](boost::json::object& b) {
    IssueOf(b)["milestone"].as_object()["due_on"] = nullptr;
  }));
  EXPECT_EQ(no_due.due, std::nullopt) << "a milestone without due_on";
}

TEST(GitHubSource, ServicesRulesMapTheIssuesRepository) {
  SourceSettings s = Configured();
  s.services = {{"Codertocat/Hello-*", "payments"}};
  EXPECT_EQ(Issue(Fixture("issues-opened.json"), s).service, "payments");
}

TEST(GitHubSource, PullRequestsAreNotIssues) {
  auto pr_event = ParseRequest("github", Fixture("issues-opened.json"),
                               {{"x-github-event", "pull_request"}, {"x-github-delivery", "x"}}, kNow, Configured());
  ASSERT_TRUE(pr_event.ok());
  EXPECT_TRUE(pr_event->empty());
  const std::string pr = Edited("issues-opened.json", [](boost::json::object& b) {
    IssueOf(b)["pull_request"] = boost::json::object{{"url", "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}};
  });
  auto r = ParseRequest("github", pr, IssuesHeaders(), kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->empty()) << "an issues delivery about a pull request";
}

TEST(GitHubSource, WithoutADeliveryIdTheIssueActionAndUpdateDeduplicate) {
  auto r = ParseRequest("github", Fixture("issues-closed.json"), {{"x-github-event", "issues"}}, kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].event.dedup_key, "github:Codertocat/Hello-World#1:closed:2019-05-20T09:12:40Z");
}

TEST(GitHubSource, BadIssuesAreRejectedNamingTheField) {
  auto message = [](const std::string& body) {
    return ParseRequest("github", body, IssuesHeaders(), kNow, Configured()).status().message();
  };
  EXPECT_EQ(message("{}"), "github: action: missing");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { b.erase("issue"); })),
            "github: issue: missing");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { b.erase("repository"); })),
            "github: repository: missing");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { IssueOf(b)["number"] = "1"; })),
            "github: issue.number: not a number");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { IssueOf(b)["number"] = 1.5; })),
            "github: issue.number: not a positive integer");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { IssueOf(b)["updated_at"] = "yesterday"; })),
            "github: issue.updated_at: not RFC 3339");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { IssueOf(b)["closed_at"] = "soon"; })),
            "github: issue.closed_at: not RFC 3339");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) {
              IssueOf(b)["milestone"].as_object()["due_on"] = "2019-05-23";
            })),
            "github: issue.milestone.due_on: not RFC 3339");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) {
              IssueOf(b)["labels"].as_array()[1].as_object().erase("name");
            })),
            "github: issue.labels[1].name: missing");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { IssueOf(b)["labels"] = boost::json::array{"debrief"}; })),
            "github: issue.labels[0]: not an object");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { IssueOf(b)["state"] = nullptr; })),
            "github: issue.state: missing");
  EXPECT_EQ(message(Edited("issues-opened.json", [](boost::json::object& b) { IssueOf(b)["body"] = 42; })),
            "github: issue.body: not a string");
}

TEST(GitHubSource, AnIssuesDeliveryIsSignedLikeEveryOther) {
  const std::string secret = "It's a Secret to Everybody";
  const std::string body = Fixture("issues-opened.json");
  SourceSettings s = Configured(secret);
  const HeaderMap signed_headers = {{"x-github-event", "issues"},
                                    {"x-hub-signature-256", "sha256=" + signature::HmacSha256Hex(secret, body)}};
  EXPECT_TRUE(Verify("github", body, signed_headers, s, kNow).ok());
  EXPECT_EQ(Verify("github", body + "\n", signed_headers, s, kNow).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Verify("github", body, {{"x-github-event", "issues"}}, s, kNow).message(), "x-hub-signature-256: missing");
}

// GitHub's published example: secret "It's a Secret to Everybody", body
// "Hello, World!".
TEST(GitHubSource, SignatureMatchesGitHubsPublishedTestVector) {
  EXPECT_EQ(signature::HmacSha256Hex("It's a Secret to Everybody", "Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  SourceSettings s = Configured();
  s.secret = "It's a Secret to Everybody";
  auto verify = [&](HeaderMap headers, std::string_view body) {
    return Verify("github", body, headers, s, kNow);
  };
  const std::string good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  EXPECT_TRUE(verify({{"x-hub-signature-256", good}}, "Hello, World!").ok());
  Status bad = verify({{"x-hub-signature-256", good}}, "Hello, World?");
  EXPECT_EQ(bad.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(bad.field(), "x-hub-signature-256");
  EXPECT_EQ(verify({}, "Hello, World!").message(), "x-hub-signature-256: missing");
  EXPECT_EQ(verify({{"x-hub-signature-256", "757107ea"}}, "Hello, World!").code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace debriefd
