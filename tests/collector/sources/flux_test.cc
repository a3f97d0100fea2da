// Flux notification-controller events (tests/fixtures/flux/): a revision
// applied is a deploy, failures are ignored, repeats are duplicates, and
// X-Signature is checked.
#include <gtest/gtest.h>

#include "collector/sources/registry.h"
#include "collector/sources/signature.h"
#include "tests/support/source_test_util.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-10-05T08:55:05Z");

std::string Fixture(const std::string& name) { return ReadFile(SourcePath("tests/fixtures/flux/" + name)); }

TEST(FluxSource, AKustomizationReconciledAtARevisionIsADeploy) {
  SourceSettings s = Configured("flux-secret");
  s.services = {{"Kustomization/flux-system/apps", "shop"}};
  auto r = ParseRequest("flux", Fixture("kustomization-succeeded.json"), {}, kNow, s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& c = std::get<ChangeEvent>((*r)[0].event.body);
  EXPECT_EQ(c.service, "shop");
  EXPECT_EQ(c.time, T("2026-10-05T08:55:00Z"));
  EXPECT_EQ(c.version, "main@sha1:8fc0f5a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9");
  EXPECT_EQ(c.environment, "") << "Flux says nothing of environments: a candidate cause everywhere";
  auto unmapped = ParseRequest("flux", Fixture("kustomization-succeeded.json"), {}, kNow, Configured("flux-secret"));
  EXPECT_EQ(std::get<ChangeEvent>((*unmapped)[0].event.body).service, "apps") << "the object's name";
}

TEST(FluxSource, ARepeatOfTheSameRevisionIsTheSameEventAndFailuresAreIgnored) {
  auto a = ParseRequest("flux", Fixture("kustomization-succeeded.json"), {}, kNow, Configured("flux-secret"));
  std::string later = Fixture("kustomization-succeeded.json");
  later.replace(later.find("2026-10-05T08:55:00Z"), 20, "2026-10-05T09:05:00Z");
  auto b = ParseRequest("flux", later, {}, kNow, Configured("flux-secret"));
  EXPECT_EQ((*a)[0].event.dedup_key, (*b)[0].event.dedup_key) << "the next reconciliation of the same revision";
  auto failed = ParseRequest("flux", Fixture("kustomization-failed.json"), {}, kNow, Configured("flux-secret"));
  ASSERT_TRUE(failed.ok());
  EXPECT_TRUE(failed->empty());
  EXPECT_EQ(ParseRequest("flux", R"({"severity":"info"})", {}, kNow, Configured("flux-secret")).status().message(),
            "flux: involvedObject: missing");
}

TEST(FluxSource, XSignatureIsTheBodysHmac) {
  const std::string body = Fixture("kustomization-succeeded.json");
  auto verify = [&](const HeaderMap& headers) {
    SourceSettings s = Configured("flux-secret");
    return Verify("flux", body, headers, s, kNow);
  };
  EXPECT_TRUE(verify({{"x-signature", "sha256=" + signature::HmacSha256Hex("flux-secret", body)}}).ok());
  EXPECT_EQ(verify({{"x-signature", "sha256=" + signature::HmacSha256Hex("other", body)}}).field(), "x-signature");
  EXPECT_EQ(verify({}).message(), "x-signature: missing");
}

}  // namespace
}  // namespace debriefd
