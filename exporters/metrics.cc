#include "exporters/metrics.h"

#include "exporters/metric_names.h"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

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

void Add(Histogram& into, const Histogram& from) {
  if (into.counts.size() != from.counts.size()) {
    // Histograms of one tracker share their bounds; this keeps a mistake visible in the sum and count.
    into.sum += from.sum;
    into.count += from.count;
    return;
  }
  for (size_t i = 0; i < from.counts.size(); ++i) into.counts[i] += from.counts[i];
  into.sum += from.sum;
  into.count += from.count;
}

void Add(IncidentCounters& into, const IncidentCounters& from) {
  into.opened += from.opened;
  into.repeats += from.repeats;
  into.counted += from.counted;
  into.with_suspected_cause += from.with_suspected_cause;
  into.auto_resolved += from.auto_resolved;
  into.detect_met += from.detect_met;
  into.detect_missed += from.detect_missed;
  into.fix_met += from.fix_met;
  into.fix_missed += from.fix_missed;
  into.debriefs_on_time += from.debriefs_on_time;
  into.debriefs_late += from.debriefs_late;
  Add(into.time_to_detect, from.time_to_detect);
  Add(into.time_to_fix, from.time_to_fix);
}

// Re-keys a map through `rename` of its service, summing what collides.
template <typename K, typename V, typename Rename, typename Sum>
std::map<K, V> Rekey(std::map<K, V>&& in, Rename rename, Sum sum) {
  std::map<K, V> out;
  for (auto& [key, value] : in) {
    K k = rename(key);
    auto [it, fresh] = out.try_emplace(std::move(k), value);
    if (!fresh) sum(it->second, value);
  }
  return out;
}

}  // namespace

MetricsSnapshot TakeMetricsSnapshot(const IncidentTracker& tracker, Time now) {
  MetricsSnapshot s;
  s.counters = tracker.counters();
  s.gauges = tracker.Gauges(now);
  s.items = tracker.action_item_counters();
  s.changes = tracker.changes_total();
  s.change_failures = tracker.change_failures_total();
  std::set<std::string_view> seen;
  for (const Incident& inc : tracker.incidents()) {
    if (seen.insert(inc.service).second) s.services_by_first_incident.push_back(inc.service);
  }
  return s;
}

size_t FoldServices(MetricsSnapshot& s, size_t max_services) {
  if (max_services == 0) return 0;
  std::set<std::string> all(s.services_by_first_incident.begin(), s.services_by_first_incident.end());
  for (const auto& [k, v] : s.counters) all.insert(k.first);
  for (const auto& [k, v] : s.gauges.action_items_open) all.insert(k.first);
  for (const auto& [k, v] : s.gauges.action_items_overdue) all.insert(k);
  for (const auto* m : {&s.items.closed, &s.items.reopened, &s.items.repeats_with_open_items}) {
    for (const auto& [k, v] : *m) all.insert(k);
  }
  for (const auto& [k, v] : s.changes) all.insert(k.first);
  for (const auto& [k, v] : s.change_failures) all.insert(k.first);
  if (all.size() <= max_services) return 0;

  std::set<std::string> kept;
  for (const std::string& svc : s.services_by_first_incident) {
    if (kept.size() == max_services) break;
    kept.insert(svc);
  }
  const size_t folded = all.size() - kept.size();
  auto name = [&](const std::string& svc) { return kept.count(svc) ? svc : std::string(kOtherService); };
  auto ss = [&](const ServiceSeverity& k) { return ServiceSeverity{name(k.first), k.second}; };
  auto plus = [](uint64_t& a, uint64_t b) { a += b; };
  auto by_service = [&](const std::string& k) { return name(k); };
  auto by_pair = [&](const std::pair<std::string, std::string>& k) { return std::pair{name(k.first), k.second}; };

  s.counters = Rekey(std::move(s.counters), ss, [](IncidentCounters& a, const IncidentCounters& b) { Add(a, b); });
  s.gauges.open = Rekey(std::move(s.gauges.open), ss, plus);
  s.gauges.debriefs_overdue = Rekey(std::move(s.gauges.debriefs_overdue), ss, plus);
  s.gauges.checkpoints_overdue = Rekey(std::move(s.gauges.checkpoints_overdue), ss, plus);
  s.gauges.action_items_open = Rekey(
      std::move(s.gauges.action_items_open),
      [&](const std::pair<std::string, bool>& k) { return std::pair{name(k.first), k.second}; }, plus);
  s.gauges.action_items_overdue = Rekey(std::move(s.gauges.action_items_overdue), by_service, plus);
  for (OverdueDebrief& o : s.gauges.overdue_debriefs) o.service = name(o.service);
  s.items.closed = Rekey(std::move(s.items.closed), by_service, plus);
  s.items.reopened = Rekey(std::move(s.items.reopened), by_service, plus);
  s.items.repeats_with_open_items = Rekey(std::move(s.items.repeats_with_open_items), by_service, plus);
  s.changes = Rekey(std::move(s.changes), by_pair, plus);
  s.change_failures = Rekey(std::move(s.change_failures), by_pair, plus);
  return folded;
}

std::string RenderMetrics(const IncidentTracker& tracker, Time now, const EventCounts& events,
                          const ProcessInfo& info) {
  return RenderMetrics(TakeMetricsSnapshot(tracker, now), events, info);
}

std::string RenderMetrics(const MetricsSnapshot& snapshot, const EventCounts& events, const ProcessInfo& info) {
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
  for (const auto& [key, c] : snapshot.counters) {
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
  const GaugeSnapshot& g = snapshot.gauges;
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
  const ActionItemCounters& ic = snapshot.items;
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
  for (const auto& [key, v] : snapshot.changes) {
    changes.metric.push_back(Sample({{"service", key.first}, {"kind", key.second}}, static_cast<double>(v),
                                    kCounter));
  }
  // Every (service, kind) that has changes starts at 0, so the change failure
  // rate is 0 rather than absent; a confirmed change is always among them.
  auto change_failures = Family(metric::kChangeFailures, kCounter);
  {
    std::map<std::pair<std::string, std::string>, uint64_t> failures = snapshot.change_failures;
    for (const auto& [key, v] : snapshot.changes) failures.try_emplace(key, 0);
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
  // An empty label is no label to Prometheus: revision and external_url appear when known.
  std::vector<ClientMetric::Label> build_labels = {{"version", info.version}};
  if (!info.revision.empty()) build_labels.push_back({"revision", info.revision});
  if (!info.external_url.empty()) build_labels.push_back({"external_url", info.external_url});
  build.metric.push_back(Sample(build_labels, 1, kGauge));
  auto folded = Family(metric::kLabelValuesFolded, kGauge);
  folded.metric.push_back(Sample({{"label", "service"}}, static_cast<double>(info.services_folded), kGauge));

  // --- HTTP, config, server and process -----------------------------------------
  auto http_requests = Family(metric::kHttpRequests, kCounter);
  auto http_duration = Family(metric::kHttpDuration, MetricType::Histogram);
  for (const HttpHandlerFigures& h : info.http) {
    for (const auto& [code, v] : h.requests_by_code) {
      http_requests.metric.push_back(
          Sample({{"code", std::to_string(code)}, {"handler", h.handler}}, static_cast<double>(v), kCounter));
    }
    http_duration.metric.push_back(HistogramSample({{"handler", h.handler}}, h.duration));
  }
  std::vector<MetricFamily> optional;
  auto single = [&](const metric::Def& def, MetricType type, double v) {
    auto f = Family(def, type);
    f.metric.push_back(Sample({}, v, type));
    optional.push_back(std::move(f));
  };
  if (info.reload) {
    single(metric::kConfigReloadSuccessful, kGauge, info.reload->last_successful ? 1 : 0);
    single(metric::kConfigReloadSuccessTime, kGauge, info.reload->last_success_seconds);
  }
  if (info.server) {
    const ServerFigures& sv = *info.server;
    single(metric::kHttpConnectionsOpen, kGauge, static_cast<double>(sv.connections_open));
    single(metric::kHttpConnectionsRefused, kCounter, static_cast<double>(sv.connections_refused_total));
    single(metric::kHttpAcceptErrors, kCounter, static_cast<double>(sv.accept_errors_total));
    single(metric::kHttpInflightBodyBytes, kGauge, static_cast<double>(sv.inflight_bytes));
    single(metric::kHttpInflightRejected, kCounter, static_cast<double>(sv.inflight_rejected_total));
    single(metric::kHttpBasicAuthFailures, kCounter, static_cast<double>(sv.basic_auth_failures_total));
    single(metric::kTlsHandshakeErrors, kCounter, static_cast<double>(sv.tls_handshake_errors_total));
    single(metric::kTlsReloads, kCounter, static_cast<double>(sv.tls_reloads_total));
    single(metric::kTlsReloadErrors, kCounter, static_cast<double>(sv.tls_reload_errors_total));
  }
  if (info.process) {
    const ProcessStats& p = *info.process;
    single(metric::kProcessCpu, kCounter, p.cpu_seconds);
    single(metric::kProcessResident, kGauge, p.resident_bytes);
    single(metric::kProcessVirtual, kGauge, p.virtual_bytes);
    single(metric::kProcessOpenFds, kGauge, p.open_fds);
    single(metric::kProcessMaxFds, kGauge, p.max_fds);
    single(metric::kProcessStartTime, kGauge, p.start_time_seconds);
  }

  for (auto* f : {&incidents, &open, &ttd, &ttf, &goals, &counted, &cause, &repeats, &auto_resolved, &debriefs,
                  &overdue, &overdue_seconds, &checkpoints, &items_open, &items_overdue, &items_closed, &items_reopened,
                  &repeats_with_items, &changes, &change_failures, &evs,
                  &truncated, &rules, &commits, &unreadable, &build, &folded, &http_requests, &http_duration}) {
    if ((f == &truncated || f == &rules || f == &http_requests || f == &http_duration) && f->metric.empty()) continue;
    out.push_back(std::move(*f));
  }
  for (MetricFamily& f : optional) out.push_back(std::move(f));
  std::ostringstream os;
  prometheus::TextSerializer().Serialize(os, out);
  return os.str();
}

}  // namespace debriefd
