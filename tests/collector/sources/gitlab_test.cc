// GitLab: Deployment Hook events (tests/fixtures/gitlab/), both of GitLab's
// time formats, environments, and the X-Gitlab-Token check.
#include <gtest/gtest.h>

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
