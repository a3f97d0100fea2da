// Reports and pages: how long each quarterly report format takes for a
// quarter of 10,000 incidents (and 10,000 more in the quarter before, for the
// comparison), and each page (docs/pages.md) over the same 20,000 incidents.
//
//   make bench
//   build/bench/debriefd_report_bench [--benchmark_filter=html]
//
// The history is synthetic but shaped like a real one: 12 services, three
// severities, a change before most incidents, debriefs on time, late and
// missing, action items open and closed, repeats, a few incidents still open.
#include <benchmark/benchmark.h>

#include <random>

#include "exporters/pages/pages.h"
#include "exporters/report.h"

namespace debriefd {
namespace {

constexpr int kIncidentsPerQuarter = 10'000;

Time At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

Event Make(EventBody body, Time t) {
  Event e;
  e.source = "events";
  e.received_at = t;
  e.body = std::move(body);
  return e;
}

// Applies one synthetic incident (and what follows it) starting at `start`.
void AddIncident(IncidentTracker& t, std::mt19937& rng, int n, Time start) {
  using std::chrono::seconds;
  static const char* kSeverities[] = {"critical", "warning", "info"};
  std::string service = "service-" + std::to_string(n % 12);
  std::string id = "INC-" + std::to_string(n);
  std::lognormal_distribution<double> ttd(5.5, 1.2), ttf(7.8, 1.0);
  std::uniform_real_distribution<double> u(0, 1);

  std::optional<std::string> change;
  if (u(rng) < 0.7) {
    ChangeEvent c;
    c.id = "chg-" + std::to_string(n);
    c.time = start - seconds(600 + static_cast<int>(u(rng) * 3000));
    c.service = service;
    c.kind = "deploy";
    change = c.id;
    t.Apply(Make(c, c.time));
  }
  Time detected = start + seconds(static_cast<int64_t>(ttd(rng)));
  t.Apply(Make(IncidentDeclared{id, detected, service, kSeverities[n % 3],
                                "Synthetic incident " + std::to_string(n) + ", with \"quotes\" & <markup>", start},
               detected));
  if (u(rng) < 0.02) return;  // still open
  Time resolved = detected + seconds(static_cast<int64_t>(ttf(rng)));
  t.Apply(Make(IncidentTransition{IncidentTransition::Kind::kResolved, id, resolved}, resolved));
  if (n % 3 == 2 || u(rng) < 0.15) return;  // info needs none; some are missing
  Time held = resolved + std::chrono::hours(u(rng) < 0.8 ? 30 : 100);
  DebriefCompleted d;
  d.incident_id = id;
  d.time = held;
  d.url = "https://wiki.example.internal/" + id;
  if (change && u(rng) < 0.3) d.confirmed_cause_id = change;
  for (int k = 0; k < static_cast<int>(u(rng) * 3); ++k) {
    d.action_items.push_back({id + "-AI-" + std::to_string(k), "Follow-up " + std::to_string(k), "", {}, {}});
  }
  std::vector<ActionItemSpec> items = d.action_items;
  t.Apply(Make(d, held));
  for (const ActionItemSpec& item : items) {
    if (u(rng) < 0.6) {
      Time closed = held + std::chrono::hours(24 * 7);
      t.Apply(Make(ActionItemClosed{item.id, closed}, closed));
    }
  }
}

// Two quarters of incidents, in time order (the tracker expects time to move forward).
const IncidentTracker& History() {
  static const IncidentTracker* tracker = [] {
    Policy p;
    p.debrief_required_for = {"critical", "warning"};
    p.goals_by_severity["warning"] = Goals{std::chrono::minutes(15), std::chrono::hours(4)};
    auto* t = new IncidentTracker(p);
    std::mt19937 rng(42);
    Time q2 = At("2026-04-01T00:00:00Z"), q3 = At("2026-07-01T00:00:00Z");
    const Duration step = (q3 - q2) / kIncidentsPerQuarter;
    for (int n = 0; n < 2 * kIncidentsPerQuarter; ++n) AddIncident(*t, rng, n, q2 + step * n + std::chrono::hours(1));
    t->Advance(At("2026-12-01T00:00:00Z"));
    return t;
  }();
  return *tracker;
}

const Time kNow = At("2026-12-01T00:00:00Z");

void BM_BuildReport(benchmark::State& state) {
  const IncidentTracker& t = History();
  ReportRange q3 = ParseQuarter("2026-Q3").value();
  for (auto _ : state) {
    Report r = BuildReport(t, kNow, q3);
    benchmark::DoNotOptimize(r);
    state.counters["incidents"] = static_cast<double>(r.rows.size());
  }
}
BENCHMARK(BM_BuildReport)->Unit(benchmark::kMillisecond);

void BM_RenderReport(benchmark::State& state, const char* format_name) {
  const ReportFormat& format = *FindReportFormat(format_name);
  const IncidentTracker& t = History();
  ReportRange q3 = ParseQuarter("2026-Q3").value();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = RenderReport(t, kNow, q3, format);
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK_CAPTURE(BM_RenderReport, csv, "csv")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderReport, json, "json")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderReport, md, "md")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderReport, html, "html")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderReport, openmetrics, "openmetrics")->Unit(benchmark::kMillisecond);

// The pages render under the state lock: their time is how long a page view
// holds the writer off.
void BM_Page(benchmark::State& state, const char* which) {
  const IncidentTracker& t = History();
  const PageOptions options;
  const Incident& incident = *t.Find("INC-" + std::to_string(kIncidentsPerQuarter + 42));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out;
    const std::string_view page = which;
    if (page == "home") out = RenderHomePage(t, kNow, options);
    if (page == "incident") out = RenderIncidentPage(t, incident, kNow, options);
    if (page == "list") out = RenderIncidentListPage(t, kNow, IncidentFilter{}, options);
    if (page == "list_filtered") {
      IncidentFilter f;
      f.service = "service-3";
      f.debrief = "overdue";
      out = RenderIncidentListPage(t, kNow, f, options);
    }
    if (page == "debrief_md") out = RenderDebriefMarkdown(t, incident, kNow, options);
    if (page == "feed") out = RenderAtomFeed(t, kNow, true, options);
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["KB"] = static_cast<double>(bytes) / 1e3;
}
BENCHMARK_CAPTURE(BM_Page, home, "home")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Page, incident, "incident")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Page, list, "list")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Page, list_filtered, "list_filtered")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Page, debrief_md, "debrief_md")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Page, feed, "feed")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace debriefd

BENCHMARK_MAIN();
