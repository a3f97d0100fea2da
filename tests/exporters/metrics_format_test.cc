// The text format of /metrics, value by value: what prometheus-cpp 1.0's
// TextSerializer wrote before debriefd wrote the text itself (doubles as
// printf's %.16g in the C locale, counts of histograms as integers, label
// values with backslash, quote and newline escaped). The golden file
// (metrics_test.cc) covers a whole exposition; this covers the values and
// labels it happens not to contain.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "exporters/metrics.h"

namespace debriefd {
namespace {

std::string PrintfG16(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.16g", v);
  return buf;
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> Lines(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(prefix)) out.push_back(line);
  }
  return out;
}

std::string Render(const MetricsSnapshot& s, const ProcessInfo& info) { return RenderMetrics(s, {}, info); }

TEST(MetricsFormat, DoublesAreWrittenAsPercentG16) {
  const double values[] = {0,       1,         -1,    42,    999999999999999, 1e15, 123456789012345678.0,
                           1e16,    9007199254740993.0, 0.1,   1.0 / 3,         -2.5, 123456789.125,
                           1e-5,    -0.0,      1e300, 1.5e-300};
  for (double v : values) {
    ProcessInfo info{"test"};
    info.process = ProcessStats{.start_time_seconds = v};
    EXPECT_EQ(Lines(Render({}, info), "process_start_time_seconds "),
              std::vector<std::string>{"process_start_time_seconds " + PrintfG16(v)})
        << v;
  }
}

TEST(MetricsFormat, InfinitiesAndNanAreSpelledOut) {
  for (auto [v, text] : {std::pair{std::numeric_limits<double>::infinity(), "+Inf"},
                         std::pair{-std::numeric_limits<double>::infinity(), "-Inf"},
                         std::pair{std::numeric_limits<double>::quiet_NaN(), "Nan"}}) {
    ProcessInfo info{"test"};
    info.process = ProcessStats{.cpu_seconds = v};
    EXPECT_EQ(Lines(Render({}, info), "process_cpu_seconds_total "),
              std::vector<std::string>{std::string("process_cpu_seconds_total ") + text});
  }
}

TEST(MetricsFormat, LabelValuesEscapeBackslashQuoteAndNewline) {
  MetricsSnapshot s;
  IncidentCounters c;
  c.opened = 3;
  s.counters[{"a\"b\\c\nd", "crit ical"}] = c;
  EXPECT_EQ(Lines(Render(s, ProcessInfo{"v\"1"}), "debriefd_incidents_total{"),
            std::vector<std::string>{R"(debriefd_incidents_total{service="a\"b\\c\nd",severity="crit ical"} 3)"});
  EXPECT_EQ(Lines(Render(s, ProcessInfo{"v\"1"}), "debriefd_build_info"),
            std::vector<std::string>{R"(debriefd_build_info{version="v\"1"} 1)"});
}

TEST(MetricsFormat, HistogramsWriteCountSumAndCumulativeBuckets) {
  ProcessInfo info{"test"};
  HttpHandlerFigures h{"/x", {{200, 5}}, Histogram({0.005, 0.25})};
  for (double v : {0.001, 0.1, 0.1, 3.0, 0.2}) h.duration.Observe(v);
  info.http.push_back(h);
  EXPECT_EQ(Lines(Render({}, info), "debriefd_http_request_duration_seconds_"),
            (std::vector<std::string>{
                R"(debriefd_http_request_duration_seconds_count{handler="/x"} 5)",
                R"(debriefd_http_request_duration_seconds_sum{handler="/x"} )" + PrintfG16(0.001 + 0.1 + 0.1 + 3.0 + 0.2),
                R"(debriefd_http_request_duration_seconds_bucket{handler="/x",le="0.005"} 1)",
                R"(debriefd_http_request_duration_seconds_bucket{handler="/x",le="0.25"} 4)",
                R"(debriefd_http_request_duration_seconds_bucket{handler="/x",le="+Inf"} 5)",
            }));
  EXPECT_EQ(Lines(Render({}, info), "debriefd_http_requests_total"),
            std::vector<std::string>{R"(debriefd_http_requests_total{code="200",handler="/x"} 5)"});
}

// A histogram without labels (a replica's delay) has braces only on its
// buckets; two histograms with other bounds each get their own le texts.
TEST(MetricsFormat, AHistogramWithoutLabelsAndHistogramsOfOtherBounds) {
  ProcessInfo info{"test"};
  info.replica = ReplicaFigures{7, true, Histogram({0.1, 1})};
  for (double v : {0.05, 0.5, 2.0}) info.replica->delay.Observe(v);
  HttpHandlerFigures h{"/x", {{200, 1}}, Histogram({0.005})};
  h.duration.Observe(0.001);
  info.http.push_back(h);
  const std::string text = Render({}, info);
  EXPECT_EQ(Lines(text, "debriefd_replication_delay_seconds_"),
            (std::vector<std::string>{
                "debriefd_replication_delay_seconds_count 3",
                "debriefd_replication_delay_seconds_sum " + PrintfG16(0.05 + 0.5 + 2.0),
                R"(debriefd_replication_delay_seconds_bucket{le="0.1"} 1)",
                R"(debriefd_replication_delay_seconds_bucket{le="1"} 2)",
                R"(debriefd_replication_delay_seconds_bucket{le="+Inf"} 3)",
            }));
  EXPECT_EQ(Lines(text, "debriefd_http_request_duration_seconds_bucket"),
            (std::vector<std::string>{
                R"(debriefd_http_request_duration_seconds_bucket{handler="/x",le="0.005"} 1)",
                R"(debriefd_http_request_duration_seconds_bucket{handler="/x",le="+Inf"} 1)",
            }));
}

// A buffer handed to RenderMetrics (an earlier body's) is cleared first and
// written in place when it is large enough.
TEST(MetricsFormat, ABufferGivenIsClearedAndItsCapacityReused) {
  ProcessInfo info{"test"};
  const std::string fresh = RenderMetrics({}, {}, info);
  std::string old(fresh.size() + 64 * 1024, 'x');
  const char* data = old.data();
  const std::string reused = RenderMetrics({}, {}, info, std::move(old));
  EXPECT_EQ(reused, fresh);
  EXPECT_EQ(reused.data(), data);
}

TEST(MetricsFormat, FamiliesWithoutSamplesAreLeftOutOnlyWhereTheyAlwaysWere) {
  const std::string text = Render({}, ProcessInfo{"test"});
  // Always present, if only as HELP and TYPE.
  EXPECT_NE(text.find("# TYPE debriefd_incidents_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE debriefd_incident_time_to_fix_seconds histogram\n"), std::string::npos);
  // Absent until they have a sample.
  EXPECT_EQ(text.find("debriefd_http_requests_total"), std::string::npos);
  EXPECT_EQ(text.find("debriefd_http_request_duration_seconds"), std::string::npos);
  EXPECT_EQ(text.find("debriefd_prometheus_rules_last_success"), std::string::npos);
  EXPECT_EQ(text.find("process_"), std::string::npos);
}

}  // namespace
}  // namespace debriefd
