#include "exporters/metrics.h"

#include "exporters/metric_names.h"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <limits>
#include <map>
#include <sstream>

namespace debriefd {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Family(const metric::Def& def, MetricType type) {
  return MetricFamily{std::string(def.name), std::string(def.help), type, {}};
}

ClientMetric Sample(std::vector<ClientMetric::Label> labels, double value, MetricType type) {
  ClientMetric m;
  m.label = std::move(labels);
  if (type == MetricType::Counter) m.counter.value = value;
  else m.gauge.value = value;
  return m;
}

ClientMetric HistogramSample(std::vector<ClientMetric::Label> labels, const Histogram& h) {
  ClientMetric m;
  m.label = std::move(labels);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.upper_bounds.size(); ++i) {
    cumulative += h.counts[i];
    m.histogram.bucket.push_back({cumulative, h.upper_bounds[i]});
  }
  cumulative += h.counts.back();
  m.histogram.bucket.push_back({cumulative, std::numeric_limits<double>::infinity()});
  m.histogram.sample_count = h.count;
  m.histogram.sample_sum = h.sum;
  return m;
}

std::vector<ClientMetric::Label> SS(const ServiceSeverity& k) {
  return {{"service", k.first}, {"severity", k.second}};
}

}  // namespace

std::string RenderMetrics(const IncidentTracker& tracker, Time now, const EventCounts& events,
                          const ProcessInfo& info) {
  constexpr auto kCounter = MetricType::Counter;
  constexpr auto kGauge = MetricType::Gauge;
  std::vector<MetricFamily> out;

  // --- Incidents and their clocking -----------------------------------------
  auto incidents = Family(metric::kIncidents, kCounter);
  auto ttd = Family(metric::kTimeToDetect, MetricType::Histogram);
  auto ttf = Family(metric::kTimeToFix, MetricType::Histogram);
  auto goals = Family(metric::kGoals, kCounter);
  auto counted = Family(metric::kCounted, kCounter);
  auto cause = Family(metric::kSuspectedCause, kCounter);
  auto repeats = Family(metric::kRepeats, kCounter);
  auto auto_resolved = Family(metric::kAutoResolved, kCounter);
  auto debriefs = Family(metric::kDebriefs, kCounter);
  for (const auto& [key, c] : tracker.counters()) {
    incidents.metric.push_back(Sample(SS(key), static_cast<double>(c.opened), kCounter));
    ttd.metric.push_back(HistogramSample(SS(key), c.time_to_detect));
    ttf.metric.push_back(HistogramSample(SS(key), c.time_to_fix));
    for (auto [goal, result, v] : {std::tuple{"detect", "met", c.detect_met},
                                   std::tuple{"detect", "missed", c.detect_missed},
                                   std::tuple{"fix", "met", c.fix_met},
                                   std::tuple{"fix", "missed", c.fix_missed}}) {
      auto labels = SS(key);
      labels.push_back({"goal", goal});
      labels.push_back({"result", result});
      goals.metric.push_back(Sample(labels, static_cast<double>(v), kCounter));
    }
    counted.metric.push_back(Sample(SS(key), static_cast<double>(c.counted), kCounter));
    cause.metric.push_back(Sample(SS(key), static_cast<double>(c.with_suspected_cause), kCounter));
    repeats.metric.push_back(Sample(SS(key), static_cast<double>(c.repeats), kCounter));
    auto_resolved.metric.push_back(Sample(SS(key), static_cast<double>(c.auto_resolved), kCounter));
    for (auto [result, v] : {std::pair{"on_time", c.debriefs_on_time}, std::pair{"late", c.debriefs_late}}) {
      auto labels = SS(key);
      labels.push_back({"result", result});
      debriefs.metric.push_back(Sample(labels, static_cast<double>(v), kCounter));
    }
  }

  // --- Gauges of the current moment -------------------------------------------
  GaugeSnapshot g = tracker.Gauges(now);
  auto open = Family(metric::kOpen, kGauge);
  for (const auto& [key, v] : g.open) open.metric.push_back(Sample(SS(key), static_cast<double>(v), kGauge));
  auto overdue = Family(metric::kDebriefsOverdue, kGauge);
  for (const auto& [key, v] : g.debriefs_overdue) {
    overdue.metric.push_back(Sample(SS(key), static_cast<double>(v), kGauge));
  }
  auto overdue_seconds = Family(metric::kDebriefOverdueSeconds, kGauge);
  for (const OverdueDebrief& o : g.overdue_debriefs) {
    overdue_seconds.metric.push_back(Sample(
        {{"incident_id", o.incident_id}, {"service", o.service}, {"severity", o.severity}},
        Seconds(o.overdue_by), kGauge));
  }
  auto checkpoints = Family(metric::kCheckpointsOverdue, kGauge);
  for (const auto& [key, v] : g.checkpoints_overdue) {
    checkpoints.metric.push_back(Sample(SS(key), static_cast<double>(v), kGauge));
  }
  auto items_open = Family(metric::kActionItemsOpen, kGauge);
  for (const auto& [key, v] : g.action_items_open) {
    items_open.metric.push_back(Sample({{"service", key.first}, {"linked", key.second ? "true" : "false"}},
                                       static_cast<double>(v), kGauge));
  }
  auto items_overdue = Family(metric::kActionItemsOverdue, kGauge);
  for (const auto& [svc, v] : g.action_items_overdue) {
    items_overdue.metric.push_back(Sample({{"service", svc}}, static_cast<double>(v), kGauge));
  }

  // Every service with incidents or items starts at 0.
  const ActionItemCounters& ic = tracker.action_item_counters();
  auto per_service = [&](const metric::Def& def, const std::map<std::string, uint64_t>& counts) {
    std::map<std::string, uint64_t> all = counts;
    for (const auto& [svc, v] : g.action_items_overdue) all.try_emplace(svc, 0);
    auto family = Family(def, kCounter);
    for (const auto& [svc, v] : all) {
      family.metric.push_back(Sample({{"service", svc}}, static_cast<double>(v), kCounter));
    }
    return family;
  };
  auto items_closed = per_service(metric::kActionItemsClosed, ic.closed);
  auto items_reopened = per_service(metric::kActionItemsReopened, ic.reopened);
  auto repeats_with_items = per_service(metric::kRepeatsWithOpenItems, ic.repeats_with_open_items);

  // --- Changes and ingestion ------------------------------------------------------
  auto changes = Family(metric::kChanges, kCounter);
  for (const auto& [key, v] : tracker.changes_total()) {
    changes.metric.push_back(Sample({{"service", key.first}, {"kind", key.second}}, static_cast<double>(v),
                                    kCounter));
  }
  // Every (service, kind) that has changes starts at 0, so the change failure
  // rate is 0 rather than absent; a confirmed change is always among them.
  auto change_failures = Family(metric::kChangeFailures, kCounter);
  {
    std::map<std::pair<std::string, std::string>, uint64_t> failures = tracker.change_failures_total();
    for (const auto& [key, v] : tracker.changes_total()) failures.try_emplace(key, 0);
    for (const auto& [key, v] : failures) {
      change_failures.metric.push_back(
          Sample({{"service", key.first}, {"kind", key.second}}, static_cast<double>(v), kCounter));
    }
  }
  auto evs = Family(metric::kEvents, kCounter);
  for (const std::string& source : info.sources) {
    const bool webhook =
        std::find(info.webhook_sources.begin(), info.webhook_sources.end(), source) != info.webhook_sources.end();
    std::vector<const char*> results = {"accepted", "duplicate", "rejected"};
    if (webhook) results.insert(results.end(), {"ignored", "unauthorized"});
    for (const char* result : results) {
      auto it = events.find({source, result});
      double v = it == events.end() ? 0 : static_cast<double>(it->second);
      evs.metric.push_back(Sample({{"source", source}, {"result", result}}, v, kCounter));
    }
  }
  // One series per receiver that ever truncated; none until one does.
  auto truncated = Family(metric::kAlertsTruncated, kCounter);
  for (const auto& [key, v] : events) {
    if (key.first == kAlertsTruncated) {
      truncated.metric.push_back(Sample({{"receiver", key.second}}, static_cast<double>(v), kCounter));
    }
  }
  auto rules = Family(metric::kRulesLastSuccess, kGauge);
  if (info.rules_last_success) rules.metric.push_back(Sample({}, *info.rules_last_success, kGauge));
  auto commits = Family(metric::kStoreCommits, kCounter);
  commits.metric.push_back(Sample({}, static_cast<double>(info.commits), kCounter));
  auto unreadable = Family(metric::kStoreUnreadable, kGauge);
  unreadable.metric.push_back(Sample({}, static_cast<double>(info.unreadable_events), kGauge));
  auto build = Family(metric::kBuildInfo, kGauge);
  std::vector<ClientMetric::Label> build_labels = {{"version", info.version}};
  if (!info.external_url.empty()) build_labels.push_back({"external_url", info.external_url});
  build.metric.push_back(Sample(build_labels, 1, kGauge));

  for (auto* f : {&incidents, &open, &ttd, &ttf, &goals, &counted, &cause, &repeats, &auto_resolved, &debriefs,
                  &overdue, &overdue_seconds, &checkpoints, &items_open, &items_overdue, &items_closed, &items_reopened,
                  &repeats_with_items, &changes, &change_failures, &evs,
                  &truncated, &rules, &commits, &unreadable, &build}) {
    if ((f == &truncated || f == &rules) && f->metric.empty()) continue;
    out.push_back(std::move(*f));
  }
  std::ostringstream os;
  prometheus::TextSerializer().Serialize(os, out);
  return os.str();
}

}  // namespace debriefd
