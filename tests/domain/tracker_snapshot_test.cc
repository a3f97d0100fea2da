// Snapshots of the tracker: a tracker restored from a snapshot, given the
// events after it, must be indistinguishable from one that applied every
// event: the same /metrics, the same JSON of every incident and action item,
// the same answers to the events still to come.
#include "domain/tracker_snapshot.h"

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

#include "collector/replay.h"
#include "collector/sources/registry.h"
#include "collector/store/sqlite_store.h"
#include "domain/tracker.h"
#include "exporters/incident_json.h"
#include "exporters/metrics.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

Policy TestPolicy() {
  Policy p;
  p.goals_by_severity["critical"] = Goals{Min(2), Min(30)};
  p.debrief_required_for = {"critical", "warning"};
  p.pending["CheckoutErrors"] = Min(2);
  return p;
}

// Everything a reader can see of a tracker at `now`.
std::string Observe(const IncidentTracker& t, Time now) {
  std::string out = RenderMetrics(t, now, {}, ProcessInfo{});
  for (const Incident& inc : t.incidents()) {
    out += IncidentJson(t, inc, now, true);
    out += '\n';
  }
  std::vector<const ActionItem*> items;
  for (const auto& [id, item] : t.action_items()) items.push_back(&item);
  out += ActionItemListJson(items, now);
  for (const ChangeEvent& c : t.changes()) out += c.id + ";";
  for (const ChangeFailure& f : t.change_failures()) out += f.change_id + "@" + FormatRfc3339(f.confirmed_at) + ";";
  out += "now=" + FormatRfc3339(t.now());
  return out;
}

// What applying `e` answers: the check, the dedup key, the status and the incident.
std::string Answer(IncidentTracker& t, const Event& e) {
  std::string out = t.Check({&e}).message() + "|" + t.DedupKeyOf(e) + "|";
  std::string incident;
  out += t.Apply(e, &incident).message() + "|" + incident;
  return out;
}

std::unique_ptr<IncidentTracker> RoundTrip(const IncidentTracker& t) {
  auto restored = IncidentTracker::RestoreSnapshot(t.policy(), t.SaveSnapshot());
  EXPECT_TRUE(restored.ok()) << restored.status().message();
  return restored.ok() ? std::move(*restored) : std::make_unique<IncidentTracker>(t.policy());
}

// A few weeks of four services: alerts that fire, resolve, flap, re-fire and
// arrive twice or late; declarations, some joining alert incidents; changes;
// acknowledgements and resolutions; debriefs that confirm causes, amend
// themselves and open items; waivers and checkpoints; items closed natively
// and by tracker issues (linked by label and by title, closed, reopened,
// unlabelled, deleted). Generated against a reference tracker, so that later
// events name the incidents earlier ones opened. Deterministic.
std::vector<Event> Scenario(const Policy& policy, size_t n) {
  IncidentTracker ref(policy);
  std::mt19937 rng(15);
  auto pick = [&](size_t k) { return static_cast<size_t>(rng() % k); };
  const std::vector<std::string> services = {"checkout", "payments", "search", "auth"};
  const std::vector<std::string> severities = {"critical", "warning", "info"};
  std::vector<Event> out;
  std::vector<std::string> incidents, changes, items;
  std::map<std::string, Time> firing;  // fingerprint -> startsAt of its open period
  std::map<std::string, std::pair<Time, Time>> resolved;  // fingerprint -> (startsAt, endsAt)
  Time t = T("2026-09-01T00:00:00Z");
  int seq = 0;
  auto emit = [&](Event e) {
    e.dedup_key += "#" + std::to_string(seq++);
    std::string id;
    ref.Apply(e, &id);
    if (!id.empty() && std::find(incidents.begin(), incidents.end(), id) == incidents.end()) incidents.push_back(id);
    out.push_back(std::move(e));
  };
  auto native = [&](EventBody body, const std::string& source = "events") {
    Event e = Native(std::move(body), t);
    e.source = source;
    emit(std::move(e));
  };
  auto any_incident = [&]() { return incidents.empty() ? std::string("INC-none") : incidents[pick(incidents.size())]; };
  {  // one flaky alert: a flap inside one period, a resolution, a re-fire that reopens
    const std::map<std::string, std::string> labels = {{"service", "flaky"}, {"severity", "critical"}};
    const Time s0 = t;
    emit(Alert("Flaky", labels, true, s0, s0 + Min(1), std::nullopt, "flaky-fp"));
    emit(Alert("Flaky", labels, true, s0 + Min(2), s0 + Min(3), std::nullopt, "flaky-fp"));
    emit(Alert("Flaky", labels, false, s0 + Min(2), s0 + Min(6), s0 + Min(5), "flaky-fp"));
    emit(Alert("Flaky", labels, true, s0 + Min(9), s0 + Min(10), std::nullopt, "flaky-fp"));
    emit(Alert("Flaky", labels, false, s0 + Min(9), s0 + Min(12), s0 + Min(11), "flaky-fp"));
    t = s0 + Min(12);
  }
  while (out.size() < n) {
    t += std::chrono::seconds(30 + pick(4) * 600);
    if (pick(12) == 0) t += Hours(static_cast<int>(1 + pick(48)));  // counting, debriefs due, overdue
    const std::string service = services[pick(services.size())];
    const std::string fp = service + "-fp" + std::to_string(pick(3));
    const std::string alertname = pick(2) ? "CheckoutErrors" : "HighLatency";
    std::map<std::string, std::string> labels = {{"service", service},
                                                 {"severity", severities[pick(severities.size())]}};
    if (pick(4) == 0) labels["environment"] = "staging";
    switch (pick(16)) {
      case 0:
      case 1:
      case 2: {  // fire (a new period, a flap with a new startsAt, or a re-send)
        Time starts = firing.count(fp) && pick(2) ? firing[fp] : t - Min(static_cast<int>(pick(5)));
        firing[fp] = starts;
        emit(Alert(alertname, labels, true, starts, t, std::nullopt, fp));
        break;
      }
      case 3:
      case 4: {  // resolve, sometimes twice
        auto it = firing.find(fp);
        if (it == firing.end()) break;
        emit(Alert(alertname, labels, false, it->second, t, t - Min(1), fp));
        resolved[fp] = {it->second, t - Min(1)};
        if (pick(3) == 0) emit(Alert(alertname, labels, false, it->second, t, t - Min(1), fp));
        firing.erase(it);
        break;
      }
      case 5: {  // a late copy or a re-fire of a resolved period
        auto it = resolved.find(fp);
        if (it == resolved.end()) break;
        emit(Alert(alertname, labels, true, it->second.first, t, std::nullopt, fp));
        firing[fp] = it->second.first;
        break;
      }
      case 6: {
        std::string id = "chg-" + std::to_string(changes.size());
        native(ChangeEvent{id, t - Min(1), service, pick(2) ? "deploy" : "config", pick(3) ? "production" : "",
                           "v" + std::to_string(pick(100)), "d", "https://ci/" + id});
        changes.push_back(id);
        break;
      }
      case 7: {
        std::string id = pick(3) ? "INC-" + std::to_string(incidents.size() + 100) : "";
        std::optional<Time> started;
        if (pick(2)) started = t - Min(static_cast<int>(5 + pick(30)));
        native(IncidentDeclared{id, t, service, severities[pick(severities.size())], "declared", started});
        break;
      }
      case 8: {
        auto kind = static_cast<IncidentTransition::Kind>(pick(3));
        native(IncidentTransition{kind, any_incident(), t});
        break;
      }
      case 9: {
        DebriefCompleted d{any_incident(), t, "https://wiki/" + std::to_string(seq)};
        if (!changes.empty() && pick(2)) d.confirmed_cause_id = changes[pick(changes.size())];
        if (pick(2)) d.started_at = t - Hours(3);
        if (pick(2)) d.impact = Impact{static_cast<double>(pick(1000)), std::nullopt, "carts lost"};
        for (size_t i = pick(3); i > 0; --i) {
          std::string item = "AI-" + std::to_string(items.size());
          std::optional<Time> due;
          if (pick(2)) due = t + Days(static_cast<int>(pick(20)));
          d.action_items.push_back(ActionItemSpec{item, "fix " + item, "https://jira/" + item, due, {"x"}});
          items.push_back(item);
        }
        native(d);
        break;
      }
      case 10: {
        DebriefUpdated u{any_incident(), t};
        if (pick(2)) u.url = "https://wiki/updated";
        if (!changes.empty() && pick(2)) u.confirmed_cause_id = changes[pick(changes.size())];
        if (pick(2)) u.impact = Impact{std::nullopt, 12.5, "refunds"};
        if (!items.empty() && pick(2)) u.action_items.push_back(ActionItemSpec{items[pick(items.size())], "renamed"});
        native(u);
        break;
      }
      case 11:
        if (pick(2)) {
          native(DebriefWaived{any_incident(), t, "duplicate"});
        } else {
          native(CheckpointCompleted{any_incident(), t, "checked"});
        }
        break;
      case 12: {
        if (pick(2) || items.empty()) {
          std::string item = "AI-" + std::to_string(items.size());
          items.push_back(item);
          native(ActionItemOpened{any_incident(), t, ActionItemSpec{item, "open " + item}});
        } else {
          native(ActionItemClosed{items[pick(items.size())], t});
        }
        break;
      }
      default: {  // a tracker issue, linked by label or by title, in every state
        TrackerIssue i;
        i.id = "OPS-" + std::to_string(pick(8));
        i.time = t;
        i.service = service;
        i.url = "https://jira/" + i.id;
        const std::string inc = any_incident();
        i.title = pick(2) ? "follow-up of " + inc : "cleanup";
        if (pick(4) != 0) i.labels.push_back("debrief");
        if (pick(2)) i.labels.push_back("incident:" + inc);
        i.done = pick(3) == 0;
        if (i.done) i.closed_at = t;
        i.deleted = pick(10) == 0;
        if (pick(2)) i.due = t + Days(7);
        i.created_at = t - Hours(1);
        native(i, pick(2) ? "jira" : "github");
        break;
      }
    }
  }
  return out;
}

// Every fixture history and event fixture, as the ingest path parses them.
std::vector<Event> FixtureEvents() {
  std::vector<Event> out;
  auto add = [&](const std::string& source, const std::string& body, const HeaderMap& headers, Time at) {
    auto parsed = ParseRequest(source, body, headers, at, SourceSettings{});
    ASSERT_TRUE(parsed.ok()) << source << ": " << parsed.status().message();
    for (ParsedEvent& p : *parsed) out.push_back(std::move(p.event));
  };
  for (const char* history : {"tests/fixtures/history/small.jsonl", "tests/fixtures/history/example.jsonl"}) {
    std::istringstream in(ReadFile(SourcePath(history)));
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto l = ParseReplayLine(line);
      EXPECT_TRUE(l.ok()) << l.status().message();
      if (l.ok()) add(l->source, l->body, l->headers, l->received_at);
    }
  }
  Time at = T("2026-11-01T00:00:00Z");
  add("events", ReadFile(SourcePath("tests/fixtures/events/every-type.json")), {}, at);
  add("events", ReadFile(SourcePath("tests/fixtures/events/debrief-updated.json")), {}, at + Hours(1));
  for (const char* f : {"1-firing", "2-resolved-at-endsat", "3-firing-again-same-startsat", "4-resolved-again",
                        "5-firing-new-startsat", "6-resolved"}) {
    at += Min(5);
    add("alertmanager", ReadFile(SourcePath(std::string("tests/fixtures/alertmanager/refire/") + f + ".json")), {},
        at);
  }
  for (const char* f : {"jira/issue_created", "jira/issue_updated", "github/issues-opened", "github/issues-closed",
                        "github/issues-unlabeled", "gitlab/issue-opened", "gitlab/issue-closed", "jira/issue_deleted"}) {
    at += Min(5);
    const std::string path = SourcePath(std::string("tests/fixtures/") + f);
    HeaderMap headers;
    const boost::json::value sent = boost::json::parse(ReadFile(path + ".headers.json"));
    for (const auto& [k, v] : sent.as_object()) {
      headers[HeaderName(k)] = std::string(v.as_string());
    }
    const std::string source(f, std::string_view(f).find('/'));
    add(source, ReadFile(path + ".json"), headers, at);
  }
  return out;
}

// Snapshot after every prefix; restore; apply the rest; compare with the
// tracker that applied everything, at its end and once everything has settled.
// Alongside, one tracker goes through a snapshot before every event.
void ExpectEverySnapshotChangesNothing(const Policy& policy, const std::vector<Event>& events) {
  IncidentTracker full(policy);
  std::vector<std::string> answers;
  for (const Event& e : events) answers.push_back(Answer(full, e));
  const Time end = full.now(), later = full.now() + Days(120);
  const std::string at_end = Observe(full, end);
  full.Advance(later);
  const std::string settled = Observe(full, later);

  auto chained = std::make_unique<IncidentTracker>(policy);
  for (size_t cut = 0; cut <= events.size(); ++cut) {
    auto restored = RoundTrip(*chained);
    for (size_t i = cut; i < events.size(); ++i) {
      ASSERT_EQ(Answer(*restored, events[i]), answers[i]) << "snapshot after " << cut << ", event " << i;
    }
    ASSERT_EQ(Observe(*restored, end), at_end) << "snapshot after " << cut;
    restored->Advance(later);
    ASSERT_EQ(Observe(*restored, later), settled) << "snapshot after " << cut;
    if (cut == events.size()) break;
    chained = RoundTrip(*chained);
    ASSERT_EQ(Answer(*chained, events[cut]), answers[cut]) << "chained, event " << cut;
  }
}

TEST(TrackerSnapshot, AScenarioOfEveryKindOfEventRestoresAtEveryCut) {
  const Policy policy = TestPolicy();
  std::vector<Event> events = Scenario(policy, 300);
  // The scenario does reach what it is meant to cover.
  IncidentTracker t(policy);
  for (const Event& e : events) t.Apply(e);
  t.Advance(t.now() + Days(120));
  size_t reopened = 0, with_alerts = 0, declared = 0, debriefed = 0;
  for (const Incident& inc : t.incidents()) {
    reopened += inc.reopen_count > 0;
    with_alerts += inc.alerts.size() > 1;
    declared += inc.declared;
    debriefed += inc.debrief().debrief_completed_at.has_value();
  }
  EXPECT_GT(reopened, 0u);
  EXPECT_GT(with_alerts, 0u);
  EXPECT_GT(declared, 0u);
  EXPECT_GT(debriefed, 0u);
  EXPECT_FALSE(t.changes().empty());
  EXPECT_FALSE(t.change_failures().empty());
  EXPECT_FALSE(t.action_item_counters().closed.empty());
  size_t from_trackers = 0;
  for (const auto& [id, item] : t.action_items()) from_trackers += item.source != "events";
  EXPECT_GT(from_trackers, 0u);
  ExpectEverySnapshotChangesNothing(policy, events);
  // Incident::tally_key names (service, severity), one number each, in the
  // tracker that applied the events and in one restored from its snapshot
  // (which numbers them anew).
  auto expect_one_number_a_pair = [](const IncidentTracker& tracker) {
    std::map<uint32_t, ServiceSeverity> by_key;
    std::map<ServiceSeverity, uint32_t> by_pair;
    for (const Incident& inc : tracker.incidents()) {
      ASSERT_NE(inc.tally_key, kNoTallyKey) << inc.id;
      const ServiceSeverity pair{inc.service, inc.severity};
      EXPECT_EQ(by_key.emplace(inc.tally_key, pair).first->second, pair) << inc.id;
      EXPECT_EQ(by_pair.emplace(pair, inc.tally_key).first->second, inc.tally_key) << inc.id;
    }
    EXPECT_GT(by_pair.size(), 1u);
  };
  expect_one_number_a_pair(t);
  expect_one_number_a_pair(*RoundTrip(t));
}

TEST(TrackerSnapshot, TheFixtureHistoriesRestoreAtEveryCut) {
  std::vector<Event> events = FixtureEvents();
  ASSERT_GT(events.size(), 40u);
  ExpectEverySnapshotChangesNothing(Policy{}, events);
  ExpectEverySnapshotChangesNothing(TestPolicy(), events);
}

TEST(TrackerSnapshot, KeepsLearnedPendingAndTheGeneratedIds) {
  IncidentTracker t(Policy{});
  t.SetLearnedPending({{"HighLatency", Min(3)}});
  Time s = T("2026-10-01T10:00:00Z");
  ASSERT_TRUE(t.Apply(Alert("HighLatency", {{"service", "a"}}, true, s, s)).ok());
  auto r = RoundTrip(t);
  std::string id_full, id_restored;
  Event next = Alert("HighLatency", {{"service", "b"}}, true, s, s + Min(1), std::nullopt, "fp-b");
  ASSERT_TRUE(t.Apply(next, &id_full).ok());
  ASSERT_TRUE(r->Apply(next, &id_restored).ok());
  EXPECT_EQ(id_restored, id_full);
  EXPECT_EQ(r->Find(id_restored)->alerts[0].onset, s - Min(3));
  EXPECT_EQ(Observe(*r, s + Hours(1)), Observe(t, s + Hours(1)));
}

// A tracker that defers seals (its owner seals without its lock) lists each
// incident it counts instead of sealing it; a snapshot saved before the
// owner sealed it lists it again on restore. Sealing or not, a reader sees
// the same.
TEST(TrackerSnapshot, DeferredSealsAreListedAndListedAgainOnRestore) {
  IncidentTracker inline_seals(Policy{}), deferred(Policy{});
  deferred.DeferSeals(true);
  Time s = T("2026-10-01T10:00:00Z");
  for (IncidentTracker* t : {&inline_seals, &deferred}) {
    ASSERT_TRUE(t->Apply(Alert("HighLatency", {{"service", "a"}}, true, s, s, std::nullopt, "fp-a")).ok());
    ASSERT_TRUE(t->Apply(Alert("HighLatency", {{"service", "a"}}, false, s, s + Min(5), s + Min(4), "fp-a")).ok());
    t->Advance(s + Hours(2));  // settled: counted
  }
  ASSERT_TRUE(inline_seals.incidents()[0].counted);
  EXPECT_TRUE(inline_seals.incidents()[0].detail.is_sealed());
  EXPECT_FALSE(inline_seals.has_unsealed());
  EXPECT_FALSE(deferred.incidents()[0].detail.is_sealed());
  ASSERT_TRUE(deferred.has_unsealed());
  EXPECT_EQ(Observe(deferred, s + Hours(2)), Observe(inline_seals, s + Hours(2)));

  auto restored = RoundTrip(deferred);
  ASSERT_TRUE(restored->has_unsealed()) << "saved unsealed: listed again";
  EXPECT_EQ(restored->TakeUnsealed(), 0u);
  EXPECT_FALSE(RoundTrip(inline_seals)->has_unsealed());

  EXPECT_EQ(deferred.TakeUnsealed(), 0u);
  EXPECT_FALSE(deferred.has_unsealed());
  deferred.detail_to_seal(0).Seal();
  EXPECT_TRUE(deferred.incidents()[0].detail.is_sealed());
  EXPECT_EQ(Observe(deferred, s + Hours(2)), Observe(inline_seals, s + Hours(2)));
}

// ---------------------------------------------------------------------------
// Bytes that are not a snapshot of this tracker are refused with a Status.

std::string SampleSnapshot() {
  IncidentTracker t(TestPolicy());
  for (const Event& e : Scenario(TestPolicy(), 60)) t.Apply(e);
  return t.SaveSnapshot();
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// The header's layout (tracker_snapshot.cc): magic 8, format 4, policy digest
// 32, payload length 8, payload digest 32.
constexpr size_t kFormatAt = 8, kLengthAt = 44, kDigestAt = 52, kPayloadAt = 84;

// `payload` behind a header that vouches for it, as if this debriefd had written it.
std::string Reheader(const std::string& snapshot, const std::string& payload) {
  std::string out = snapshot.substr(0, kPayloadAt) + payload;
  uint64_t n = payload.size();
  for (int i = 0; i < 8; ++i) out[kLengthAt + i] = static_cast<char>((n >> (8 * i)) & 0xff);
  out.replace(kDigestAt, 32, Unhex(ContentDigest(payload)));
  return out;
}

TEST(TrackerSnapshot, RefusesTruncatedOrDamagedBytes) {
  const std::string snap = SampleSnapshot();
  ASSERT_TRUE(IncidentTracker::RestoreSnapshot(TestPolicy(), snap).ok());
  for (size_t len : {size_t{0}, size_t{5}, kPayloadAt - 1, kPayloadAt, kPayloadAt + 10, snap.size() / 2,
                     snap.size() - 1}) {
    auto r = IncidentTracker::RestoreSnapshot(TestPolicy(), std::string_view(snap).substr(0, len));
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << len << ": " << r.status().message();
  }
  for (size_t at : {size_t{0}, kLengthAt, kDigestAt + 3, kPayloadAt + 1, snap.size() / 2, snap.size() - 1}) {
    std::string bad = snap;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    auto r = IncidentTracker::RestoreSnapshot(TestPolicy(), bad);
    ASSERT_FALSE(r.ok()) << at;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << at << ": " << r.status().message();
  }
  std::mt19937 rng(7);
  std::string garbage(4096, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  EXPECT_EQ(IncidentTracker::RestoreSnapshot(TestPolicy(), garbage).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(IncidentTracker::RestoreSnapshot(TestPolicy(), snap + "x").status().code(), StatusCode::kDataLoss);
}

// Past the digest, the archive itself still refuses what it cannot read.
TEST(TrackerSnapshot, RefusesAnArchiveThatEndsEarlyEvenWithAMatchingDigest) {
  const std::string snap = SampleSnapshot();
  const std::string payload = snap.substr(kPayloadAt);
  ASSERT_TRUE(IncidentTracker::RestoreSnapshot(TestPolicy(), Reheader(snap, payload)).ok());
  for (size_t keep : {size_t{0}, size_t{10}, payload.size() / 3, payload.size() - 1}) {
    auto r = IncidentTracker::RestoreSnapshot(TestPolicy(), Reheader(snap, payload.substr(0, keep)));
    ASSERT_FALSE(r.ok()) << keep;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << keep;
    EXPECT_NE(r.status().message().find("cannot be read"), std::string::npos) << r.status().message();
  }
  // (Arbitrary bytes behind a matching digest are not tried: only a writer
  // of the store can make them, and Boost's archive may then ask for any
  // allocation size, which the sanitizer build reports instead of throwing.)
}

TEST(TrackerSnapshot, RefusesAnotherFormatOrAnotherPolicy) {
  std::string snap = SampleSnapshot();
  Policy other = TestPolicy();
  other.reopen_within = Min(20);
  auto r = IncidentTracker::RestoreSnapshot(other, snap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("another policy"), std::string::npos) << r.status().message();

  snap[kFormatAt] = static_cast<char>(kTrackerSnapshotFormat + 1);
  r = IncidentTracker::RestoreSnapshot(TestPolicy(), snap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("format " + std::to_string(kTrackerSnapshotFormat + 1)), std::string::npos)
      << r.status().message();
}

TEST(TrackerSnapshot, AnEmptyTrackerRoundTrips) {
  IncidentTracker t(Policy{});
  auto r = RoundTrip(t);
  EXPECT_TRUE(r->incidents().empty());
  EXPECT_EQ(Observe(*r, T("2026-10-01T00:00:00Z")), Observe(t, T("2026-10-01T00:00:00Z")));
}

// ---------------------------------------------------------------------------
// SnapshotKey: what makes a snapshot valid.

TEST(SnapshotKey, ChangesWithThePolicyAndWhatParsesEvents) {
  SourceSettingsMap sources;
  sources["argocd"].configured = true;
  sources["argocd"].services = {ServiceRule{"apps/*", "checkout"}};
  sources["argocd"].options["severity_map"] = SourceOption{"", {{"high", "critical"}}, 12};
  const std::string key = SnapshotKey(TestPolicy(), sources);
  EXPECT_EQ(key.rfind("v" + std::to_string(kTrackerSnapshotFormat) + "-", 0), 0u) << key;
  EXPECT_EQ(SnapshotKey(TestPolicy(), sources), key);

  std::vector<Policy> policies(6, TestPolicy());
  policies[0].goals.fix = Min(61);
  policies[1].group_by = {"service", "cluster"};
  policies[2].pending["X"] = Min(1);
  policies[3].ignore_labels.clear();
  policies[4].repeat_window = Days(30);
  policies[5].action_item_incident_pattern = "INC-[0-9]+";
  for (const Policy& p : policies) EXPECT_NE(SnapshotKey(p, sources), key);

  SourceSettingsMap other = sources;
  other["argocd"].services[0].service = "payments";
  EXPECT_NE(SnapshotKey(TestPolicy(), other), key);
  other = sources;
  other["argocd"].environments = {"production", "staging"};
  EXPECT_NE(SnapshotKey(TestPolicy(), other), key);
  other = sources;
  other["jira"].options["service_by_project"].map = {{"OPS", "ops"}};
  EXPECT_NE(SnapshotKey(TestPolicy(), other), key);

  // Neither a secret nor where an option stands in the file changes a stored event.
  other = sources;
  other["argocd"].secret = "s3cret";
  other["argocd"].options["severity_map"].line = 40;
  EXPECT_EQ(SnapshotKey(TestPolicy(), other), key);
}

// ---------------------------------------------------------------------------
// Figures for a large state (DEBRIEFD_SNAPSHOT_INCIDENTS incidents of ten
// alert events each; 2,000 by default, 100000 for the 1M-event figure).
// Printed, never asserted: speed is the benchmarks' business.

TEST(TrackerSnapshot, LargeStateFigures) {
  size_t incidents = 2000;
  if (const char* env = std::getenv("DEBRIEFD_SNAPSHOT_INCIDENTS")) incidents = std::strtoull(env, nullptr, 10);
  IncidentTracker t(Policy{});
  Time s = T("2026-01-01T00:00:00Z");
  size_t events = 0;
  for (size_t i = 0; i < incidents; ++i) {
    const std::string service = "svc-" + std::to_string(i % 1000);
    Time at = s + std::chrono::seconds(60 * i);
    for (int a = 0; a < 5; ++a) {
      const std::string name = "Alert" + std::to_string(a);
      const std::string fp = service + "-" + name + "-" + std::to_string(i);
      std::map<std::string, std::string> labels = {{"service", service}, {"severity", "critical"},
                                                   {"instance", "host-" + std::to_string(a) + ":9100"}};
      t.Apply(Alert(name, labels, true, at, at + std::chrono::seconds(a), std::nullopt, fp));
      t.Apply(Alert(name, labels, false, at, at + std::chrono::seconds(30 + a), at + std::chrono::seconds(30), fp));
      events += 2;
    }
  }
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  std::string snap = t.SaveSnapshot();
  auto t1 = Clock::now();
  auto restored = IncidentTracker::RestoreSnapshot(Policy{}, snap);
  auto t2 = Clock::now();
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  ASSERT_EQ((*restored)->incidents().size(), t.incidents().size());
  // Once more, into memory the process already has: what the allocator and
  // the archive cost without the kernel's first touch of fresh pages.
  restored->reset();  // frees the restored tracker
  auto t3 = Clock::now();
  std::string again = t.SaveSnapshot();
  auto t4 = Clock::now();
  restored = IncidentTracker::RestoreSnapshot(Policy{}, again);
  auto t5 = Clock::now();
  ASSERT_TRUE(restored.ok());
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("snapshot of %zu incidents, %zu events: %zu bytes (%.0f per event), save %.1f ms, restore %.1f ms; "
              "again: save %.1f ms, restore %.1f ms\n",
              t.incidents().size(), events, snap.size(), double(snap.size()) / double(events), ms(t1 - t0),
              ms(t2 - t1), ms(t4 - t3), ms(t5 - t4));
}

}  // namespace
}  // namespace debriefd
