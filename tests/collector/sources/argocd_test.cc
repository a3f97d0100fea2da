// Argo CD: the body of debriefd's notification template
// (docs/deploy/argocd-notifications-cm.yaml) and the bearer token.
#include <gtest/gtest.h>

#include <regex>

#include "collector/sources/registry.h"
#include "tests/support/source_test_util.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-10-05T08:55:10Z");


TEST(ArgoCdSource, TheShippedTemplatesBodyIsADeploy) {
  auto r = ParseRequest("argocd", ReadFile(SourcePath("tests/fixtures/argocd/deployed.json")), {}, kNow, Configured("argo-t0ken"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& c = std::get<ChangeEvent>((*r)[0].event.body);
  EXPECT_EQ(c.service, "checkout");
  EXPECT_EQ(c.time, T("2026-10-05T08:55:00Z"));
  EXPECT_EQ(c.version, "4e5f7a1c2b3d");
  EXPECT_EQ(c.environment, "production");
  EXPECT_EQ((*r)[0].event.dedup_key, "argocd:checkout@4e5f7a1c2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f");
}

// The template in docs/deploy renders, with the fixture's values, to the
// fixture: what the docs ship is what the parser reads.
TEST(ArgoCdSource, TheFixtureIsTheShippedTemplateRendered) {
  std::string cm = ReadFile(SourcePath("docs/deploy/argocd-notifications-cm.yaml"));
  size_t start = cm.find("body: |\n");
  ASSERT_NE(start, std::string::npos);
  start = cm.find('{', start);
  size_t end = cm.find("\n          }", start);
  std::string body = cm.substr(start, end + 12 - start);
  const std::pair<const char*, const char*> values[] = {
      {R"(\{\{\.app\.metadata\.name\}\})", "checkout"},
      {R"(\{\{\.app\.spec\.project\}\})", "default"},
      {R"(\{\{\.app\.spec\.destination\.namespace\}\})", "shop"},
      {R"(\{\{index \.app\.metadata\.labels "environment"\}\})", "production"},
      {R"(\{\{\.app\.status\.operationState\.syncResult\.revision\}\})", "4e5f7a1c2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f"},
      {R"(\{\{\.app\.status\.operationState\.finishedAt\}\})", "2026-10-05T08:55:00Z"},
      {R"(\{\{\.app\.spec\.source\.repoURL\}\})", "https://github.com/acme/deploy.git"},
      {R"(\{\{\.context\.argocdUrl\}\})", "https://argocd.example.com"}};
  for (const auto& [pattern, value] : values) body = std::regex_replace(body, std::regex(pattern), value);
  ASSERT_EQ(body.find("{{"), std::string::npos) << body;
  auto rendered = ParseRequest("argocd", body, {}, kNow, Configured("argo-t0ken"));
  auto fixture = ParseRequest("argocd", ReadFile(SourcePath("tests/fixtures/argocd/deployed.json")), {}, kNow, Configured("argo-t0ken"));
  ASSERT_TRUE(rendered.ok()) << rendered.status().message() << "\n" << body;
  EXPECT_EQ((*rendered)[0].event.dedup_key, (*fixture)[0].event.dedup_key);
  EXPECT_EQ(std::get<ChangeEvent>((*rendered)[0].event.body).url, std::get<ChangeEvent>((*fixture)[0].event.body).url);
}

TEST(ArgoCdSource, OtherEnvironmentsAreIgnoredAndBadBodiesNameTheField) {
  SourceSettings staging = Configured("argo-t0ken");
  staging.environments = {"staging"};
  auto r = ParseRequest("argocd", ReadFile(SourcePath("tests/fixtures/argocd/deployed.json")), {}, kNow, staging);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(ParseRequest("argocd", R"({"app":"a","revision":"r","finishedAt":""})", {}, kNow, Configured("argo-t0ken")).status().message(),
            "argocd: finishedAt: not RFC 3339")
      << "an application that never synced renders an empty finishedAt";
}

TEST(ArgoCdSource, TheBearerTokenMustMatch) {
  auto verify = [](const std::string& authorization) {
    SourceSettings s = Configured("argo-t0ken");
    HeaderMap headers;
    if (!authorization.empty()) headers["authorization"] = authorization;
    return Verify("argocd", "{}", headers, s, kNow);
  };
  EXPECT_TRUE(verify("Bearer argo-t0ken").ok());
  EXPECT_EQ(verify("Bearer argo-t0kem").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(verify("argo-t0ken").field(), "authorization");
  EXPECT_EQ(verify("").message(), "authorization: missing");
}

}  // namespace
}  // namespace debriefd
