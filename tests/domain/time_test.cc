#include "domain/time.h"
#include "tests/support/fake_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

namespace debriefd {
namespace {

TEST(Rfc3339, ParsesAlertmanagerTimestamps) {
  auto t = ParseRfc3339("2026-11-21T20:35:23.553Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatRfc3339(*t), "2026-11-21T20:35:23.553Z");
}

TEST(Rfc3339, AppliesOffsetsAndTruncatesBeyondMilliseconds) {
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-21T22:35:23+02:00")), "2026-11-21T20:35:23Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-21T18:05:00-02:30")), "2026-11-21T20:35:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-21T20:35:23.123456789Z")), "2026-11-21T20:35:23.123Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2024-02-29T00:00:00Z")), "2024-02-29T00:00:00Z");
}

TEST(Rfc3339, RecognisesTheGoZeroTime) {
  auto zero = ParseRfc3339("0001-01-01T00:00:00Z");
  ASSERT_TRUE(zero);
  EXPECT_TRUE(IsGoZeroTime(*zero));
  EXPECT_FALSE(IsGoZeroTime(*ParseRfc3339("2026-01-01T00:00:00Z")));
}

TEST(Rfc3339, RejectsMalformedInput) {
  for (const char* bad : {"", "2026-11-21", "2026-11-21T20:35:23", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T20:35:23.Z",
                          "2026-11-21T20:35:23+0200", "2026-11-21T20:35:23Zjunk", "yesterday",
                          "2026-11-21T20:60:00Z", "2026-1-21T20:35:23Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
}

TEST(Duration, ParsesPrometheusSyntax) {
  using namespace std::chrono;
  EXPECT_EQ(*ParseDuration("30s"), seconds(30));
  EXPECT_EQ(*ParseDuration("5m"), minutes(5));
  EXPECT_EQ(*ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(*ParseDuration("72h"), hours(72));
  EXPECT_EQ(*ParseDuration("14d"), hours(14 * 24));
  EXPECT_EQ(*ParseDuration("1w"), hours(7 * 24));
  EXPECT_EQ(*ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseDuration("0"), milliseconds(0));
}

TEST(Duration, RejectsMalformedInput) {
  for (const char* bad : {"", "5", "m", "5x", "-5m", "5m1h", "1.5h", "5 m", "5mm", "1h1h",
                          "701101111y", "999999999y"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
}

TEST(Duration, FormatsTheShortestSpelling) {
  using namespace std::chrono;
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m");
  EXPECT_EQ(FormatDuration(hours(48)), "2d");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1s500ms");
}

TEST(FakeClock, OnlyMovesWhenTold) {
  FakeClock clock(*ParseRfc3339("2026-10-01T00:00:00Z"));
  Time before = clock.Now();
  EXPECT_EQ(clock.Now(), before);
  clock.Advance(std::chrono::minutes(5));
  EXPECT_EQ(clock.Now() - before, std::chrono::minutes(5));
}

TEST(OptionalTime, ReadsLikeStdOptionalInHalfTheBytes) {
  static_assert(sizeof(OptionalTime) == sizeof(Time));
  OptionalTime none;
  EXPECT_FALSE(none.has_value());
  EXPECT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(std::optional<Time>(none), std::nullopt);
  EXPECT_THROW((void)none.value(), std::bad_optional_access);
  const Time go_zero = *ParseRfc3339("0001-01-01T00:00:00Z");
  for (Time t : {Time{}, go_zero, *ParseRfc3339("2026-11-21T20:35:23.553Z")}) {
    OptionalTime some = t;
    ASSERT_TRUE(some.has_value());
    EXPECT_EQ(*some, t);
    EXPECT_EQ(some.value_or(Time{Duration{1}}), t);
    EXPECT_EQ(std::optional<Time>(some), std::optional<Time>(t));
    EXPECT_EQ(OptionalTime(std::optional<Time>(t)), some);
    some.reset();
    EXPECT_EQ(some, std::nullopt);
  }
  EXPECT_EQ(OptionalTime(std::optional<Time>()), none);
  EXPECT_EQ(none.value_or(go_zero), go_zero);
}

TEST(Time, FormatRfc3339MatchesTheCalendarOverYearsAndMilliseconds) {
  // Against the civil calendar, written out the slow way.
  std::mt19937_64 rng(7);
  const int64_t lo = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::sys_days{std::chrono::year{1} / 1 / 1}.time_since_epoch())
                         .count();
  const int64_t hi = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::sys_days{std::chrono::year{10500} / 1 / 1}.time_since_epoch())
                         .count();
  std::uniform_int_distribution<int64_t> any(lo, hi);
  for (int i = 0; i < 20000; ++i) {
    int64_t ms_since_epoch = any(rng);
    if (i % 3 == 0) ms_since_epoch -= ((ms_since_epoch % 1000) + 1000) % 1000;  // whole seconds
    const Time t{std::chrono::milliseconds(ms_since_epoch)};
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss<std::chrono::milliseconds> hms(t - day);
    char want[48];
    const int ms = static_cast<int>(hms.subseconds().count());
    std::snprintf(want, sizeof want, ms ? "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ" : "%04d-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), ms);
    ASSERT_EQ(FormatRfc3339(t), want) << ms_since_epoch;
  }
  EXPECT_EQ(FormatRfc3339(Time{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("0001-01-01T00:00:00Z")), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("9999-12-31T23:59:59.999Z")), "9999-12-31T23:59:59.999Z");
}

}  // namespace

}  // namespace debriefd
