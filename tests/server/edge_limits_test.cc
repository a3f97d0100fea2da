// The edge's body budget: all or nothing per take, never past its limit,
// whatever the sizes asked.
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

}  // namespace
}  // namespace debriefd
