// The native events source: every event type, content-derived ids, and a
// table of inputs that must be rejected with the field named.
#include "collector/sources/registry.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace debriefd
