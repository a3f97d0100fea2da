#include "exporters/metrics.h"

#include "exporters/metric_names.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace debriefd {
namespace {

// The text format 0.0.4, written straight into one string. Byte for byte what
// prometheus-cpp 1.0's TextSerializer writes (docs/metrics.md, "Format"):
// doubles as printf's %.16g in the C locale, "+Inf", "-Inf" and "Nan";
// counts of histograms as integers; label values with \\, \" and \n escaped;
// no timestamps. A scrape at 100,000 incidents writes some 100,000 lines, and
// building prometheus-cpp's objects and an ostream for each was most of its
// cost.
struct Label {
  std::string_view name;
  std::string_view value;
};
using Labels = std::initializer_list<Label>;

class Exposition {
 public:
  Exposition(size_t reserve, std::string buffer) : out_(std::move(buffer)) {
    out_.clear();
    out_.reserve(reserve);
  }

  void Family(const metric::Def& def, std::string_view type) {
    if (!def.help.empty()) {
      Append("# HELP ", def.name, " ", def.help, "\n");
    }
    Append("# TYPE ", def.name, " ", type, "\n");
  }
  void Sample(std::string_view name, Labels labels, double value) {
    Head(name, labels);
    Double(value);
    out_ += '\n';
  }
  void Sample(std::string_view name, Labels labels, uint64_t value) { Sample(name, labels, static_cast<double>(value)); }
  // With labels written once by Render (for the some 40 lines of each
  // (service, severity)), and `more` (already escaped) after them.
  void Sample(std::string_view name, const std::string& rendered, std::string_view more, double value) {
    Append(name, "{", rendered, more, "} ");
    Double(value);
    out_ += '\n';
  }
  void HistogramSample(std::string_view name, Labels labels, const Histogram& h) {
    HistogramSample(name, Render(labels), h);
  }
  void HistogramSample(std::string_view name, const std::string& rendered, const Histogram& h) {
    const std::string_view comma = rendered.empty() ? "" : ",";
    Append(name, "_count");
    if (!rendered.empty()) Append("{", rendered, "}");
    out_ += ' ';
    Integer(h.count);
    Append("\n", name, "_sum");
    if (!rendered.empty()) Append("{", rendered, "}");
    out_ += ' ';
    Double(h.sum);
    out_ += '\n';
    const std::vector<std::string>& bounds = BoundTexts(h.upper_bounds);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < h.counts.size(); ++i) {
      cumulative += h.counts[i];
      Append(name, "_bucket{", rendered, comma, "le=\"", i < bounds.size() ? std::string_view(bounds[i]) : "+Inf", "\"} ");
      Integer(cumulative);
      out_ += '\n';
    }
  }
  // name="value" pairs, escaped and comma-separated, without the braces.
  std::string Render(Labels labels) {
    std::string saved = std::exchange(out_, {});
    const char* sep = "";
    for (const Label& l : labels) {
      Append(sep, l.name, "=\"");
      Escaped(l.value);
      out_ += '"';
      sep = ",";
    }
    return std::exchange(out_, std::move(saved));
  }
  std::string Take() { return std::move(out_); }

 private:
  template <typename... Parts>
  void Append(const Parts&... parts) {
    (out_.append(std::string_view(parts)), ...);
  }
  // name{labels} and a space (no braces without labels).
  void Head(std::string_view name, Labels labels) {
    out_ += name;
    if (labels.size() == 0) {
      out_ += ' ';
      return;
    }
    char sep = '{';
    for (const Label& l : labels) {
      Append(std::string_view(&sep, 1), l.name, "=\"");
      Escaped(l.value);
      out_ += '"';
      sep = ',';
    }
    out_ += "} ";
  }
  void Escaped(std::string_view v) {
    // Most values need no escape: appended whole, not a character at a time.
    if (std::none_of(v.begin(), v.end(), [](char c) { return c == '\n' || c == '\\' || c == '"'; })) {
      out_ += v;
      return;
    }
    for (char c : v) {
      if (c == '\n') out_ += "\\n";
      else if (c == '\\' || c == '"') (out_ += '\\') += c;
      else out_ += c;
    }
  }
  // The le="" texts of the buckets, made once for each set of bounds (every
  // histogram of a tracker shares one).
  const std::vector<std::string>& BoundTexts(const std::vector<double>& bounds) {
    if (bounds != bound_values_) {
      bound_values_ = bounds;
      bound_texts_.clear();
      std::string saved = std::exchange(out_, {});
      for (double b : bounds) {
        Double(b);
        bound_texts_.push_back(std::exchange(out_, {}));
      }
      out_ = std::move(saved);
    }
    return bound_texts_;
  }
  void Integer(uint64_t v) {
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  }
  void Double(double v) {
    if (std::isnan(v)) {
      out_ += "Nan";
    } else if (std::isinf(v)) {
      out_ += v < 0 ? "-Inf" : "+Inf";
    } else if (v == std::trunc(v) && std::fabs(v) < 1e15 && !(v == 0 && std::signbit(v))) {
      // A whole number below 1e15 prints as %.16g prints it: its digits.
      char buf[24];
      out_.append(buf, std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v)).ptr);
    } else {
      // What printf's %.16g writes in the C locale, without a locale.
      char buf[32];
      out_.append(buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 16).ptr);
    }
  }

  std::string out_;
  std::vector<double> bound_values_;
  std::vector<std::string> bound_texts_;
};

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

namespace {

// The numbers of the snapshot other than the gauges.
MetricsSnapshot CopyAllButGauges(const IncidentTracker& tracker, size_t max_services) {
  MetricsSnapshot s;
  s.counters = tracker.counters();
  s.items = tracker.action_item_counters();
  s.changes = tracker.changes_total();
  s.change_failures = tracker.change_failures_total();
  if (max_services == 0) return s;
  // Only FoldServices reads this list, and only its first max_services
  // names; every service with an incident has counters, so once as many
  // names are listed as there are such services (or max_services), the rest
  // of the incidents cannot add one. Usually that is near the start.
  std::unordered_set<std::string_view> services;
  for (const auto& [key, c] : s.counters) services.insert(key.first);
  const size_t wanted = std::min(max_services, services.size());
  std::unordered_set<std::string_view> seen;
  for (const Incident& inc : tracker.incidents()) {
    if (s.services_by_first_incident.size() == wanted) break;
    if (seen.insert(inc.service).second) s.services_by_first_incident.push_back(inc.service);
  }
  return s;
}

}  // namespace

MetricsSnapshot TakeMetricsSnapshot(const IncidentTracker& tracker, Time now, size_t max_services,
                                    size_t max_overdue) {
  MetricsSnapshot s = CopyAllButGauges(tracker, max_services);
  s.gauges = tracker.Gauges(now, max_overdue);
  return s;
}

MetricsSnapshot TakeMetricsSnapshotInSteps(const StepReader& read, size_t max_services, size_t max_overdue,
                                           size_t step) {
  std::optional<GaugeWalk> walk;
  uint64_t generation = 0;
  bool done = false;
  read([&](const IncidentTracker& t, Time now, uint64_t g) {
    generation = g;
    walk.emplace(now, max_overdue);
    done = walk->Step(t.policy(), t.incidents(), step);
  });
  bool replaced = false;
  while (!done && !replaced) {
    // The selection of the longest overdue, outside the lock, after every
    // step: the list stays within max_overdue plus a step, not one entry for
    // each overdue incident.
    walk->Trim();
    read([&](const IncidentTracker& t, Time, uint64_t g) {
      replaced = g != generation;
      if (!replaced) done = walk->Step(t.policy(), t.incidents(), step);
    });
  }
  walk->Trim();
  GaugeSnapshot gauges;
  if (!replaced) {
    read([&](const IncidentTracker& t, Time, uint64_t g) {
      replaced = g != generation;
      if (!replaced) gauges = walk->FinishWithoutZeros(t.policy(), t.incidents(), t.action_items());
    });
  }
  // The other numbers in a hold of their own: the longest hold is then
  // about half of what both would take.
  MetricsSnapshot s;
  read([&](const IncidentTracker& t, Time now, uint64_t g) {
    // The state was replaced between two steps (a reload): what was walked
    // belongs to another tracker, so the whole walk again, under this lock.
    replaced = replaced || g != generation;
    s = replaced ? TakeMetricsSnapshot(t, now, max_services, max_overdue) : CopyAllButGauges(t, max_services);
  });
  if (!replaced) s.gauges = std::move(gauges);
  AddGaugeZeros(s.gauges, s.counters);
  return s;
}

size_t CapOverdueDebriefs(MetricsSnapshot& s, size_t max_series) {
  std::vector<OverdueDebrief>& all = s.gauges.overdue_debriefs;
  const size_t total = std::max(s.gauges.overdue_debriefs_total, all.size());
  if (max_series == 0 || all.size() <= max_series) return total - all.size();
  // The longest overdue matter most (they are the ones to chase); the order
  // of the list (incident order) breaks ties and is kept in the output.
  std::vector<size_t> order(all.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(max_series), order.end(),
                   [&all](size_t a, size_t b) {
                     return all[a].overdue_by != all[b].overdue_by ? all[a].overdue_by > all[b].overdue_by : a < b;
                   });
  order.resize(max_series);
  std::sort(order.begin(), order.end());
  std::vector<OverdueDebrief> kept;
  kept.reserve(max_series);
  for (size_t i : order) kept.push_back(std::move(all[i]));
  all = std::move(kept);
  return total - all.size();
}

size_t FoldServices(MetricsSnapshot& s, size_t max_services) {
  if (max_services == 0) return 0;
  // Views of the names, not copies: on every scrape, and usually to find
  // that nothing is to be folded.
  std::unordered_set<std::string_view> all(s.services_by_first_incident.begin(), s.services_by_first_incident.end());
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

std::string RenderMetrics(const MetricsSnapshot& snapshot, const EventCounts& events, const ProcessInfo& info,
                          std::string buffer) {
  constexpr std::string_view kCounter = "counter", kGauge = "gauge", kHistogram = "histogram";
  // About 110 bytes per line, some 40 lines per (service, severity).
  Exposition x(64 * 1024 + snapshot.counters.size() * 4800, std::move(buffer));

  // --- Incidents and their clocking -----------------------------------------
  const auto& counters = snapshot.counters;
  const GaugeSnapshot& g = snapshot.gauges;
  // The labels of each (service, severity) of the counters, in their order.
  std::vector<std::string> key_labels;
  key_labels.reserve(counters.size());
  for (const auto& [key, c] : counters) key_labels.push_back(x.Render({{"service", key.first}, {"severity", key.second}}));
  auto per_key = [&](const metric::Def& def, std::string_view type, auto&& value) {
    x.Family(def, type);
    size_t i = 0;
    for (const auto& [key, c] : counters) x.Sample(def.name, key_labels[i++], "", static_cast<double>(value(c)));
  };
  auto per_key_gauge = [&](const metric::Def& def, const std::map<ServiceSeverity, uint64_t>& values) {
    x.Family(def, kGauge);
    for (const auto& [key, v] : values) x.Sample(def.name, {{"service", key.first}, {"severity", key.second}}, v);
  };
  auto histograms = [&](const metric::Def& def, Histogram IncidentCounters::*h) {
    x.Family(def, kHistogram);
    size_t i = 0;
    for (const auto& [key, c] : counters) x.HistogramSample(def.name, key_labels[i++], c.*h);
  };
  per_key(metric::kIncidents, kCounter, [](const IncidentCounters& c) { return c.opened; });
  per_key_gauge(metric::kOpen, g.open);
  histograms(metric::kTimeToDetect, &IncidentCounters::time_to_detect);
  histograms(metric::kTimeToFix, &IncidentCounters::time_to_fix);
  x.Family(metric::kGoals, kCounter);
  {
    size_t i = 0;
    for (const auto& [key, c] : counters) {
      const std::string& labels = key_labels[i++];
      for (auto [more, v] : {std::pair{",goal=\"detect\",result=\"met\"", c.detect_met},
                             std::pair{",goal=\"detect\",result=\"missed\"", c.detect_missed},
                             std::pair{",goal=\"fix\",result=\"met\"", c.fix_met},
                             std::pair{",goal=\"fix\",result=\"missed\"", c.fix_missed}}) {
        x.Sample(metric::kGoals.name, labels, more, static_cast<double>(v));
      }
    }
  }
  per_key(metric::kCounted, kCounter, [](const IncidentCounters& c) { return c.counted; });
  per_key(metric::kSuspectedCause, kCounter, [](const IncidentCounters& c) { return c.with_suspected_cause; });
  per_key(metric::kRepeats, kCounter, [](const IncidentCounters& c) { return c.repeats; });
  per_key(metric::kAutoResolved, kCounter, [](const IncidentCounters& c) { return c.auto_resolved; });
  x.Family(metric::kDebriefs, kCounter);
  {
    size_t i = 0;
    for (const auto& [key, c] : counters) {
      const std::string& labels = key_labels[i++];
      x.Sample(metric::kDebriefs.name, labels, ",result=\"on_time\"", static_cast<double>(c.debriefs_on_time));
      x.Sample(metric::kDebriefs.name, labels, ",result=\"late\"", static_cast<double>(c.debriefs_late));
    }
  }

  // --- Gauges of the current moment -------------------------------------------
  per_key_gauge(metric::kDebriefsOverdue, g.debriefs_overdue);
  x.Family(metric::kDebriefOverdueSeconds, kGauge);
  for (const OverdueDebrief& o : g.overdue_debriefs) {
    x.Sample(metric::kDebriefOverdueSeconds.name,
             {{"incident_id", o.incident_id}, {"service", o.service}, {"severity", o.severity}},
             Seconds(o.overdue_by));
  }
  per_key_gauge(metric::kCheckpointsOverdue, g.checkpoints_overdue);
  x.Family(metric::kActionItemsOpen, kGauge);
  for (const auto& [key, v] : g.action_items_open) {
    x.Sample(metric::kActionItemsOpen.name, {{"service", key.first}, {"linked", key.second ? "true" : "false"}}, v);
  }
  x.Family(metric::kActionItemsOverdue, kGauge);
  for (const auto& [svc, v] : g.action_items_overdue) x.Sample(metric::kActionItemsOverdue.name, {{"service", svc}}, v);

  // Every service with incidents or items starts at 0.
  const ActionItemCounters& ic = snapshot.items;
  auto per_service = [&](const metric::Def& def, const std::map<std::string, uint64_t>& counts) {
    std::map<std::string, uint64_t> all = counts;
    for (const auto& [svc, v] : g.action_items_overdue) all.try_emplace(svc, 0);
    x.Family(def, kCounter);
    for (const auto& [svc, v] : all) x.Sample(def.name, {{"service", svc}}, v);
  };
  per_service(metric::kActionItemsClosed, ic.closed);
  per_service(metric::kActionItemsReopened, ic.reopened);
  per_service(metric::kRepeatsWithOpenItems, ic.repeats_with_open_items);

  // --- Changes and ingestion ------------------------------------------------------
  x.Family(metric::kChanges, kCounter);
  for (const auto& [key, v] : snapshot.changes) {
    x.Sample(metric::kChanges.name, {{"service", key.first}, {"kind", key.second}}, v);
  }
  // Every (service, kind) that has changes starts at 0, so the change failure
  // rate is 0 rather than absent; a confirmed change is always among them.
  x.Family(metric::kChangeFailures, kCounter);
  {
    std::map<std::pair<std::string, std::string>, uint64_t> failures = snapshot.change_failures;
    for (const auto& [key, v] : snapshot.changes) failures.try_emplace(key, 0);
    for (const auto& [key, v] : failures) {
      x.Sample(metric::kChangeFailures.name, {{"service", key.first}, {"kind", key.second}}, v);
    }
  }
  x.Family(metric::kEvents, kCounter);
  for (const std::string& source : info.sources) {
    const bool webhook =
        std::find(info.webhook_sources.begin(), info.webhook_sources.end(), source) != info.webhook_sources.end();
    std::vector<const char*> results = {"accepted", "duplicate", "rejected"};
    if (webhook) results.insert(results.end(), {"ignored", "unauthorized"});
    for (const char* result : results) {
      auto it = events.find({source, result});
      x.Sample(metric::kEvents.name, {{"source", source}, {"result", result}}, it == events.end() ? 0 : it->second);
    }
  }
  // One series per receiver that ever truncated; none until one does (no
  // family either, as for the others below that may be empty).
  bool truncated = false;
  for (const auto& [key, v] : events) {
    if (key.first != kAlertsTruncated) continue;
    if (!truncated) x.Family(metric::kAlertsTruncated, kCounter);
    truncated = true;
    x.Sample(metric::kAlertsTruncated.name, {{"receiver", key.second}}, v);
  }
  if (info.rules_last_success) {
    x.Family(metric::kRulesLastSuccess, kGauge);
    x.Sample(metric::kRulesLastSuccess.name, {}, *info.rules_last_success);
  }
  x.Family(metric::kStoreCommits, kCounter);
  x.Sample(metric::kStoreCommits.name, {}, info.commits);
  x.Family(metric::kStoreSnapshots, kCounter);
  x.Sample(metric::kStoreSnapshots.name, {{"result", "saved"}}, info.snapshots.saved);
  x.Sample(metric::kStoreSnapshots.name, {{"result", "failed"}}, info.snapshots.failed);
  x.Family(metric::kStoreSnapshotLastSuccess, kGauge);
  x.Sample(metric::kStoreSnapshotLastSuccess.name, {}, info.snapshots.last_success);
  x.Family(metric::kStoreEventsSinceSnapshot, kGauge);
  x.Sample(metric::kStoreEventsSinceSnapshot.name, {}, info.snapshots.events_since);
  x.Family(metric::kStoreUnreadable, kGauge);
  x.Sample(metric::kStoreUnreadable.name, {}, info.unreadable_events);
  if (info.replica) {
    x.Family(metric::kStoreAppliedSeq, kGauge);
    x.Sample(metric::kStoreAppliedSeq.name, {}, static_cast<double>(info.replica->applied_seq));
    x.Family(metric::kStoreAvailable, kGauge);
    x.Sample(metric::kStoreAvailable.name, {}, info.replica->store_available ? 1.0 : 0.0);
    x.Family(metric::kReplicationDelay, kHistogram);
    x.HistogramSample(metric::kReplicationDelay.name, {}, info.replica->delay);
  }
  x.Family(metric::kBuildInfo, kGauge);
  // An empty label is no label to Prometheus: revision and external_url appear when known.
  if (info.revision.empty() && info.external_url.empty()) {
    x.Sample(metric::kBuildInfo.name, {{"version", info.version}}, 1.0);
  } else if (info.external_url.empty()) {
    x.Sample(metric::kBuildInfo.name, {{"version", info.version}, {"revision", info.revision}}, 1.0);
  } else if (info.revision.empty()) {
    x.Sample(metric::kBuildInfo.name, {{"version", info.version}, {"external_url", info.external_url}}, 1.0);
  } else {
    x.Sample(metric::kBuildInfo.name,
             {{"version", info.version}, {"revision", info.revision}, {"external_url", info.external_url}}, 1.0);
  }
  x.Family(metric::kLabelValuesFolded, kGauge);
  x.Sample(metric::kLabelValuesFolded.name, {{"label", "incident_id"}}, static_cast<uint64_t>(info.overdue_left_out));
  x.Sample(metric::kLabelValuesFolded.name, {{"label", "service"}}, static_cast<uint64_t>(info.services_folded));

  // --- HTTP, config, server and process -----------------------------------------
  bool any_requests = false;
  for (const HttpHandlerFigures& h : info.http) any_requests = any_requests || !h.requests_by_code.empty();
  if (any_requests) {
    x.Family(metric::kHttpRequests, kCounter);
    for (const HttpHandlerFigures& h : info.http) {
      for (const auto& [code, v] : h.requests_by_code) {
        x.Sample(metric::kHttpRequests.name, {{"code", std::to_string(code)}, {"handler", h.handler}}, v);
      }
    }
  }
  if (!info.http.empty()) {
    x.Family(metric::kHttpDuration, kHistogram);
    for (const HttpHandlerFigures& h : info.http) {
      x.HistogramSample(metric::kHttpDuration.name, {{"handler", h.handler}}, h.duration);
    }
  }
  auto single = [&](const metric::Def& def, std::string_view type, double v) {
    x.Family(def, type);
    x.Sample(def.name, {}, v);
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
  return x.Take();
}

}  // namespace debriefd
