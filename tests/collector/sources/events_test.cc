// The native events source: every event type, content-derived ids, and a
// table of inputs that must be rejected with the field named.
#include "collector/sources/registry.h"

#include <gtest/gtest.h>

#include "collector/ingest/ingest_service.h"
#include "collector/store/sqlite_store.h"
#include "domain/tracker.h"
#include "exporters/incident_json.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-11-21T20:36:00Z");

struct Rejected {
  const char* body;
  const char* field;
};

TEST(NativeEventsParser, ParsesEveryType) {
  const std::string body = ReadFile(SourcePath("tests/fixtures/events/every-type.json"));
  auto r = ParseRequestBody("events", body, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 10u);
  const auto& change = std::get<ChangeEvent>((*r)[0].event.body);
  EXPECT_EQ(change.id, "d-1");
  EXPECT_EQ(change.version, "v42");
  const auto& declared = std::get<IncidentDeclared>((*r)[1].event.body);
  EXPECT_EQ(*declared.started_at, T("2026-10-01T09:50:00Z"));
  EXPECT_EQ(std::get<IncidentTransition>((*r)[3].event.body).kind, IncidentTransition::Kind::kMitigated);
  const auto& debrief = std::get<DebriefCompleted>((*r)[5].event.body);
  EXPECT_EQ(*debrief.confirmed_cause_id, "d-1");
  EXPECT_DOUBLE_EQ(*debrief.impact->customers_affected, 120);
  ASSERT_EQ(debrief.action_items.size(), 1u);
  EXPECT_EQ(*debrief.action_items[0].due, T("2026-10-20T00:00:00Z"));
  const auto& opened = std::get<ActionItemOpened>((*r)[8].event.body);
  EXPECT_EQ(opened.item.id, "AI-2");
  EXPECT_EQ(opened.item.labels, std::vector<std::string>{"debrief"});
  EXPECT_NE((*r)[8].event.dedup_key, (*r)[9].event.dedup_key)
      << "opening and closing one item are two events";
}

TEST(NativeEventsParser, EventsWithoutIdAreDeduplicatedByContent) {
  const char* body = R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"checkout","kind":"config"})";
  auto a = ParseRequestBody("events", body, kNow);
  auto b = ParseRequestBody("events", body, kNow + Min(1));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)[0].event.dedup_key, (*b)[0].event.dedup_key);
  EXPECT_EQ(std::get<ChangeEvent>((*a)[0].event.body).id.rfind("chg-", 0), 0u);
}

TEST(NativeEventsParser, RejectsBadInputNamingTheField) {
  const Rejected cases[] = {
      {"nope", ""},
      {"[]", ""},
      {"42", ""},
      {R"({"time":"2026-10-01T09:00:00Z"})", "type"},
      {R"({"type":"change"})", "time"},
      {R"({"type":"change","time":"01/10/2026"})", "time"},
      {R"({"type":"party","time":"2026-10-01T09:00:00Z"})", "type"},
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","kind":"deploy"})", "service"},
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"x","kind":"rollout"})", "kind"},
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"x","kind":"deploy","id":"has space"})", "id"},
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","service":7,"kind":"deploy"})", "service"},
      {R"({"type":"incident.declared","time":"2026-10-01T09:00:00Z","service":"x"})", "severity"},
      {R"({"type":"incident.declared","time":"2026-10-01T09:00:00Z","service":"x","severity":"s","started_at":"then"})", "started_at"},
      {R"({"type":"incident.acknowledged","time":"2026-10-01T09:00:00Z"})", "incident_id"},
      {R"({"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I"})", "url"},
      {R"({"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I","url":"u","impact":{"cost":"lots"}})", "impact.cost"},
      {R"({"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I","url":"u","action_items":[{"title":"t"}]})", "action_items[0].id"},
      {R"({"type":"debrief.waived","time":"2026-10-01T09:00:00Z","incident_id":"I"})", "reason"},
      {R"({"type":"action_item.opened","time":"2026-10-01T09:00:00Z","id":"A","incident_id":"I"})", "title"},
      {R"({"type":"action_item.opened","time":"2026-10-01T09:00:00Z","id":"A","incident_id":"I","title":"t","labels":[1]})", "labels[0]"},
      {R"({"type":"action_item.closed","time":"2026-10-01T09:00:00Z"})", "id"},
      {R"([{"type":"action_item.closed","time":"2026-10-01T09:00:00Z","id":"A"},{"type":"change"}])", "[1].time"},
      {R"([{"type":"action_item.closed","time":"2026-10-01T09:00:00Z","id":"A"},"x"])", "[1]"},
  };
  for (const Rejected& c : cases) {
    auto r = ParseRequestBody("events", c.body, kNow);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(r.status().field(), c.field) << c.body << " -> " << r.status().message();
    EXPECT_EQ(r.status().message().rfind("events: ", 0), 0u) << r.status().message();
  }
}

TEST(NativeEventsParser, RejectsUnknownFieldsNamingTheirPath) {
  const Rejected cases[] = {
      {R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"x","kind":"deploy","team":"payments"})", "team"},
      {R"({"type":"incident.resolved","time":"2026-10-01T09:00:00Z","incident_id":"I","detected_at":"2026-10-01T08:00:00Z"})", "detected_at"},
      {R"({"type":"incident.declared","time":"2026-10-01T09:00:00Z","service":"x","severity":"s","startedAt":"2026-10-01T08:00:00Z"})", "startedAt"},
      {R"({"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I","url":"u","impact":{"cost":1,"currency":"EUR"}})", "impact.currency"},
      {R"({"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I","url":"u","action_items":[{"id":"A","title":"t"},{"id":"B","title":"t","owner":"ana"}]})", "action_items[1].owner"},
      {R"({"type":"debrief.updated","time":"2026-10-01T09:00:00Z","incident_id":"I","held_at":"2026-10-01T09:00:00Z"})", "held_at"},
      {R"({"type":"debrief.waived","time":"2026-10-01T09:00:00Z","incident_id":"I","reason":"r","url":"u"})", "url"},
      {R"({"type":"checkpoint.completed","time":"2026-10-01T09:00:00Z","incident_id":"I","note":"typo"})", "note"},
      {R"({"type":"action_item.opened","time":"2026-10-01T09:00:00Z","id":"A","incident_id":"I","title":"t","due_date":"2026-11-01T00:00:00Z"})", "due_date"},
      {R"({"type":"action_item.closed","time":"2026-10-01T09:00:00Z","id":"A","incident_id":"I"})", "incident_id"},
      {R"([{"type":"action_item.closed","time":"2026-10-01T09:00:00Z","id":"A"},{"type":"action_item.closed","time":"2026-10-01T09:00:00Z","id":"B"},{"type":"debrief.completed","time":"2026-10-01T09:00:00Z","incident_id":"I","url":"u","impact":{"detcted_at":"x"}}])", "[2].impact.detcted_at"},
  };
  for (const Rejected& c : cases) {
    auto r = ParseRequestBody("events", c.body, kNow);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(r.status().field(), c.field) << c.body << " -> " << r.status().message();
    EXPECT_EQ(r.status().message(), "events: " + std::string(c.field) + ": unknown field");
  }
}

TEST(NativeEventsParser, AnEarlierErrorIsReportedBeforeAnUnknownField) {
  auto r = ParseRequestBody("events", R"({"type":"change","time":"2026-10-01T09:00:00Z","servce":"x","kind":"deploy"})", kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "service");
  EXPECT_EQ(r.status().message(), "events: service: missing");
}

TEST(NativeEventsParser, StoredEventsWithFieldsAnOlderVersionIgnoredStillReadBack) {
  // Accepted before fields were strict: it must re-apply at every restart.
  const char* raw = R"({"type":"change","time":"2026-10-01T09:00:00Z","id":"d-1","service":"x","kind":"deploy","team":"payments"})";
  ASSERT_FALSE(ParseRequestBody("events", raw, kNow).ok());
  auto back = ParseStoredEvent("events", raw, kNow);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(std::get<ChangeEvent>(back->body).id, "d-1");
  EXPECT_EQ(back->dedup_key, "ev:change:d-1");
}

TEST(NativeEventsParser, ParsesDebriefUpdated) {
  const std::string body = ReadFile(SourcePath("tests/fixtures/events/debrief-updated.json"));
  auto r = ParseRequestBody("events", body, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 6u);
  const auto& u = std::get<DebriefUpdated>((*r)[5].event.body);
  EXPECT_EQ(u.incident_id, "INC-7");
  EXPECT_EQ(u.time, T("2026-10-05T16:00:00Z"));
  EXPECT_EQ(*u.url, "https://wiki.example.com/INC-7");
  EXPECT_EQ(*u.confirmed_cause_id, "d-2");
  EXPECT_DOUBLE_EQ(*u.impact->customers_affected, 120);
  EXPECT_FALSE(u.impact->cost);
  ASSERT_EQ(u.action_items.size(), 2u);
  EXPECT_EQ(*u.action_items[0].due, T("2026-10-30T00:00:00Z"));
  EXPECT_EQ(u.action_items[1].labels, std::vector<std::string>{"debrief"});
  EXPECT_EQ((*r)[5].event.dedup_key, "ev:debrief.updated:INC-7-rev1");
  EXPECT_EQ(EventTypeName((*r)[5].event.body), "debrief.updated");

  auto bare = ParseRequestBody("events", R"({"type":"debrief.updated","time":"2026-10-05T16:00:00Z","incident_id":"I"})", kNow);
  ASSERT_TRUE(bare.ok()) << bare.status().message();
  const auto& b = std::get<DebriefUpdated>((*bare)[0].event.body);
  EXPECT_FALSE(b.url);
  EXPECT_FALSE(b.confirmed_cause_id);
  EXPECT_FALSE(b.impact);
  EXPECT_TRUE(b.action_items.empty());
}

TEST(NativeEventsParser, RejectsBadDebriefUpdates) {
  const Rejected cases[] = {
      {R"({"type":"debrief.updated","time":"2026-10-01T09:00:00Z"})", "incident_id"},
      {R"({"type":"debrief.updated","time":"2026-10-01T09:00:00Z","incident_id":"I","url":""})", "url"},
      {R"({"type":"debrief.updated","time":"2026-10-01T09:00:00Z","incident_id":"I","confirmed_cause_id":"a b"})", "confirmed_cause_id"},
      {R"({"type":"debrief.updated","time":"2026-10-01T09:00:00Z","incident_id":"I","impact":{"cost":"lots"}})", "impact.cost"},
      {R"({"type":"debrief.updated","time":"2026-10-01T09:00:00Z","incident_id":"I","action_items":[{"id":"A"}]})", "action_items[0].title"},
      {R"({"type":"debrief.updated","time":"2026-10-01T09:00:00Z","incident_id":"I","action_items":["A"]})", "action_items[0]"},
  };
  for (const Rejected& c : cases) {
    auto r = ParseRequestBody("events", c.body, kNow);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(r.status().field(), c.field) << c.body << " -> " << r.status().message();
  }
}

// The same request, applied live and re-read from the store as a restart
// does, gives the same incident: debrief.updated re-applies identically.
TEST(NativeEventsParser, ADebriefUpdateSurvivesARestart) {
  TempDir dir;
  FakeClock clock{T("2026-10-06T00:00:00Z")};
  const std::string body = ReadFile(SourcePath("tests/fixtures/events/debrief-updated.json"));
  auto state = [](IngestService& ingest) {
    return ingest.Read([](const IncidentTracker& t, Time now) {
      const Incident* inc = t.Find("INC-7");
      return inc == nullptr ? std::string("none") : IncidentJson(t, *inc, now, true);
    });
  };
  std::string live;
  {
    auto store = SqliteStore::Open(dir.File("debriefd.db"));
    ASSERT_TRUE(store.ok()) << store.status().message();
    IngestService ingest(**store, Policy{}, clock);
    ASSERT_TRUE(ingest.Load().ok());
    auto parsed = ParseRequestBody("events", body, clock.Now());
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    IngestOutcome out = ingest.SubmitAndWait("events", std::move(parsed.value()));
    ASSERT_TRUE(out.status.ok()) << out.status.message();
    EXPECT_EQ(out.accepted, 6u);
    live = state(ingest);
    ingest.Stop();
  }
  EXPECT_NE(live.find("https://wiki.example.com/INC-7\""), std::string::npos) << live;
  auto store = SqliteStore::Open(dir.File("debriefd.db"));
  ASSERT_TRUE(store.ok()) << store.status().message();
  IngestService restarted(**store, Policy{}, clock);
  ASSERT_TRUE(restarted.Load().ok());
  EXPECT_EQ(state(restarted), live);
  restarted.Stop();
}

}  // namespace
}  // namespace debriefd
