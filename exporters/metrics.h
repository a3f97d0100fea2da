#pragma once
// The Prometheus exposition of debriefd. Every metric debriefd exports is
// declared in metrics.cc, built at scrape time from the tracker's state (a
// prometheus-cpp MetricFamily list) and serialised with prometheus-cpp's
// TextSerializer.

#include <string>

#include "domain/event_store.h"
#include "domain/tracker.h"

namespace debriefd {

struct ProcessInfo {
  std::string version;
  uint64_t commits = 0;  // group commits since start
};

// The text exposition format (version 0.0.4) for one scrape at `now`.
std::string RenderMetrics(const IncidentTracker& tracker, Time now, const EventCounts& events,
                          const ProcessInfo& info);

}  // namespace debriefd
