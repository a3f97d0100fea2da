// The edge's body budget: all or nothing per take, never past its limit,
// whatever the sizes asked. The log limiter: one line per interval, with what
// it held back.
#include "server/edge_limits.h"

#include <gtest/gtest.h>

#include <limits>

namespace debriefd {
namespace {

TEST(Budget, TakesAllOrNothingAndNeverPastItsLimit) {
  Budget b(100);
  EXPECT_TRUE(b.Take(60));
  EXPECT_FALSE(b.Take(41)) << "only 40 left";
  EXPECT_EQ(b.used(), 60u) << "a refused take takes nothing";
  EXPECT_TRUE(b.Take(40));
  EXPECT_FALSE(b.Take(1));
  b.Give(60);
  EXPECT_EQ(b.used(), 40u);
  EXPECT_FALSE(b.Take(101)) << "more than the whole budget";
  EXPECT_FALSE(b.Take(std::numeric_limits<size_t>::max())) << "no overflow past the limit";
  EXPECT_TRUE(b.Take(60));
  EXPECT_EQ(b.used(), b.limit());
}

TEST(LogLimiter, WritesOneLinePerIntervalAndCountsWhatItHeldBack) {
  LogLimiter limiter(10);
  auto first = limiter.Allow(100);
  ASSERT_TRUE(first.has_value()) << "the first line is written";
  EXPECT_EQ(first->lines, 0u);
  EXPECT_EQ(first->seconds, 0);
  EXPECT_FALSE(limiter.Allow(100));
  EXPECT_FALSE(limiter.Allow(105));
  EXPECT_FALSE(limiter.Allow(109.9));
  auto next = limiter.Allow(112);
  ASSERT_TRUE(next.has_value()) << "the interval has passed";
  EXPECT_EQ(next->lines, 3u);
  EXPECT_EQ(next->seconds, 12);
  auto quiet = limiter.Allow(200);
  ASSERT_TRUE(quiet.has_value());
  EXPECT_EQ(quiet->lines, 0u) << "the count starts again after each line";
  EXPECT_EQ(quiet->seconds, 88);
}

}  // namespace
}  // namespace debriefd
