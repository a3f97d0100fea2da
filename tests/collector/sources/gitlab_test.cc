// GitLab: Deployment Hook events (tests/fixtures/gitlab/), both of GitLab's
// time formats, environments; Issue Hook events as TrackerIssue snapshots;
// and the X-Gitlab-Token check.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>

#include "collector/sources/registry.h"
#include "tests/support/source_test_util.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2021-04-28T20:00:00Z");
const HeaderMap kDeploymentHook = {{"x-gitlab-event", "Deployment Hook"}};

std::string Fixture(const std::string& name) { return ReadFile(SourcePath("tests/fixtures/gitlab/" + name)); }

TEST(GitLabSource, ASuccessfulProductionDeploymentIsADeploy) {
  auto r = ParseRequest("gitlab", Fixture("deployment-production.json"), kDeploymentHook, kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& c = std::get<ChangeEvent>((*r)[0].event.body);
  EXPECT_EQ(c.id, "gl-16");
  EXPECT_EQ(c.service, "test-deployment-webhooks");
  EXPECT_EQ(c.time, T("2021-04-28T19:50:00Z")) << "2021-04-28 19:50:00 UTC";
  EXPECT_EQ(c.version, "279484c0");
  EXPECT_EQ(c.url, "http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/797");
  EXPECT_EQ(c.description, "Add new file");
  EXPECT_EQ((*r)[0].event.dedup_key, "gitlab:16:success");
}

TEST(GitLabSource, TimesWithAnOffsetAreReadAsGitLabWritesThem) {
  SourceSettings staging = Configured();
  staging.environments = {"staging"};
  auto r = ParseRequest("gitlab", Fixture("deployment-staging.json"), kDeploymentHook, kNow, staging);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(std::get<ChangeEvent>((*r)[0].event.body).time, T("2021-04-28T19:50:00Z")) << "21:50:00 +0200";
}

TEST(GitLabSource, OtherEnvironmentsStatusesAndEventsAreIgnored) {
  auto staging = ParseRequest("gitlab", Fixture("deployment-staging.json"), kDeploymentHook, kNow, Configured());
  ASSERT_TRUE(staging.ok());
  EXPECT_TRUE(staging->empty()) << "staging is not in the default environments";
  std::string running = Fixture("deployment-production.json");
  running.replace(running.find("\"status\": \"success\""), 19, "\"status\": \"running\"");
  auto r = ParseRequest("gitlab", running, kDeploymentHook, kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->empty());
  auto push = ParseRequest("gitlab", "{}", {{"x-gitlab-event", "Push Hook"}}, kNow, Configured());
  ASSERT_TRUE(push.ok());
  EXPECT_TRUE(push->empty());
}

TEST(GitLabSource, BadBodiesAreRejectedNamingTheField) {
  std::string bad = Fixture("deployment-production.json");
  bad.replace(bad.find("2021-04-28 19:50:00 UTC"), 23, "yesterday");
  auto r = ParseRequest("gitlab", bad, kDeploymentHook, kNow, Configured());
  EXPECT_EQ(r.status().message(), "gitlab: status_changed_at: not a time like 2021-04-28 21:50:00 +0200");
  EXPECT_EQ(ParseRequest("gitlab", "{}", {}, kNow, Configured()).status().field(), "X-Gitlab-Event");
  EXPECT_EQ(ParseRequest("gitlab", R"({"status":"success"})", kDeploymentHook, kNow, Configured()).status().field(),
            "status_changed_at");
}

const HeaderMap kIssueHook = {{"x-gitlab-event", "Issue Hook"}};

// The fixture `name` with `edit` applied to its JSON.
std::string Edited(const std::string& name, const std::function<void(boost::json::object&)>& edit) {
  boost::json::value v = boost::json::parse(Fixture(name));
  edit(v.as_object());
  return boost::json::serialize(v);
}
boost::json::object& Attributes(boost::json::object& body) { return body["object_attributes"].as_object(); }

// The one TrackerIssue `body` makes as an Issue Hook; fails the test otherwise.
TrackerIssue Issue(const std::string& body, const SourceSettings& settings = Configured(),
                   const HeaderMap& headers = kIssueHook) {
  auto r = ParseRequest("gitlab", body, headers, kNow, settings);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok() || r->size() != 1 || !std::holds_alternative<TrackerIssue>((*r)[0].event.body)) {
    ADD_FAILURE() << "not one tracker issue";
    return {};
  }
  return std::get<TrackerIssue>((*r)[0].event.body);
}

TEST(GitLabSource, AnOpenedIssueIsASnapshotOfEveryField) {
  const HeaderMap headers = {{"x-gitlab-event", "Issue Hook"},
                             {"idempotency-key", "f3b8f0a4-6a0c-4f7e-9d2b-1c5e8a7d4b39"},
                             {"x-gitlab-event-uuid", "7a1b6c59-3f0e-4d8b-a2d4-5e9f0c3b1a27"}};
  auto r = ParseRequest("gitlab", Fixture("issue-opened.json"), headers, kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const Event& e = (*r)[0].event;
  EXPECT_EQ(e.source, "gitlab");
  EXPECT_EQ(e.received_at, kNow);
  EXPECT_EQ(e.dedup_key, "gitlab:f3b8f0a4-6a0c-4f7e-9d2b-1c5e8a7d4b39") << "Idempotency-Key first";
  EXPECT_EQ(EventTypeName(e.body), "tracker.issue");
  const auto& t = std::get<TrackerIssue>(e.body);
  EXPECT_EQ(t.id, "gitlabhq/gitlab-test#23");
  EXPECT_EQ(t.time, T("2026-11-20T10:30:00Z")) << "object_attributes.updated_at";
  EXPECT_EQ(t.title, "Page on queue depth before the workers stall");
  EXPECT_EQ(t.description, "Action item of the INC-42 debrief: the queue grew for an hour before anyone was paged.");
  EXPECT_EQ(t.url, "http://example.com/gitlabhq/gitlab-test/-/issues/23");
  EXPECT_EQ(t.service, "gitlab-test") << "no services rule: the project path's last segment";
  EXPECT_EQ(t.labels, (std::vector<std::string>{"debrief", "incident:INC-42"}));
  EXPECT_FALSE(t.done) << "state opened";
  EXPECT_EQ(t.closed_at, std::nullopt);
  EXPECT_EQ(t.due, T("2026-12-16T00:00:00Z")) << "due 2026-12-15: the end of that day";
  EXPECT_EQ(t.created_at, T("2026-11-20T10:30:00Z"));
  EXPECT_FALSE(t.deleted);
}

TEST(GitLabSource, AClosedIssueInGitLabsUtcTimeFormIsDone) {
  auto r = ParseRequest("gitlab", Fixture("issue-closed.json"), kIssueHook, kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& t = std::get<TrackerIssue>((*r)[0].event.body);
  EXPECT_EQ(t.id, "gitlabhq/gitlab-test#23");
  EXPECT_TRUE(t.done);
  EXPECT_EQ(t.time, T("2026-12-01T16:45:12Z")) << "2026-12-01 16:45:12 UTC";
  EXPECT_EQ(t.closed_at, T("2026-12-01T16:45:12Z"));
  EXPECT_EQ(t.created_at, T("2026-11-20T10:30:00Z"));
  EXPECT_EQ(t.due, T("2026-12-16T00:00:00Z"));
  EXPECT_EQ((*r)[0].event.dedup_key, "gitlab:issue:gitlabhq/gitlab-test#23:2026-12-01 16:45:12 UTC:close")
      << "no delivery header: the issue, its updated_at and the action";
}

TEST(GitLabSource, TimesWithAnOffsetAndConfidentialIssuesAreRead) {
  TrackerIssue t = Issue(Edited("issue-closed.json", [](boost::json::object& b) {
    Attributes(b)["updated_at"] = "2026-12-01 17:45:12 +0100";
  }), Configured(), {{"x-gitlab-event", "Confidential Issue Hook"}});
  EXPECT_EQ(t.time, T("2026-12-01T16:45:12Z"));
}

TEST(GitLabSource, TheEventUuidIsScopedToTheIssue) {
  auto r = ParseRequest("gitlab", Fixture("issue-closed.json"),
                        {{"x-gitlab-event", "Issue Hook"}, {"x-gitlab-event-uuid", "7a1b6c59"}}, kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].event.dedup_key, "gitlab:7a1b6c59:gitlabhq/gitlab-test#23")
      << "one request closing two issues sends two hooks with one event UUID";
}

TEST(GitLabSource, LabelsComeFromTheTopLevelElseFromTheAttributes) {
  TrackerIssue fallback = Issue(Edited("issue-opened.json", [](boost::json::object& b) {
    b.erase("labels");
    Attributes(b)["labels"] = boost::json::array{boost::json::object{{"title", "debrief"}}};
  }));
  EXPECT_EQ(fallback.labels, std::vector<std::string>{"debrief"});
  TrackerIssue top = Issue(Edited("issue-opened.json", [](boost::json::object& b) {
    b["labels"] = boost::json::array{};
  }));
  EXPECT_TRUE(top.labels.empty()) << "an empty top-level list is the issue's: no label";
  TrackerIssue none = Issue(Edited("issue-opened.json", [](boost::json::object& b) {
    b.erase("labels");
    Attributes(b).erase("labels");
  }));
  EXPECT_TRUE(none.labels.empty());
}

TEST(GitLabSource, IssueHooksWithoutActionOrDueDateAreRead) {
  TrackerIssue t = Issue(Edited("issue-opened.json", [](boost::json::object& b) {
    Attributes(b).erase("action");  // GitLab's test deliveries send none
    Attributes(b)["due_date"] = nullptr;
    Attributes(b)["description"] = nullptr;
  }));
  EXPECT_EQ(t.due, std::nullopt);
  EXPECT_EQ(t.description, "");
  EXPECT_EQ(t.id, "gitlabhq/gitlab-test#23");
}

TEST(GitLabSource, ServicesRulesMapTheIssuesProjectPath) {
  SourceSettings s = Configured();
  s.services = {{"gitlabhq/*", "platform"}};
  EXPECT_EQ(Issue(Fixture("issue-opened.json"), s).service, "platform");
}

TEST(GitLabSource, WorkItemsOtherThanIssuesAndOtherHooksAreIgnored) {
  const std::string task = Edited("issue-opened.json", [](boost::json::object& b) { b["object_kind"] = "work_item"; });
  auto r = ParseRequest("gitlab", task, kIssueHook, kNow, Configured());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->empty());
  auto note = ParseRequest("gitlab", Fixture("issue-opened.json"), {{"x-gitlab-event", "Note Hook"}}, kNow, Configured());
  ASSERT_TRUE(note.ok());
  EXPECT_TRUE(note->empty());
}

TEST(GitLabSource, BadIssuesAreRejectedNamingTheField) {
  auto message = [](const std::string& body) {
    return ParseRequest("gitlab", body, kIssueHook, kNow, Configured()).status().message();
  };
  EXPECT_EQ(message("{}"), "gitlab: object_attributes: missing");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) { b.erase("project"); })),
            "gitlab: project: missing");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) {
              b["project"].as_object().erase("path_with_namespace");
            })),
            "gitlab: project.path_with_namespace: missing");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) { Attributes(b)["iid"] = -3; })),
            "gitlab: object_attributes.iid: not a positive integer");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) { Attributes(b)["updated_at"] = "yesterday"; })),
            "gitlab: object_attributes.updated_at: not a time like 2021-04-28 21:50:00 +0200");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) { Attributes(b)["closed_at"] = "2026-12-01"; })),
            "gitlab: object_attributes.closed_at: not a time like 2021-04-28 21:50:00 +0200");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) { Attributes(b)["due_date"] = "15.12.2026"; })),
            "gitlab: object_attributes.due_date: not a date like 2026-12-01");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) {
              b["labels"].as_array()[1].as_object()["title"] = 7;
            })),
            "gitlab: labels[1].title: not a string");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) { Attributes(b).erase("state"); })),
            "gitlab: object_attributes.state: missing");
  EXPECT_EQ(message(Edited("issue-opened.json", [](boost::json::object& b) { Attributes(b)["title"] = ""; })),
            "gitlab: object_attributes.title: empty");
}

TEST(GitLabSource, TheTokenMustEqualTheSecret) {
  SourceSettings s = Configured();
  s.secret = "gl-t0ken";
  auto verify = [&](const HeaderMap& headers) {
    return Verify("gitlab", "{}", headers, s, kNow);
  };
  EXPECT_TRUE(verify({{"x-gitlab-token", "gl-t0ken"}}).ok());
  EXPECT_EQ(verify({{"x-gitlab-token", "gl-t0kem"}}).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(verify({{"x-gitlab-token", "gl-t0ken "}}).field(), "x-gitlab-token");
  EXPECT_EQ(verify({}).message(), "x-gitlab-token: missing");
}

}  // namespace
}  // namespace debriefd
