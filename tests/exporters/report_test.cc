// The quarterly review exports (docs/reports.md), checked figure by figure
// against the hand-computed example history tests/fixtures/report/history.jsonl.
//
// The history, with the goals of tests/fixtures/report/debriefd.yaml
// (critical 5m / 1h, warning 15m / 4h; debriefs due 72h after resolution):
//
// | incident   | quarter | started → detected → resolved   | detect / fix          | notes |
// |------------|---------|----------------------------------|-----------------------|-------|
// | INC-P1     | Q2      | 05-10 10:00 → 10:05 → 10:50      | 300 met / 3000 met    | debrief on time;
// suspected cause chg-q2 | | INC-G      | Q2      | 06-30 23:59:59 → 07-01 00:20 → 01:00 | 1201 missed / 3601
// met | started 1 s before Q3; debrief overdue | | INC-A      | Q3      | 07-02 08:00 → 09:10 → 09:40      |
// 4200 missed / 6000 missed | debrief confirmed cause chg-1 (08:00), which moved the start from 09:00; AI-1
// closed, AI-2 open and overdue; title with quote, comma, newline | | INC-B      | Q3      | 08-10 14:00 →
// 14:00 → 16:30      | 0 met / 9000 met      | warning; suspected cause chg-2; debrief late (08-15, due 08-13
// 16:30); AI-3 closed | | inc-000001 | Q3      | 09-05 03:00 → 03:02 → 03:20      | 120 met / 1200 met    |
// Alertmanager, nobody acted (auto-resolved); repeat of INC-G; debrief overdue | | INC-D      | Q3      |
// 09-20 10:00 → 10:20 → open       | 1200 missed / –       | repeat of INC-A; debrief pending (not due while
// open) | | INC-E      | Q3      | 09-30 23:55 → 10-01 00:10 → 01:00 | 900 met / 3900 met   | warning;
// started in Q3, declared in Q4; repeat of INC-B; debrief waived | | INC-F      | Q4      | 10-01 00:00 →
// 00:05 → open       |                       | info; excluded from Q3 |
//
// Changes: Q2 chg-q2 (catalog), chg-q2b (payments); Q3 chg-1 (checkout),
// chg-2 (payments), chg-3 (search); Q4 chg-4. The report is taken at 2026-10-15.
#include "exporters/report.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>

#include "collector/replay.h"
#include "collector/sources/registry.h"
#include "config/config.h"
#include "tests/support/api_harness.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

Config FixtureConfig() {
  ConfigLoad load = LoadConfigFile(SourcePath("tests/fixtures/report/debriefd.yaml"));
  if (!load.ok()) throw std::runtime_error(load.errors.front().ToString());
  return load.config;
}

// The fixture's requests, parsed as `debriefd replay` parses them.
std::vector<std::pair<std::string, std::vector<ParsedEvent>>> FixtureRequests() {
  std::ifstream in(SourcePath("tests/fixtures/report/history.jsonl"));
  std::vector<std::pair<std::string, std::vector<ParsedEvent>>> out;
  std::string line;
  while (std::getline(in, line)) {
    Result<ReplayLine> rl = ParseReplayLine(line);
    if (!rl.ok()) throw std::runtime_error(rl.status().message());
    Result<std::vector<ParsedEvent>> parsed = ParseRequestBody(rl->source, rl->body, rl->received_at);
    if (!parsed.ok()) throw std::runtime_error(parsed.status().message());
    out.emplace_back(rl->source, std::move(parsed.value()));
  }
  return out;
}

// A careful RFC 4180 reader: records end with CRLF, quoted fields may hold
// commas, CR, LF and doubled quotes. Fails the test on anything else.
std::vector<std::vector<std::string>> ReadCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  size_t i = 0;
  bool field_started = false;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"' && !field_started && field.empty()) {
      ++i;
      for (;;) {
        if (i >= text.size()) {
          ADD_FAILURE() << "unterminated quoted field";
          return records;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
      field_started = true;
      if (i < text.size() && text[i] != ',' && text[i] != '\r') {
        ADD_FAILURE() << "garbage after a quoted field at byte " << i;
        return records;
      }
      continue;
    }
    if (c == ',') {
      record.push_back(field);
      field.clear();
      field_started = false;
      ++i;
    } else if (c == '\r') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "CR without LF at byte " << i;
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      field_started = false;
      i += 2;
    } else {
      EXPECT_NE(c, '\n') << "bare LF outside quotes at byte " << i;
      EXPECT_NE(c, '"') << "quote inside an unquoted field at byte " << i;
      field += c;
      field_started = true;
      ++i;
    }
  }
  EXPECT_TRUE(record.empty() && field.empty()) << "the last record lacks its CRLF";
  return records;
}

class ReportTest : public ::testing::Test {
 protected:
  ReportTest() : tracker(FixtureConfig().policy) {
    for (auto& [source, events] : FixtureRequests()) {
      for (const ParsedEvent& e : events) {
        Status s = tracker.Apply(e.event);
        EXPECT_TRUE(s.ok()) << s.message();
      }
    }
    tracker.Advance(now);
  }

  ReportRange Quarter(const std::string& q) { return ParseQuarter(q).value(); }
  std::string Render(const std::string& q, ReportFormat f) {
    return RenderReport(tracker, now, Quarter(q), f);
  }
  json::object Json(const std::string& q) { return json::parse(Render(q, ReportFormat::kJson)).as_object(); }

  IncidentTracker tracker;
  Time now = T("2026-10-15T00:00:00Z");
};

// ---------------------------------------------------------------------------
// Parameters.

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

TEST(ReportParams, FormatsContentTypesAndFileNames) {
  struct Case {
    const char* name;
    ReportFormat format;
    const char* content_type_prefix;
    const char* file;
  };
  ReportRange q3 = ParseQuarter("2026-Q3").value();
  for (const Case& c : {Case{"csv", ReportFormat::kCsv, "text/csv", "debriefd-2026-Q3.csv"},
                        Case{"json", ReportFormat::kJson, "application/json", "debriefd-2026-Q3.json"},
                        Case{"md", ReportFormat::kMarkdown, "text/markdown", "debriefd-2026-Q3.md"},
                        Case{"markdown", ReportFormat::kMarkdown, "text/markdown", "debriefd-2026-Q3.md"},
                        Case{"html", ReportFormat::kHtml, "text/html", "debriefd-2026-Q3.html"},
                        Case{"openmetrics", ReportFormat::kOpenMetrics, "application/openmetrics-text",
                             "debriefd-2026-Q3.om.txt"}}) {
    Result<ReportFormat> f = ParseReportFormat(c.name);
    ASSERT_TRUE(f.ok()) << c.name;
    EXPECT_EQ(*f, c.format);
    EXPECT_EQ(std::string(ContentType(*f)).rfind(c.content_type_prefix, 0), 0u) << ContentType(*f);
    EXPECT_EQ(ReportFileName(q3, *f), c.file);
  }
  for (const char* bad : {"", "CSV", "xlsx", "pdf", "json "}) {
    Result<ReportFormat> f = ParseReportFormat(bad);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.status().field(), "format");
  }
  ReportRange odd = ReportRangeFrom(std::nullopt, "2026-07-01T10:00:00Z", "2026-07-02").value();
  EXPECT_EQ(ReportFileName(odd, ReportFormat::kCsv),
            "debriefd-2026-07-01T10-00-00Z..2026-07-03T00-00-00Z.csv");
}

TEST(ReportParams, QueryParametersDefaultToJsonAndRejectUnknownNames) {
  Result<ReportRequest> r = ParseReportQuery({{"quarter", "2026-Q3"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format, ReportFormat::kJson);
  r = ParseReportQuery({{"from", "2026-07-01"}, {"to", "2026-07-31"}, {"format", "csv"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format, ReportFormat::kCsv);
  EXPECT_EQ(r->range.to, T("2026-08-01T00:00:00Z"));
  r = ParseReportQuery({{"quarter", "2026-Q3"}, {"fromat", "csv"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "fromat");
  r = ParseReportQuery({{"quarter", "2026-Q3"}, {"format", "xls"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "format");
}

TEST(ReportMath, NearestRankPercentiles) {
  auto secs = [](std::initializer_list<int> v) {
    std::vector<Duration> out;
    for (int s : v) out.push_back(std::chrono::seconds(s));
    return out;
  };
  EXPECT_FALSE(NearestRank({}, 50));
  struct Case {
    std::vector<Duration> values;
    int p;
    int expected;
  };
  for (const Case& c :
       {Case{secs({7}), 50, 7}, Case{secs({7}), 90, 7}, Case{secs({1, 2}), 50, 1},  // rank ceil(1.0) = 1
        Case{secs({1, 2}), 90, 2},                                                  // rank ceil(1.8) = 2
        Case{secs({0, 120, 900, 1200, 4200}), 50, 900},                             // rank 3
        Case{secs({0, 120, 900, 1200, 4200}), 90, 4200},                            // rank ceil(4.5) = 5
        Case{secs({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 50, 5},
        Case{secs({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 90, 9},
        Case{secs({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 100, 10}}) {
    EXPECT_EQ(NearestRank(c.values, c.p), std::chrono::seconds(c.expected))
        << "p" << c.p << " of " << c.values.size();
  }
}

// ---------------------------------------------------------------------------
// Rows and columns.

TEST_F(ReportTest, CsvHasEveryColumnOfEveryIncidentAsComputedByHand) {
  std::string csv = Render("2026-Q3", ReportFormat::kCsv);
  std::vector<std::vector<std::string>> records = ReadCsv(csv);
  const std::vector<std::vector<std::string>> expected = {
      {"incident_id",
       "service",
       "severity",
       "title",
       "started_at",
       "detected_at",
       "resolved_at",
       "time_to_detect_seconds",
       "time_to_fix_seconds",
       "detect_goal_met",
       "fix_goal_met",
       "suspected_cause",
       "confirmed_cause",
       "debrief_status",
       "debrief_completed_at",
       "debrief_on_time",
       "action_items_open",
       "action_items_closed",
       "repeat_of",
       "auto_resolved"},
      {"INC-A",
       "checkout",
       "critical",
       "Checkout \"pay\" fails, users see 500\nretry storms",
       "2026-07-02T08:00:00Z",
       "2026-07-02T09:10:00Z",
       "2026-07-02T09:40:00Z",
       "4200",
       "6000",
       "false",
       "false",
       "chg-1",
       "chg-1",
       "done",
       "2026-07-03T12:00:00Z",
       "true",
       "1",
       "1",
       "",
       "false"},
      {"INC-B",
       "payments",
       "warning",
       "Card payments slow",
       "2026-08-10T14:00:00Z",
       "2026-08-10T14:00:00Z",
       "2026-08-10T16:30:00Z",
       "0",
       "9000",
       "true",
       "true",
       "chg-2",
       "",
       "done",
       "2026-08-15T10:00:00Z",
       "false",
       "0",
       "1",
       "",
       "false"},
      {"inc-000001",
       "search",
       "critical",
       "Search p99 latency above 2s",
       "2026-09-05T03:00:00Z",
       "2026-09-05T03:02:00Z",
       "2026-09-05T03:20:00Z",
       "120",
       "1200",
       "true",
       "true",
       "",
       "",
       "overdue",
       "",
       "",
       "0",
       "0",
       "INC-G",
       "true"},
      {"INC-D",
       "checkout",
       "critical",
       "Checkout timeouts again",
       "2026-09-20T10:00:00Z",
       "2026-09-20T10:20:00Z",
       "",
       "1200",
       "",
       "false",
       "",
       "",
       "",
       "pending",
       "",
       "",
       "0",
       "0",
       "INC-A",
       "false"},
      {"INC-E",
       "payments",
       "warning",
       "Refunds delayed",
       "2026-09-30T23:55:00Z",
       "2026-10-01T00:10:00Z",
       "2026-10-01T01:00:00Z",
       "900",
       "3900",
       "true",
       "true",
       "",
       "",
       "waived",
       "",
       "",
       "0",
       "0",
       "INC-B",
       "false"},
  };
  ASSERT_EQ(records.size(), expected.size());
  for (size_t r = 0; r < expected.size(); ++r) {
    ASSERT_EQ(records[r].size(), expected[r].size()) << "record " << r;
    for (size_t c = 0; c < expected[r].size(); ++c) {
      EXPECT_EQ(records[r][c], expected[r][c]) << "record " << r << " column " << expected[0][c];
    }
  }
  // The title needed quoting: comma, quote and newline.
  EXPECT_NE(csv.find("\"Checkout \"\"pay\"\" fails, users see 500\nretry storms\""), std::string::npos);
}

TEST_F(ReportTest, AnIncidentBelongsToTheQuarterInWhichItStarted) {
  auto ids = [&](const std::string& q) {
    std::vector<std::string> out;
    for (const ReportRow& row : BuildReport(tracker, now, Quarter(q)).rows) out.push_back(row.incident_id);
    return out;
  };
  // INC-G was declared in Q3 but started one second before it; INC-E started
  // five minutes before Q4 and was declared in it; INC-F started at Q4's first instant.
  EXPECT_EQ(ids("2026-Q2"), (std::vector<std::string>{"INC-P1", "INC-G"}));
  EXPECT_EQ(ids("2026-Q3"), (std::vector<std::string>{"INC-A", "INC-B", "inc-000001", "INC-D", "INC-E"}));
  EXPECT_EQ(ids("2026-Q4"), (std::vector<std::string>{"INC-F"}));
}

TEST_F(ReportTest, JsonRowsAreTypedWithNullForNoValue) {
  json::object o = Json("2026-Q3");
  const json::array& rows = o.at("incidents").as_array();
  ASSERT_EQ(rows.size(), 5u);
  const json::object& a = rows[0].as_object();
  ASSERT_EQ(a.size(), std::size(kReportColumns));
  size_t i = 0;
  for (const auto& kv : a) EXPECT_EQ(kv.key(), kReportColumns[i++]);  // in column order
  EXPECT_EQ(a.at("title").as_string(), "Checkout \"pay\" fails, users see 500\nretry storms");
  EXPECT_EQ(a.at("time_to_detect_seconds").as_int64(), 4200);
  EXPECT_EQ(a.at("detect_goal_met").as_bool(), false);
  EXPECT_EQ(a.at("debrief_on_time").as_bool(), true);
  EXPECT_EQ(a.at("action_items_open").as_int64(), 1);
  EXPECT_TRUE(a.at("repeat_of").is_null());
  const json::object& d = rows[3].as_object();  // INC-D, still open
  EXPECT_EQ(d.at("incident_id").as_string(), "INC-D");
  for (const char* k : {"resolved_at", "time_to_fix_seconds", "fix_goal_met", "suspected_cause",
                        "confirmed_cause", "debrief_completed_at", "debrief_on_time"}) {
    EXPECT_TRUE(d.at(k).is_null()) << k;
  }
  EXPECT_EQ(d.at("repeat_of").as_string(), "INC-A");
  EXPECT_EQ(d.at("debrief_status").as_string(), "pending");
}

// ---------------------------------------------------------------------------
// The summary.

// Expected figures, in the order of the JSON summary; nullopt is null.
using Figures = std::vector<std::pair<const char*, std::optional<double>>>;

void ExpectSummary(const json::object& s, const Figures& expected, const std::string& what) {
  ASSERT_EQ(s.size(), expected.size()) << what;
  size_t i = 0;
  for (const auto& kv : s) {
    const auto& [name, value] = expected[i++];
    ASSERT_EQ(kv.key(), name) << what;
    if (!value) {
      EXPECT_TRUE(kv.value().is_null()) << what << "." << name << " = " << json::serialize(kv.value());
    } else {
      ASSERT_TRUE(kv.value().is_number()) << what << "." << name;
      EXPECT_DOUBLE_EQ(kv.value().to_number<double>(), *value) << what << "." << name;
    }
  }
}

TEST_F(ReportTest, SummaryPreviousQuarterAndDifferenceAsComputedByHand) {
  json::object o = Json("2026-Q3");
  EXPECT_EQ(o.at("range").at("label").as_string(), "2026-Q3");
  EXPECT_EQ(o.at("range").at("from").as_string(), "2026-07-01T00:00:00Z");
  EXPECT_EQ(o.at("range").at("to").as_string(), "2026-10-01T00:00:00Z");
  EXPECT_EQ(o.at("previous_range").at("label").as_string(), "2026-Q2");
  EXPECT_EQ(o.at("generated_at").as_string(), "2026-10-15T00:00:00Z");
  EXPECT_EQ(o.at("goals").at("warning").at("detect_seconds").as_int64(), 900);
  EXPECT_EQ(o.at("goals").at("critical").at("fix_seconds").as_int64(), 3600);

  // Q3: detect met B, C, E (3 of 5); fix met B, C, E of A, B, C, E (3 of 4).
  // time to detect sorted 0, 120, 900, 1200, 4200: p50 rank 3, p90 rank 5.
  // time to fix sorted 1200, 3900, 6000, 9000: p50 rank 2, p90 rank 4.
  // Debriefs: A on time, B late, C missing (overdue), D pending, E waived.
  // Action items: AI-1, AI-2 (A), AI-3 (B); AI-1 and AI-3 closed.
  // Repeats C, D, E; auto-resolved C; changes chg-1..3; confirmed cause: A.
  ExpectSummary(o.at("summary").as_object(),
                {{"incidents", 5},
                 {"incidents_resolved", 4},
                 {"detect_goal_met", 3},
                 {"fix_goal_met", 3},
                 {"detect_goal_attainment", 0.6},
                 {"fix_goal_attainment", 0.75},
                 {"time_to_detect_p50_seconds", 900},
                 {"time_to_detect_p90_seconds", 4200},
                 {"time_to_fix_p50_seconds", 3900},
                 {"time_to_fix_p90_seconds", 9000},
                 {"debriefs_required", 5},
                 {"debriefs_on_time", 1},
                 {"debriefs_late", 1},
                 {"debriefs_missing", 1},
                 {"debriefs_waived", 1},
                 {"debriefs_pending", 1},
                 {"action_items_opened", 3},
                 {"action_items_closed", 2},
                 {"repeats", 3},
                 {"auto_resolved", 1},
                 {"changes", 3},
                 {"confirmed_causes", 1},
                 {"change_failure_rate", 1.0 / 3}},
                "summary");
  // Q2: INC-P1 and INC-G; changes chg-q2, chg-q2b.
  ExpectSummary(o.at("previous_summary").as_object(),
                {{"incidents", 2},
                 {"incidents_resolved", 2},
                 {"detect_goal_met", 1},
                 {"fix_goal_met", 2},
                 {"detect_goal_attainment", 0.5},
                 {"fix_goal_attainment", 1},
                 {"time_to_detect_p50_seconds", 300},
                 {"time_to_detect_p90_seconds", 1201},
                 {"time_to_fix_p50_seconds", 3000},
                 {"time_to_fix_p90_seconds", 3601},
                 {"debriefs_required", 2},
                 {"debriefs_on_time", 1},
                 {"debriefs_late", 0},
                 {"debriefs_missing", 1},
                 {"debriefs_waived", 0},
                 {"debriefs_pending", 0},
                 {"action_items_opened", 0},
                 {"action_items_closed", 0},
                 {"repeats", 0},
                 {"auto_resolved", 0},
                 {"changes", 2},
                 {"confirmed_causes", 0},
                 {"change_failure_rate", 0}},
                "previous_summary");
  ExpectSummary(o.at("difference").as_object(),
                {{"incidents", 3},
                 {"incidents_resolved", 2},
                 {"detect_goal_met", 2},
                 {"fix_goal_met", 1},
                 {"detect_goal_attainment", 0.6 - 0.5},
                 {"fix_goal_attainment", -0.25},
                 {"time_to_detect_p50_seconds", 600},
                 {"time_to_detect_p90_seconds", 2999},
                 {"time_to_fix_p50_seconds", 900},
                 {"time_to_fix_p90_seconds", 5399},
                 {"debriefs_required", 3},
                 {"debriefs_on_time", 0},
                 {"debriefs_late", 1},
                 {"debriefs_missing", 0},
                 {"debriefs_waived", 1},
                 {"debriefs_pending", 1},
                 {"action_items_opened", 3},
                 {"action_items_closed", 2},
                 {"repeats", 3},
                 {"auto_resolved", 1},
                 {"changes", 1},
                 {"confirmed_causes", 1},
                 {"change_failure_rate", 1.0 / 3}},
                "difference");
}

TEST_F(ReportTest, PerServiceBreakdownMostIncidentsFirst) {
  json::object o = Json("2026-Q3");
  const json::array& services = o.at("services").as_array();
  ASSERT_EQ(services.size(), 3u);
  EXPECT_EQ(services[0].at("service").as_string(), "checkout");
  ExpectSummary(services[0].at("summary").as_object(),
                {{"incidents", 2},
                 {"incidents_resolved", 1},
                 {"detect_goal_met", 0},
                 {"fix_goal_met", 0},
                 {"detect_goal_attainment", 0},
                 {"fix_goal_attainment", 0},
                 {"time_to_detect_p50_seconds", 1200},
                 {"time_to_detect_p90_seconds", 4200},
                 {"time_to_fix_p50_seconds", 6000},
                 {"time_to_fix_p90_seconds", 6000},
                 {"debriefs_required", 2},
                 {"debriefs_on_time", 1},
                 {"debriefs_late", 0},
                 {"debriefs_missing", 0},
                 {"debriefs_waived", 0},
                 {"debriefs_pending", 1},
                 {"action_items_opened", 2},
                 {"action_items_closed", 1},
                 {"repeats", 1},
                 {"auto_resolved", 0},
                 {"changes", 1},
                 {"confirmed_causes", 1},
                 {"change_failure_rate", 1}},
                "checkout");
  EXPECT_EQ(services[1].at("service").as_string(), "payments");
  ExpectSummary(services[1].at("summary").as_object(),
                {{"incidents", 2},
                 {"incidents_resolved", 2},
                 {"detect_goal_met", 2},
                 {"fix_goal_met", 2},
                 {"detect_goal_attainment", 1},
                 {"fix_goal_attainment", 1},
                 {"time_to_detect_p50_seconds", 0},
                 {"time_to_detect_p90_seconds", 900},
                 {"time_to_fix_p50_seconds", 3900},
                 {"time_to_fix_p90_seconds", 9000},
                 {"debriefs_required", 2},
                 {"debriefs_on_time", 0},
                 {"debriefs_late", 1},
                 {"debriefs_missing", 0},
                 {"debriefs_waived", 1},
                 {"debriefs_pending", 0},
                 {"action_items_opened", 1},
                 {"action_items_closed", 1},
                 {"repeats", 1},
                 {"auto_resolved", 0},
                 {"changes", 1},
                 {"confirmed_causes", 0},
                 {"change_failure_rate", 0}},
                "payments");
  EXPECT_EQ(services[2].at("service").as_string(), "search");
  ExpectSummary(services[2].at("summary").as_object(),
                {{"incidents", 1},
                 {"incidents_resolved", 1},
                 {"detect_goal_met", 1},
                 {"fix_goal_met", 1},
                 {"detect_goal_attainment", 1},
                 {"fix_goal_attainment", 1},
                 {"time_to_detect_p50_seconds", 120},
                 {"time_to_detect_p90_seconds", 120},
                 {"time_to_fix_p50_seconds", 1200},
                 {"time_to_fix_p90_seconds", 1200},
                 {"debriefs_required", 1},
                 {"debriefs_on_time", 0},
                 {"debriefs_late", 0},
                 {"debriefs_missing", 1},
                 {"debriefs_waived", 0},
                 {"debriefs_pending", 0},
                 {"action_items_opened", 0},
                 {"action_items_closed", 0},
                 {"repeats", 1},
                 {"auto_resolved", 1},
                 {"changes", 1},
                 {"confirmed_causes", 0},
                 {"change_failure_rate", 0}},
                "search");
}

TEST_F(ReportTest, OverdueDebriefsAndOpenActionItemsAreListed) {
  json::object o = Json("2026-Q3");
  const json::array& overdue = o.at("overdue_debriefs").as_array();
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].at("incident_id").as_string(), "inc-000001");
  EXPECT_EQ(overdue[0].at("due_at").as_string(), "2026-09-08T03:20:00Z");
  // 2026-09-08T03:20 to 2026-10-15T00:00: 36 days 20 h 40 min.
  EXPECT_EQ(overdue[0].at("overdue_seconds").as_int64(), 36 * 86400 + 20 * 3600 + 40 * 60);
  const json::array& items = o.at("open_action_items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("id").as_string(), "AI-2");
  EXPECT_EQ(items[0].at("incident_id").as_string(), "INC-A");
  EXPECT_EQ(items[0].at("due_at").as_string(), "2026-08-02T12:00:00Z");  // 30 days after the debrief
  EXPECT_EQ(items[0].at("overdue").as_bool(), true);
}

TEST_F(ReportTest, CustomRangeComparesWithTheSpanBeforeIt) {
  // September: inc-000001, INC-D and INC-E; before it, the 30 days of August 2-31 hold INC-B.
  Result<ReportRange> range = ReportRangeFrom(std::nullopt, "2026-09-01", "2026-09-30");
  ASSERT_TRUE(range.ok());
  Report r = BuildReport(tracker, now, *range);
  EXPECT_EQ(r.summary.incidents, 3u);
  EXPECT_EQ(r.previous_range.from, T("2026-08-02T00:00:00Z"));
  EXPECT_EQ(r.previous_summary.incidents, 1u);
  EXPECT_EQ(r.summary.changes, 1u);           // chg-3
  EXPECT_EQ(r.previous_summary.changes, 1u);  // chg-2
}

TEST(ReportLists, LongListsShowTheFirstFiftyInMarkdownAndHtmlAndAllInJson) {
  Policy p;
  p.debrief_required_for = {"critical"};
  IncidentTracker t(p);
  Time s = T("2026-07-01T10:00:00Z");
  for (int i = 0; i < 55; ++i) {
    std::string id = "INC-" + std::to_string(i);
    Time at = s + Hours(i);
    ASSERT_TRUE(t.Apply(Native(IncidentDeclared{id, at, "checkout", "critical", "t", std::nullopt}, at)).ok());
    ASSERT_TRUE(
        t.Apply(Native(IncidentTransition{IncidentTransition::Kind::kResolved, id, at + Min(30)}, at + Min(30)))
            .ok());
  }
  ReportRange q3 = ParseQuarter("2026-Q3").value();
  Time now = T("2026-10-15T00:00:00Z");
  std::string md = RenderReport(t, now, q3, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("\n\n… and 5 more; the JSON export lists them all.\n\n"), std::string::npos);
  size_t from = md.find("## Overdue debriefs"), to = md.find("## Open action items");
  std::string section = md.substr(from, to - from);
  size_t rows = 0;
  for (size_t pos = 0; (pos = section.find("| INC-", pos)) != std::string::npos; ++pos) ++rows;
  EXPECT_EQ(rows, 50u);
  std::string html = RenderReport(t, now, q3, ReportFormat::kHtml);
  EXPECT_NE(html.find("Overdue debriefs (55)"), std::string::npos);
  EXPECT_NE(html.find("… and 5 more"), std::string::npos);
  json::value doc = json::parse(RenderReport(t, now, q3, ReportFormat::kJson));
  EXPECT_EQ(doc.at("overdue_debriefs").as_array().size(), 55u);
}

// ---------------------------------------------------------------------------
// Formats.

TEST_F(ReportTest, MarkdownTablesKeepTheirShapeAndEscapeUserText) {
  std::string md = Render("2026-Q3", ReportFormat::kMarkdown);
  EXPECT_EQ(md.rfind("# Reliability review 2026-Q3\n", 0), 0u);
  EXPECT_NE(md.find("| Incidents | 5 | 2 | +3 |"), std::string::npos);
  EXPECT_NE(md.find("| Detect goal attainment | 60% | 50% | +10.0 pp |"), std::string::npos);
  EXPECT_NE(md.find("| Change failure rate | 33.3% | 0% | +33.3 pp |"), std::string::npos);
  // Every row of a table has as many unescaped pipes as its header.
  std::istringstream in(md);
  std::string line;
  int header_pipes = -1, tables = 0;
  auto pipes = [](const std::string& l) {
    int n = 0;
    for (size_t i = 0; i < l.size(); ++i) {
      if (l[i] == '\\') {
        ++i;
      } else if (l[i] == '|') {
        ++n;
      }
    }
    return n;
  };
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '|') {
      header_pipes = -1;
      continue;
    }
    if (header_pipes < 0) {
      header_pipes = pipes(line);
      ++tables;
    }
    EXPECT_EQ(pipes(line), header_pipes) << line;
  }
  EXPECT_EQ(tables, 5);  // summary, overdue debriefs, action items, services, incidents
  EXPECT_EQ(md.find("<script>"), std::string::npos);
  EXPECT_NE(md.find("Alert on 5xx \\| ratio \\<script\\>alert(1)\\</script\\> \\& more"), std::string::npos);
  EXPECT_NE(md.find("Checkout \"pay\" fails, users see 500 retry storms"), std::string::npos);  // one line
}

TEST_F(ReportTest, HtmlIsSelfContainedAndEscapesUserText) {
  std::string html = Render("2026-Q3", ReportFormat::kHtml);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("Alert on 5xx | ratio &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
            std::string::npos);
  EXPECT_NE(html.find("Checkout &quot;pay&quot; fails"), std::string::npos);
  for (const char* external : {"<link", "src=", "@import", "url(", "@font-face"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Weekly goal attainment\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Time to detect by severity\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Time to fix by severity\""), std::string::npos);
  EXPECT_NE(html.find(">goal 5m</text>"), std::string::npos);
  EXPECT_NE(html.find(">goal 4h</text>"), std::string::npos);
  // Overdue debriefs and open action items come before the charts and tables.
  size_t attention = html.find("Needs attention"), chart = html.find("<svg"),
         incidents = html.find("incidents long");
  EXPECT_LT(attention, chart);
  EXPECT_LT(chart, incidents);
  for (const char* column : kReportColumns) {
    std::string wrapped;
    for (char c : std::string(column)) {
      wrapped += c;
      if (c == '_') wrapped += "<wbr>";
    }
    EXPECT_NE(html.find(">" + wrapped + "</th>"), std::string::npos) << column;
  }
}

TEST_F(ReportTest, EmptyQuarterGivesAnEmptyButValidReport) {
  std::string csv = Render("2026-Q1", ReportFormat::kCsv);
  std::vector<std::vector<std::string>> records = ReadCsv(csv);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].size(), std::size(kReportColumns));

  json::object o = Json("2026-Q1");
  EXPECT_TRUE(o.at("incidents").as_array().empty());
  EXPECT_TRUE(o.at("services").as_array().empty());
  EXPECT_TRUE(o.at("overdue_debriefs").as_array().empty());
  const json::object& s = o.at("summary").as_object();
  EXPECT_EQ(s.at("incidents").as_int64(), 0);
  EXPECT_EQ(s.at("changes").as_int64(), 0);
  for (const char* k : {"detect_goal_attainment", "fix_goal_attainment", "time_to_detect_p50_seconds",
                        "time_to_detect_p90_seconds", "time_to_fix_p50_seconds", "time_to_fix_p90_seconds",
                        "change_failure_rate"}) {
    EXPECT_TRUE(s.at(k).is_null()) << k;
    EXPECT_TRUE(o.at("difference").at(k).is_null()) << k;
  }

  std::string md = Render("2026-Q1", ReportFormat::kMarkdown);
  EXPECT_NE(md.find("No incidents started in this range."), std::string::npos);
  EXPECT_NE(md.find("| Fix goal attainment | – | – | – |"), std::string::npos);
  std::string html = Render("2026-Q1", ReportFormat::kHtml);
  EXPECT_NE(html.find("No incidents started in this range."), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  // Nothing happened up to the end of Q1: only the metadata and # EOF.
  std::string om = Render("2026-Q1", ReportFormat::kOpenMetrics);
  EXPECT_EQ(om.find("_total{"), std::string::npos);
  EXPECT_EQ(om.substr(om.size() - 6), "# EOF\n");
}

TEST_F(ReportTest, OpenMetricsStampsCumulativeCountersWithEventTimes) {
  std::string om = Render("2026-Q3", ReportFormat::kOpenMetrics);
  ASSERT_GE(om.size(), 6u);
  EXPECT_EQ(om.substr(om.size() - 6), "# EOF\n");
  // INC-A detected 2026-07-02T09:10Z (1782983400), INC-D 2026-09-20T10:20Z
  // (1789899600); a zero just before the first.
  EXPECT_NE(om.find("debriefd_incidents_total{service=\"checkout\",severity=\"critical\"} 0 1782983399.999\n"
                    "debriefd_incidents_total{service=\"checkout\",severity=\"critical\"} 1 1782983400\n"
                    "debriefd_incidents_total{service=\"checkout\",severity=\"critical\"} 2 1789899600\n"),
            std::string::npos);
  // INC-P1 (Q2) carries into the range at its start, 2026-07-01 (1782864000).
  EXPECT_NE(om.find("debriefd_incidents_total{service=\"catalog\",severity=\"critical\"} 1 1782864000\n"),
            std::string::npos);
  // INC-A is counted once it stayed resolved 15 minutes (09:55, 1782986100),
  // with the start its debrief confirmed.
  EXPECT_NE(
      om.find("debriefd_incident_time_to_detect_seconds_sum{service=\"checkout\",severity=\"critical\"} 4200 "
              "1782986100\n"),
      std::string::npos);
  EXPECT_NE(om.find("debriefd_incident_goal_total{service=\"checkout\",severity=\"critical\",goal=\"fix\","
                    "result=\"missed\"} 1 1782986100\n"),
            std::string::npos);
  EXPECT_NE(om.find("debriefd_debriefs_total{service=\"payments\",severity=\"warning\",result=\"late\"} 1 "),
            std::string::npos);
  // Nothing after the range: INC-E's resolution (Q4) is not counted here.
  EXPECT_EQ(om.find("debriefd_incidents_counted_total{service=\"payments\",severity=\"warning\"} 2"),
            std::string::npos);

  // Every sample line is well formed; within a series, times increase and
  // counters never decrease; a family's samples are contiguous.
  std::regex sample(R"(^([a-z_]+)\{([^}]*)\} ([0-9.]+) ([0-9]+(\.[0-9]{3})?)$)");
  std::map<std::string, std::pair<double, double>> last;  // series -> (time, value)
  std::set<std::string> families_done;
  std::string family;
  std::istringstream in(om);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(families_done.insert(name).second) << "family repeated: " << name;
      family = name;
      continue;
    }
    if (line[0] == '#') continue;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, sample)) << line;
    EXPECT_EQ(m[1].str().rfind(family, 0), 0u) << line << " outside its family " << family;
    std::string series = m[1].str() + "{" + m[2].str() + "}";
    double value = std::stod(m[3].str()), time = std::stod(m[4].str());
    if (auto it = last.find(series); it != last.end()) {
      EXPECT_GT(time, it->second.first) << line;
      EXPECT_GE(value, it->second.second) << line;
    }
    last[series] = {time, value};
  }
}

// ---------------------------------------------------------------------------
// HTTP.

class ReportApiTest : public ::testing::Test {
 protected:
  ReportApiTest() : api(FixtureConfig(), T("2026-10-15T00:00:00Z")) {
    api.ReplayFile(SourcePath("tests/fixtures/report/history.jsonl"));
  }
  ApiHarness api;
};

TEST_F(ReportApiTest, ServesEveryFormatAsADownload) {
  struct Case {
    const char* format;
    const char* content_type;
    const char* file;
  };
  for (const Case& c : {Case{"csv", "text/csv; charset=utf-8; header=present", "debriefd-2026-Q3.csv"},
                        Case{"json", "application/json", "debriefd-2026-Q3.json"},
                        Case{"md", "text/markdown; charset=utf-8", "debriefd-2026-Q3.md"},
                        Case{"html", "text/html; charset=utf-8", "debriefd-2026-Q3.html"}}) {
    HttpResponse r = api.Get(std::string("/api/v1/reports/quarterly?quarter=2026-Q3&format=") + c.format);
    ASSERT_EQ(r.status, 200) << c.format << ": " << r.body;
    EXPECT_EQ(r.content_type, c.content_type);
    EXPECT_EQ(r.headers["Content-Disposition"], std::string("attachment; filename=\"") + c.file + "\"");
    Result<ReportFormat> format = ParseReportFormat(c.format);
    std::string expected = api.ingest().Read([&](const IncidentTracker& t, Time now) {
      return RenderReport(t, now, ParseQuarter("2026-Q3").value(), *format);
    });
    EXPECT_EQ(r.body, expected) << c.format;
  }
  HttpResponse r = api.Get("/api/v1/reports/quarterly?quarter=2026-Q3");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("summary").at("incidents").as_int64(), 5);

  r = api.Get("/api/v1/reports/quarterly?from=2026-09-01&to=2026-09-30&format=csv");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Content-Disposition"], "attachment; filename=\"debriefd-2026-09-01..2026-09-30.csv\"");
  EXPECT_EQ(ReadCsv(r.body).size(), 4u);  // header and three incidents
}

TEST_F(ReportApiTest, BadParametersAre400WithTheField) {
  struct Case {
    const char* query;
    const char* field;
  };
  for (const Case& c :
       {Case{"", "quarter"}, Case{"quarter=2026-Q9", "quarter"},
        Case{"quarter=2026-Q3&format=xlsx", "format"}, Case{"from=2026-07-01", "to"},
        Case{"from=2026-08-01&to=2026-07-01", "to"}, Case{"from=July&to=2026-07-01", "from"},
        Case{"quarter=2026-Q3&from=2026-07-01", "from"}, Case{"quarter=2026-Q3&sort=id", "sort"}}) {
    HttpResponse r = api.Get(std::string("/api/v1/reports/quarterly?") + c.query);
    EXPECT_EQ(r.status, 400) << c.query;
    json::value body = json::parse(r.body);
    ASSERT_TRUE(body.as_object().contains("field")) << c.query << ": " << r.body;
    EXPECT_EQ(body.at("field").as_string(), c.field) << c.query << ": " << r.body;
    EXPECT_FALSE(body.at("error").as_string().empty());
  }
  EXPECT_EQ(api.Call("POST", "/api/v1/reports/quarterly?quarter=2026-Q3").status, 405);
}

TEST(ReportApi, NeedsTheReadToken) {
  Config config = FixtureConfig();
  config.auth.read_token = "s3cret";
  ApiHarness api(config, T("2026-10-15T00:00:00Z"));
  EXPECT_EQ(api.Get("/api/v1/reports/quarterly?quarter=2026-Q3").status, 401);
  EXPECT_EQ(api.Call("GET", "/api/v1/reports/quarterly?quarter=2026-Q3", "", "Bearer s3cret").status, 200);
}

}  // namespace
}  // namespace debriefd
