// OpenMetrics: the counters of /metrics as they grew, one sample per change,
// stamped with the time of the event that changed them, for
// `promtool tsdb create-blocks-from openmetrics`. Samples are cumulative from
// the first event; only those within the report's range are written.
#include <algorithm>
#include <cstdio>

#include "exporters/metric_names.h"
#include "exporters/report/format.h"
#include "exporters/report/text.h"

namespace debriefd {
namespace {

using report::NumberText;
using report::SecondsText;

// Seconds since the epoch, with milliseconds when there are any.
std::string Timestamp(Time t) {
  int64_t ms = t.time_since_epoch().count();
  int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int64_t frac = ms - s * 1000;
  std::string out = std::to_string(s);
  if (frac != 0) {
    char buf[24];
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac));
    out += buf;
  }
  return out;
}

void Header(std::string& out, std::string_view name, const char* type, std::string_view help) {
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += "\n# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += '\n';
}

// Events of one series, and the times at which to write samples: a zero just
// before the first event, or the value carried into the range at its start.
template <typename Event, typename State, typename Apply, typename Write>
void Series(std::vector<std::pair<Time, Event>> events, const ReportRange& range, State state, Apply apply,
            Write write) {
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (events.empty() || events.front().first >= range.to) return;
  size_t i = 0;
  bool carried = false;
  for (; i < events.size() && events[i].first < range.from; ++i) {
    apply(state, events[i].second);
    carried = true;
  }
  if (i == events.size() || events[i].first >= range.to) {
    if (carried) write(range.from, state);
    return;
  }
  if (carried) {
    if (events[i].first > range.from) write(range.from, state);
  } else if (events[i].first - Duration(1) >= range.from) {
    write(events[i].first - Duration(1), state);  // the counter was zero until then
  }
  while (i < events.size() && events[i].first < range.to) {
    Time t = events[i].first;
    for (; i < events.size() && events[i].first == t; ++i) apply(state, events[i].second);
    write(t, state);
  }
}

void RenderCounter(std::string& out, const CounterHistory& c, const ReportRange& range) {
  const std::string_view family = metric::FamilyName(metric::Def{c.name, c.help});
  Header(out, family, "counter", c.help);
  for (const auto& entry : c.series) {
    // A named reference, not a structured binding: lambdas capture it in every
    // compiler (clang 14 cannot capture bindings).
    const std::string& labels = entry.first;
    const auto& events = entry.second;
    Series(
        events, range, uint64_t{0}, [](uint64_t& s, uint64_t n) { s += n; },
        [&](Time t, uint64_t v) {
          out += family;
          out += "_total{" + labels + "} " + std::to_string(v) + " " + Timestamp(t) + "\n";
        });
  }
}

void RenderHistogram(std::string& out, const HistogramHistory& h, const ReportRange& range) {
  struct State {
    std::vector<uint64_t> counts;  // per bucket, last is +Inf; not cumulative
    int64_t sum_ms = 0;
    uint64_t count = 0;
  };
  Header(out, h.name, "histogram", h.help);
  std::vector<std::string> les;
  for (double b : h.bounds) les.push_back(NumberText(b));
  les.push_back("+Inf");
  for (const auto& entry : h.series) {
    const std::string& labels = entry.first;
    const auto& events = entry.second;
    State init{std::vector<uint64_t>(h.bounds.size() + 1, 0)};
    Series(
        events, range, init,
        [&](State& s, Duration v) {
          double x = Seconds(v);
          size_t i = std::lower_bound(h.bounds.begin(), h.bounds.end(), x) - h.bounds.begin();
          ++s.counts[i];
          s.sum_ms += v.count();
          ++s.count;
        },
        [&](Time t, const State& s) {
          std::string ts = Timestamp(t);
          uint64_t cumulative = 0;
          for (size_t i = 0; i < les.size(); ++i) {
            cumulative += s.counts[i];
            out += h.name;
            out += "_bucket{" + labels + ",le=\"" + les[i] + "\"} " + std::to_string(cumulative) + " " + ts + "\n";
          }
          out += h.name;
          out += "_count{" + labels + "} " + std::to_string(s.count) + " " + ts + "\n";
          out += h.name;
          out += "_sum{" + labels + "} " + SecondsText(s.sum_ms) + " " + ts + "\n";
        });
  }
}

std::string Render(const Report& r) {
  std::string out;
  size_t series = 0;
  for (const CounterHistory& c : r.history.counters) series += c.series.size();
  out.reserve(200 * 40 * series + 4096);
  for (const CounterHistory& c : r.history.counters) RenderCounter(out, c, r.range);
  for (const HistogramHistory& h : r.history.histograms) RenderHistogram(out, h, r.range);
  out += "# EOF\n";
  return out;
}

}  // namespace

extern const ReportFormat kFormat_openmetrics;
const ReportFormat kFormat_openmetrics{
    .name = "openmetrics",
    .alias = "",
    .content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8",
    .extension = "om.txt",
    .description = "the counters' history, for promtool tsdb create-blocks-from openmetrics",
    .contents = ReportContents::kHistory,
    .render = Render,
};

}  // namespace debriefd
