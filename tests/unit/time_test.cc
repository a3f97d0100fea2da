#include "collector/domain/time.h"

#include <gtest/gtest.h>

namespace debriefd {
namespace {

TEST(Rfc3339, ParsesAlertmanagerTimestamps) {
  auto t = ParseRfc3339("2026-11-21T20:35:23.553Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatRfc3339(*t), "2026-11-21T20:35:23.553Z");
}

}  // namespace
}  // namespace debriefd
