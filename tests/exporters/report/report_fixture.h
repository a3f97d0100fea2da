#pragma once
// The report tests' fixture: the hand-computed example history
// tests/fixtures/report/history.jsonl with the goals of
// tests/fixtures/report/debriefd.yaml (critical 5m / 1h, warning 15m / 4h;
// debriefs due 72h after resolution), seen at 2026-10-15.
//
// | incident   | quarter | started -> detected -> resolved       | detect / fix          | notes |
// |------------|---------|----------------------------------------|-----------------------|-------|
// | INC-P1     | Q2      | 05-10 10:00 -> 10:05 -> 10:50          | 300 met / 3000 met    | debrief on time; suspected cause chg-q2 |
// | INC-G      | Q2      | 06-30 23:59:59 -> 07-01 00:20 -> 01:00 | 1201 missed / 3601 met | started 1 s before Q3; debrief overdue |
// | INC-A      | Q3      | 07-02 08:00 -> 09:10 -> 09:40          | 4200 missed / 6000 missed | debrief confirmed cause chg-1 (08:00), which moved the start from 09:00; AI-1 closed, AI-2 open and overdue; title with quote, comma, newline |
// | INC-B      | Q3      | 08-10 14:00 -> 14:00 -> 16:30          | 0 met / 9000 met      | warning; suspected cause chg-2; debrief late (08-15, due 08-13 16:30); AI-3 closed |
// | inc-000001 | Q3      | 09-05 03:00 -> 03:02 -> 03:20          | 120 met / 1200 met    | Alertmanager, nobody acted (auto-resolved); repeat of INC-G; debrief overdue |
// | INC-D      | Q3      | 09-20 10:00 -> 10:20 -> open           | 1200 missed / -       | repeat of INC-A; debrief pending (not due while open) |
// | INC-E      | Q3      | 09-30 23:55 -> 10-01 00:10 -> 01:00    | 900 met / 3900 met    | warning; started in Q3, declared in Q4; repeat of INC-B; debrief waived |
// | INC-F      | Q4      | 10-01 00:00 -> 00:05 -> open           |                       | info; excluded from Q3 |
//
// Changes: Q2 chg-q2 (catalog), chg-q2b (payments); Q3 chg-1 (checkout),
// chg-2 (payments), chg-3 (search); Q4 chg-4.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "collector/replay.h"
#include "collector/sources/registry.h"
#include "config/config.h"
#include "exporters/report.h"
#include "tests/support/test_util.h"

namespace debriefd::testing {

// A format from the table by name; fails the test when there is none.
inline const ReportFormat& Fmt(std::string_view name) {
  const ReportFormat* f = FindReportFormat(name);
  if (f == nullptr) throw std::runtime_error("no report format " + std::string(name));
  return *f;
}

inline Config FixtureConfig() {
  ConfigLoad load = LoadConfigFile(SourcePath("tests/fixtures/report/debriefd.yaml"));
  if (!load.ok()) throw std::runtime_error(load.errors.front().ToString());
  return load.config;
}

// The fixture's requests, parsed as `debriefd replay` parses them.
inline std::vector<std::pair<std::string, std::vector<ParsedEvent>>> FixtureRequests() {
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
inline std::vector<std::vector<std::string>> ReadCsv(const std::string& text) {
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
  std::string Render(const std::string& q, const ReportFormat& f) {
    return RenderReport(tracker, now, Quarter(q), f);
  }
  boost::json::object Json(const std::string& q) { return boost::json::parse(Render(q, Fmt("json"))).as_object(); }

  IncidentTracker tracker;
  Time now = T("2026-10-15T00:00:00Z");
};

}  // namespace debriefd::testing
