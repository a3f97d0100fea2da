#pragma once
// The Prometheus exposition of debriefd. Every metric debriefd exports is
// declared in metric_names.h and written at scrape time in the text format
// 0.0.4, byte for byte as prometheus-cpp 1.0's TextSerializer writes it
// (docs/metrics.md).
//
// A scrape has two steps so that the state lock is held only for the first:
// TakeMetricsSnapshot copies the numbers out of the tracker (under the lock,
// or in short holds of it: TakeMetricsSnapshotInSteps), RenderMetrics turns
// a snapshot into text (without it).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/counters.h"
#include "domain/event_store.h"
#include "domain/tracker.h"
#include "exporters/process_metrics.h"

namespace debriefd {

// The numbers of the tracker that /metrics shows, copied at one moment.
struct MetricsSnapshot {
  std::map<ServiceSeverity, IncidentCounters> counters;
  GaugeSnapshot gauges;
  ActionItemCounters items;
  std::map<std::pair<std::string, std::string>, uint64_t> changes;          // (service, kind)
  std::map<std::pair<std::string, std::string>, uint64_t> change_failures;  // (service, kind)
  // Services with an incident, in the order of their first incident (the
  // order incidents were opened, which a restart rebuilds alike): the first
  // `max_services` of them, all FoldServices needs.
  std::vector<std::string> services_by_first_incident;
};

// Copies what RenderMetrics needs, for FoldServices(snapshot, max_services)
// (0: no bound, and no services_by_first_incident). Call under the state
// lock. O(incidents) with a small constant (ComputeGauges) plus
// O(series) copies; nothing is formatted.
// With `max_overdue`, only that many overdue debriefs are copied, the ones
// CapOverdueDebriefs(snapshot, max_overdue) would keep.
MetricsSnapshot TakeMetricsSnapshot(const IncidentTracker& tracker, Time now, size_t max_services = 0,
                                    size_t max_overdue = 0);

// The same snapshot for a reader that must not hold the state lock for the
// whole walk over the incidents: `read(fn)` runs fn(tracker, now, generation)
// under the lock (IngestService::ReadStep), and is called once per `step`
// incidents, once more to finish the gauges and once for the other numbers
// (GaugeWalk: each incident is counted as it was at its step, all against the
// first step's now). Should the state be replaced between two calls
// (`generation` changed), the last call takes the whole snapshot at once.
using StepReader =
    std::function<void(const std::function<void(const IncidentTracker&, Time now, uint64_t generation)>&)>;
inline constexpr size_t kGaugeStep = 8192;
MetricsSnapshot TakeMetricsSnapshotInSteps(const StepReader& read, size_t max_services = 0, size_t max_overdue = 0,
                                           size_t step = kGaugeStep);

// The service label value that series beyond limits.max_services share.
inline constexpr const char* kOtherService = "_other";

// Bounds the distinct `service` label values to `max_services`: when more
// services than that appear in the snapshot, the first `max_services` of
// services_by_first_incident keep their name and every other service (later
// services, and services that have no incident at all) is renamed "_other",
// its series added to that one's (counters and histograms summed, gauges
// summed). Because a later service never displaces an earlier one, "_other"
// series only grow, as counters must. 0 means no bound. Returns the number of
// distinct values folded (0 when none).
size_t FoldServices(MetricsSnapshot& snapshot, size_t max_services);

// Bounds debriefd_debrief_overdue_seconds (one series per incident whose
// debrief is overdue now) to the `max_series` longest overdue, ties in the
// order incidents were opened; the rest are left out of /metrics (they still
// count in debriefd_debriefs_overdue, and the API lists them). 0 means no
// bound. Returns the number left out, including any TakeMetricsSnapshot left
// out already (gauges.overdue_debriefs_total).
size_t CapOverdueDebriefs(MetricsSnapshot& snapshot, size_t max_series);

// One HTTP handler's figures (a route pattern such as "/api/v1/incidents/{id}").
struct HttpHandlerFigures {
  std::string handler;
  std::map<int, uint64_t> requests_by_code;
  Histogram duration;  // seconds
};

// The HTTP server's figures, when the server provides them (the fields of
// server/server.h's ServerStats, which exporters/ cannot include). Counters
// (_total) count since the process started.
struct ServerFigures {
  uint64_t connections_open = 0;
  uint64_t connections_refused_total = 0;   // over limits.max_connections
  uint64_t inflight_bytes = 0;              // request body bytes buffered now
  uint64_t accept_errors_total = 0;         // accept() failed (EMFILE, ...)
  uint64_t inflight_rejected_total = 0;     // 503 or 413 for want of body budget
  uint64_t tls_handshake_errors_total = 0;
  uint64_t basic_auth_failures_total = 0;   // 401s for web config basic auth
  uint64_t tls_reloads_total = 0;           // certificates re-read after a change
  uint64_t tls_reload_errors_total = 0;     // changed certificates that did not load
};

// The outcome of configuration (re)loads.
struct ReloadFigures {
  bool last_successful = true;
  double last_success_seconds = 0;  // unix seconds
};

// A replica's following of the shared log (IngestService::FollowFigures).
struct ReplicaFigures {
  int64_t applied_seq = 0;
  bool store_available = true;
  Histogram delay;  // seconds
};

struct ProcessInfo {
  std::string version;
  uint64_t commits = 0;  // group commits since start
  // Every event source's name (collector/sources/registry.cc): each gets its
  // debriefd_events_total series, at 0 until it counts.
  std::vector<std::string> sources;
  // Stored events that could not be re-read when the store was loaded.
  uint64_t unreadable_events = 0;
  // Of `sources`, the configured webhook sources: their series also count
  // "ignored" and "unauthorized" requests.
  std::vector<std::string> webhook_sources;
  // With alerts.pending_from: unix seconds of the last successful read of
  // Prometheus' rules (0 before the first).
  std::optional<double> rules_last_success;
  // external_url from the config: a label of debriefd_build_info, so that alert
  // rules can link people to the incident pages.
  std::string external_url;
  // The commit debriefd was built from: a label of debriefd_build_info.
  std::string revision;
  // What FoldServices returned: debriefd_label_values_folded{label="service"}.
  size_t services_folded = 0;
  // What CapOverdueDebriefs returned: debriefd_label_values_folded{label="incident_id"}.
  size_t overdue_left_out = 0;
  // debriefd_http_requests_total and debriefd_http_request_duration_seconds.
  std::vector<HttpHandlerFigures> http;
  // Each family below is left out while its figures are absent.
  std::optional<ProcessStats> process;
  std::optional<ServerFigures> server;
  std::optional<ReloadFigures> reload;
  // With a store shared by replicas.
  std::optional<ReplicaFigures> replica;
  // The snapshots of the state (IngestService::LoadFigures).
  struct Snapshots {
    uint64_t saved = 0;
    uint64_t failed = 0;
    double last_success = 0;  // unix seconds; 0 before the first save of this process
    uint64_t events_since = 0;
  };
  Snapshots snapshots;
};

// The text exposition format (version 0.0.4) of a snapshot, written into
// `buffer` (cleared first; its capacity is reused: a scrape's body is
// megabytes at 100,000 incidents).
std::string RenderMetrics(const MetricsSnapshot& snapshot, const EventCounts& events, const ProcessInfo& info,
                          std::string buffer = {});

// Both steps at once, for callers that hold no lock (tests, replay).
std::string RenderMetrics(const IncidentTracker& tracker, Time now, const EventCounts& events,
                          const ProcessInfo& info);

}  // namespace debriefd
