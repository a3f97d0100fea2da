// Report ranges: quarters, from/to, and the range a report compares with.
#include <gtest/gtest.h>

#include "tests/exporters/report/report_fixture.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

TEST(ReportParams, QuarterIsItsThreeCalendarMonthsInUtc) {
  struct Case {
    const char* text;
    const char* from;
    const char* to;
  };
  for (const Case& c : {Case{"2026-Q1", "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z"},
                        Case{"2026-Q2", "2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z"},
                        Case{"2026-Q3", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z"},
                        Case{"2026-q4", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"}}) {
    Result<ReportRange> r = ParseQuarter(c.text);
    ASSERT_TRUE(r.ok()) << c.text;
    EXPECT_EQ(r->from, T(c.from)) << c.text;
    EXPECT_EQ(r->to, T(c.to)) << c.text;
    EXPECT_TRUE(r->quarter);
  }
  EXPECT_EQ(ParseQuarter("2026-q4")->label, "2026-Q4");
}

TEST(ReportParams, MalformedQuartersAreRejectedNamingTheField) {
  for (const char* bad : {"", "2026", "2026-Q0", "2026-Q5", "2026Q3", "26-Q3", "2026-Q3 ", " 2026-Q3",
                          "2026-W3", "1969-Q4", "abcd-Q1", "2026-Q3x", "2026-Q"}) {
    Result<ReportRange> r = ParseQuarter(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().field(), "quarter") << bad;
  }
}

TEST(ReportParams, FromAndToTakeDatesOrRfc3339) {
  // A date as `to` includes that day.
  Result<ReportRange> r = ReportRangeFrom(std::nullopt, "2026-07-01", "2026-07-31");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->from, T("2026-07-01T00:00:00Z"));
  EXPECT_EQ(r->to, T("2026-08-01T00:00:00Z"));
  EXPECT_EQ(r->label, "2026-07-01..2026-07-31");
  EXPECT_FALSE(r->quarter);
  // An RFC 3339 `to` is exclusive; offsets are honoured.
  r = ReportRangeFrom(std::nullopt, "2026-07-01T12:00:00+02:00", "2026-07-02T00:00:00Z");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->from, T("2026-07-01T10:00:00Z"));
  EXPECT_EQ(r->to, T("2026-07-02T00:00:00Z"));
  EXPECT_EQ(r->label, "2026-07-01T10:00:00Z..2026-07-02T00:00:00Z");
  // A range that is exactly a quarter is that quarter.
  r = ReportRangeFrom(std::nullopt, "2026-07-01", "2026-09-30");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->label, "2026-Q3");
  EXPECT_TRUE(r->quarter);
  r = ReportRangeFrom("2026-Q3", std::nullopt, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->label, "2026-Q3");
}

TEST(ReportParams, InconsistentRangesAreRejectedNamingTheField) {
  struct Case {
    std::optional<std::string_view> quarter, from, to;
    const char* field;
  };
  for (const Case& c : {Case{std::nullopt, std::nullopt, std::nullopt, "quarter"},
                        Case{"2026-Q3", "2026-07-01", std::nullopt, "from"},
                        Case{"2026-Q3", std::nullopt, "2026-07-01", "to"},
                        Case{std::nullopt, "2026-07-01", std::nullopt, "to"},
                        Case{std::nullopt, std::nullopt, "2026-07-01", "from"},
                        Case{std::nullopt, "2026-07-32", "2026-08-01", "from"},
                        Case{std::nullopt, "yesterday", "2026-08-01", "from"},
                        Case{std::nullopt, "2026-07-01", "2026-08-01T00:00:00", "to"},
                        Case{std::nullopt, "2026-08-01", "2026-07-01", "to"},
                        Case{std::nullopt, "2026-08-01T00:00:00Z", "2026-08-01T00:00:00Z", "to"},
                        Case{std::nullopt, "1969-12-01", "1970-01-02", "from"}}) {
    Result<ReportRange> r = ReportRangeFrom(c.quarter, c.from, c.to);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), c.field) << r.status().message();
  }
}

TEST(ReportParams, PreviousRangeIsThePreviousQuarterOrAnEqualSpan) {
  ReportRange q1 = ParseQuarter("2026-Q1").value();
  ReportRange prev = PreviousRange(q1);
  EXPECT_EQ(prev.label, "2025-Q4");
  EXPECT_EQ(prev.from, T("2025-10-01T00:00:00Z"));
  EXPECT_EQ(prev.to, T("2026-01-01T00:00:00Z"));
  EXPECT_EQ(PreviousRange(ParseQuarter("2026-Q3").value()).label, "2026-Q2");  // 91 days, Q3 has 92

  ReportRange ten_days = ReportRangeFrom(std::nullopt, "2026-07-11", "2026-07-20").value();
  prev = PreviousRange(ten_days);
  EXPECT_EQ(prev.from, T("2026-07-01T00:00:00Z"));
  EXPECT_EQ(prev.to, T("2026-07-11T00:00:00Z"));
  EXPECT_EQ(prev.label, "2026-07-01..2026-07-10");
}

}  // namespace
}  // namespace debriefd
