#pragma once
// The Prometheus exposition of debriefd. Every metric debriefd exports is
// declared in metrics.cc, built at scrape time from the tracker's state (a
// prometheus-cpp MetricFamily list) and serialised with prometheus-cpp's
// TextSerializer.

#include <optional>
#include <string>
#include <vector>

#include "domain/event_store.h"
#include "domain/tracker.h"

namespace debriefd {

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
};

// The text exposition format (version 0.0.4) for one scrape at `now`.
std::string RenderMetrics(const IncidentTracker& tracker, Time now, const EventCounts& events,
                          const ProcessInfo& info);

}  // namespace debriefd
