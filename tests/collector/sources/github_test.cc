// GitHub: deployment_status webhooks (tests/fixtures/github/), what becomes a
// deploy and what is ignored, and the X-Hub-Signature-256 check.
#include <gtest/gtest.h>

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
