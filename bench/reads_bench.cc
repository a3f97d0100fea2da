// Reads at a large history: what a scrape of /metrics and a page of
// GET /api/v1/incidents cost, and how long each holds the state lock.
//
//   make bench
//   build/bench/debriefd_reads_bench [incidents] [services] [rounds]
//
// The tracker holds `incidents` (default 100,000) incidents spread over
// `services` (default 1,000) services, each of five alerts that fired and
// resolved (as Alertmanager sends them), every one counted into the
// histograms. Each figure is timed `rounds` times (default 31) and printed as
// median [min .. max]:
//   snapshot   TakeMetricsSnapshot: the part of a scrape under the state lock,
//              were it taken in one hold
//   step hold  the longest hold of the lock of TakeMetricsSnapshotInSteps, the
//              way a scrape takes it: in steps of kGaugeStep incidents
//   gauges     ComputeGauges over every incident (part of the snapshot)
//   counters   the copy of the counters (part of the snapshot)
//   metrics    the whole /metrics body: snapshot, FoldServices, RenderMetrics
//   page 1     the first page (limit 100) of GET /api/v1/incidents, all of it
//              under the lock (selecting and writing the page)
//   page 500   a later page, from the cursor the 499th page gave
//   filtered   the first page of ?service=<one service> (every 1,000th incident)
//   all        every incident in one body, as the list was before it had pages
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "exporters/incident_json.h"
#include "exporters/metrics.h"

namespace debriefd {
namespace {

Event AlertEvent(int incident, int alert, const std::string& service, bool firing, Time starts, Time at) {
  AlertNotification a;
  a.alertname = "Bench" + std::to_string(alert);
  a.fingerprint = "fp-" + std::to_string(incident) + "-" + std::to_string(alert);
  a.labels = {{"alertname", a.alertname}, {"service", service}, {"severity", alert == 0 ? "critical" : "warning"}};
  a.firing = firing;
  a.starts_at = starts;
  if (!firing) a.ends_at = at;
  Event e;
  e.source = "alertmanager";
  e.received_at = at;
  e.dedup_key = a.fingerprint + (firing ? "f" : "r");
  e.body = std::move(a);
  return e;
}

// Incident n starts 2 s after n-1, on service n % services, and resolves a
// minute later; a service's incidents are services * 2 s apart, beyond the
// reopen window, so that each is a new incident.
void Fill(IncidentTracker& t, int incidents, int services) {
  using std::chrono::seconds;
  const Time base = *ParseRfc3339("2026-01-01T00:00:00Z");
  std::deque<int> open;
  auto start_of = [&](int n) { return base + seconds(2 * static_cast<int64_t>(n)); };
  auto resolve = [&](int n) {
    const Time at = start_of(n) + seconds(60);
    const std::string service = "svc-" + std::to_string(n % services);
    for (int a = 0; a < 5; ++a) t.Apply(AlertEvent(n, a, service, false, start_of(n), at));
  };
  for (int n = 0; n < incidents; ++n) {
    while (!open.empty() && start_of(open.front()) + seconds(60) <= start_of(n)) {
      resolve(open.front());
      open.pop_front();
    }
    const std::string service = "svc-" + std::to_string(n % services);
    for (int a = 0; a < 5; ++a) t.Apply(AlertEvent(n, a, service, true, start_of(n), start_of(n)));
    open.push_back(n);
  }
  for (int n : open) resolve(n);
}

struct Figures {
  std::vector<double> ms;
  void Print(const char* what) {
    std::sort(ms.begin(), ms.end());
    std::printf("%-10s median %8.3f ms   range %8.3f .. %8.3f ms   (%zu rounds)\n", what, ms[ms.size() / 2],
                ms.front(), ms.back(), ms.size());
  }
};

template <typename F>
Figures Measure(int rounds, F&& fn) {
  Figures f;
  for (int i = 0; i < rounds; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    f.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return f;
}

std::string Page(const IncidentTracker& t, Time now, std::map<std::string, std::string> params) {
  Result<IncidentListQuery> q = ParseIncidentListQuery(params);
  if (!q.ok()) {
    std::fprintf(stderr, "query: %s\n", q.status().message().c_str());
    std::exit(1);
  }
  Result<std::string> page = IncidentListPageJson(t, *q, now);
  if (!page.ok()) {
    std::fprintf(stderr, "page: %s\n", page.status().message().c_str());
    std::exit(1);
  }
  return std::move(*page);
}

std::string NextCursor(const std::string& page) {
  boost::json::value v = boost::json::parse(page);
  const boost::json::value& c = v.at("next_cursor");
  return c.is_null() ? "" : std::string(c.as_string());
}

int Main(int argc, char** argv) {
  const int incidents = argc > 1 ? std::atoi(argv[1]) : 100'000;
  const int services = argc > 2 ? std::atoi(argv[2]) : 1'000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 31;
  IncidentTracker tracker{Policy{}};
  const auto fill_start = std::chrono::steady_clock::now();
  Fill(tracker, incidents, services);
  const Time now = tracker.now() + std::chrono::hours(1);
  tracker.Advance(now);
  std::printf("%zu incidents over %d services, 5 alerts each, built in %.1f s\n", tracker.incidents().size(),
              services, std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count());

  const EventCounts events{{{"alertmanager", "accepted"}, 10ull * static_cast<uint64_t>(incidents)}};
  ProcessInfo info;
  info.version = "bench";
  info.sources = {"alertmanager", "events"};
  size_t bytes = 0;
  Measure(rounds, [&] { TakeMetricsSnapshot(tracker, now, 1000); }).Print("snapshot");
  {
    // The scrape's way: the same snapshot in steps, each a hold of the lock;
    // what a group of ingested events may wait for is the longest hold.
    Figures longest;
    size_t holds = 0;
    for (int r = 0; r < rounds; ++r) {
      double worst = 0;
      holds = 0;
      StepReader read = [&](const std::function<void(const IncidentTracker&, Time, uint64_t)>& fn) {
        const auto start = std::chrono::steady_clock::now();
        fn(tracker, now, 0);
        ++holds;
        worst = std::max(worst, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      };
      TakeMetricsSnapshotInSteps(read, 1000, 1000);  // limits.max_services, max_overdue_series
      longest.ms.push_back(worst);
    }
    longest.Print("step hold");
    std::printf("           (the longest of %zu holds of the lock, steps of %zu incidents)\n", holds, kGaugeStep);
  }
  Measure(rounds, [&] { tracker.Gauges(now); }).Print("gauges");
  Measure(rounds, [&] { std::map<ServiceSeverity, IncidentCounters> copy = tracker.counters(); }).Print("counters");
  Measure(rounds, [&] {
    MetricsSnapshot s = TakeMetricsSnapshot(tracker, now, 1000);
    info.services_folded = FoldServices(s, 1000);
    bytes = RenderMetrics(s, events, info).size();
  }).Print("metrics");
  std::printf("           (/metrics body: %zu bytes)\n", bytes);

  Measure(rounds, [&] { bytes = Page(tracker, now, {}).size(); }).Print("page 1");
  std::printf("           (page body: %zu bytes)\n", bytes);
  {
    std::vector<const Incident*> all;
    for (const Incident& inc : tracker.incidents()) all.push_back(&inc);
    Measure(3, [&] { bytes = IncidentListJson(tracker, all, now).size(); }).Print("all");
    std::printf("           (every incident in one body, as before pages: %zu bytes)\n", bytes);
  }
  std::string cursor;
  for (int p = 1; p < 500 && (p == 1 || !cursor.empty()); ++p) {
    std::map<std::string, std::string> params;
    if (!cursor.empty()) params["cursor"] = cursor;
    cursor = NextCursor(Page(tracker, now, params));
  }
  if (!cursor.empty()) Measure(rounds, [&] { Page(tracker, now, {{"cursor", cursor}}); }).Print("page 500");
  Measure(rounds, [&] { Page(tracker, now, {{"service", "svc-7"}}); }).Print("filtered");
  return 0;
}

}  // namespace
}  // namespace debriefd

int main(int argc, char** argv) { return debriefd::Main(argc, argv); }
