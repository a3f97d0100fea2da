// The replay format and the one replay loop.
#include "collector/replay.h"

#include "collector/sources/registry.h"

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-11-21T20:36:00Z");

struct Rejected {
  const char* body;
  const char* field;
};

TEST(ReplayLine, RoundTripsThroughTheDumpFormat) {
  auto r = ParseRequestBody("alertmanager", ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json")), kNow);
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
      {R"({"received_at":"2026-10-01T00:00:00Z","source":"nagios","body":{}})", "source"},
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
