// The process_* figures parsed from /proc text, and read from this process.
#include "exporters/process_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace debriefd {
namespace {

// A /proc/<pid>/stat line whose command name holds spaces and parentheses.
// utime 250, stime 50 ticks; starttime 1937015 ticks; vsize 3133440; rss 408 pages.
constexpr const char* kStat =
    "12458 (my (odd) name) R 12415 12415 4937 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 1 0 1937015 3133440 408 "
    "18446744073709551615 93875578773504 93875578793385 140727944111024 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessMetrics, StatLineGivesCpuMemoryAndStartTime) {
  ProcessStats s;
  ASSERT_TRUE(ParseProcSelfStat(kStat, 100, 4096, 1.7e9, s).ok());
  EXPECT_DOUBLE_EQ(s.cpu_seconds, 3.0);
  EXPECT_DOUBLE_EQ(s.virtual_bytes, 3133440);
  EXPECT_DOUBLE_EQ(s.resident_bytes, 408.0 * 4096);
  EXPECT_DOUBLE_EQ(s.start_time_seconds, 1.7e9 + 19370.15);
}

TEST(ProcessMetrics, MalformedTextIsRejected) {
  ProcessStats s;
  for (const char* bad : {"", "12458 no parentheses R 1 2 3", "1 (x) R 1 2 3 4 5",
                          "1 (x) R 1 1 1 0 -1 4194304 100 0 0 0 many 50 0 0 20 0 1 0 1937015 3133440 408 0"}) {
    EXPECT_FALSE(ParseProcSelfStat(bad, 100, 4096, 0, s).ok()) << bad;
  }
  EXPECT_FALSE(ParseBootTime("cpu 1 2 3\nintr 5\n").ok());
  EXPECT_FALSE(ParseMaxFds("Max processes 10 10 processes\n").ok());
}

TEST(ProcessMetrics, BootTimeAndMaxFds) {
  Result<double> boot = ParseBootTime("cpu  1 2 3 4\nctxt 99\nbtime 1764750000\nprocesses 5\n");
  ASSERT_TRUE(boot.ok());
  EXPECT_EQ(*boot, 1764750000);
  Result<double> fds = ParseMaxFds(
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max open files            1024                 524288               files     \n");
  ASSERT_TRUE(fds.ok());
  EXPECT_EQ(*fds, 1024);
  Result<double> unlimited = ParseMaxFds("Max open files            unlimited            unlimited            files\n");
  ASSERT_TRUE(unlimited.ok());
  EXPECT_TRUE(std::isinf(*unlimited));
}

TEST(ProcessMetrics, ThisProcessReadsPlausibly) {
  Result<ProcessStats> s = ReadProcessStats();
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_GT(s->resident_bytes, 0);
  EXPECT_GE(s->open_fds, 3);  // stdin, stdout, stderr at least
  EXPECT_GE(s->max_fds, s->open_fds);
  EXPECT_GT(s->start_time_seconds, 1.5e9);
  EXPECT_FALSE(ReadProcessStats("/nonexistent/proc").ok());
}

}  // namespace
}  // namespace debriefd
