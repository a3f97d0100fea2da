// The HTTP API end to end without sockets: real SQLite file, writer thread,
// injected clock.
#include "server/api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

const std::string kFiring = ReadFile(SourcePath("tests/fixtures/alertmanager/firing-0.25.json"));
const std::string kResolved = ReadFile(SourcePath("tests/fixtures/alertmanager/resolved-0.25.json"));

std::string AlertBody(const std::string& status, const std::string& name, const std::string& service,
                      const std::string& severity, const std::string& starts_at,
                      const std::string& ends_at = "0001-01-01T00:00:00Z") {
  return R"({"version":"4","status":")" + status + R"(","alerts":[{"status":")" + status +
         R"(","labels":{"alertname":")" + name + R"(","service":")" + service + R"(","severity":")" + severity +
         R"("},"annotations":{"summary":")" + name + " on " + service + R"("},"startsAt":")" + starts_at +
         R"(","endsAt":")" + ends_at + R"(","fingerprint":")" + name + service + R"("}]})";
}

json::object Body(const HttpResponse& r) { return json::parse(r.body).as_object(); }

const std::string kCheckout = R"(debriefd_incidents_total{service="checkout",severity="critical"})";

TEST(Api, CapturedAlertmanagerFixturesOpenAndResolveAnIncident) {
  ApiHarness h({}, T("2026-11-21T20:35:30Z"));
  HttpResponse r = h.Post("/webhooks/alertmanager", kFiring);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("accepted").as_int64(), 1);
  std::string id(Body(r).at("incident_ids").as_array()[0].as_string());

  json::object inc = Body(h.Get("/api/v1/incidents/" + id));
  EXPECT_EQ(inc.at("state"), "open");
  EXPECT_EQ(inc.at("severity"), "page");
  EXPECT_EQ(inc.at("key"), "alertname=ProbeLastValueHigh");
  EXPECT_EQ(inc.at("started_at"), "2026-11-21T20:35:23.553Z");
  EXPECT_EQ(inc.at("detected_at"), "2026-11-21T20:35:30Z");
  EXPECT_TRUE(inc.at("resolved_at").is_null());
  EXPECT_TRUE(inc.at("time_to_fix_seconds").is_null());

  h.clock().Set(T("2026-11-21T20:35:40Z"));
  ASSERT_EQ(h.Post("/webhooks/alertmanager", kResolved).status, 200);
  inc = Body(h.Get("/api/v1/incidents/" + id));
  EXPECT_EQ(inc.at("state"), "resolved");
  EXPECT_EQ(inc.at("resolved_at"), "2026-11-21T20:35:28.553Z");
  EXPECT_DOUBLE_EQ(inc.at("time_to_fix_seconds").to_number<double>(), 5.0);
  EXPECT_EQ(inc.at("fix_goal_met"), true);
  EXPECT_EQ(h.Metric(R"(debriefd_incidents_total{service="unknown",severity="page"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_incidents_open{service="unknown",severity="page"})"), 0);
}

TEST(Api, IncidentHasEveryDocumentedField) {
  ApiHarness h;
  ASSERT_EQ(h.Post("/webhooks/alertmanager", AlertBody("firing", "Errors", "checkout", "critical", "2026-10-01T09:59:00Z")).status, 200);
  json::object inc = Body(h.Get("/api/v1/incidents/inc-000001"));
  for (const char* field : {"id", "key", "service", "severity", "title", "state", "started_at", "detected_at",
                            "acknowledged_at", "mitigated_at", "resolved_at", "time_to_detect_seconds",
                            "time_to_fix_seconds", "detect_goal_met", "fix_goal_met", "suspected_cause",
                            "debrief", "checkpoint", "action_items", "repeat_of", "auto_resolved", "impact",
                            "alerts", "timeline"}) {
    EXPECT_TRUE(inc.contains(field)) << field;
  }
  EXPECT_EQ(inc.at("time_to_detect_seconds").as_int64(), 60);
  EXPECT_EQ(inc.at("title"), "Errors on checkout");
}

TEST(Api, DuplicateDeliveriesNeverDoubleCount) {
  ApiHarness h;
  std::string firing = AlertBody("firing", "Errors", "checkout", "critical", "2026-10-01T09:59:00Z");
  ASSERT_EQ(h.Post("/webhooks/alertmanager", firing).status, 200);
  // Alertmanager re-sends the group every group_interval; an HA pair sends twice.
  h.clock().Advance(Min(5));
  HttpResponse again = h.Post("/webhooks/alertmanager", firing);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Body(again).at("accepted").as_int64(), 0);
  EXPECT_EQ(Body(again).at("duplicates").as_int64(), 1);
  EXPECT_EQ(h.Metric(kCheckout), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="accepted"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="duplicate"})"), 1);
  std::string change = R"({"type":"change","id":"d-1","time":"2026-10-01T09:00:00Z","service":"checkout","kind":"deploy"})";
  ASSERT_EQ(h.Post("/api/v1/events", change).status, 200);
  EXPECT_EQ(Body(h.Post("/api/v1/events", change)).at("duplicates").as_int64(), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_changes_total{service="checkout",kind="deploy"})"), 1);
}

TEST(Api, BadInputGets400NamingTheFieldAndStoresNothing) {
  ApiHarness h;
  struct Case {
    std::string target, body, field;
  } cases[] = {
      {"/webhooks/alertmanager", "{not json", ""},
      {"/webhooks/alertmanager", R"({"alerts":[{"status":"firing","labels":{},"startsAt":"noon"}]})", "alerts[0].startsAt"},
      {"/api/v1/events", R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"x"})", "kind"},
      {"/api/v1/events", R"([{"type":"change","time":"2026-10-01T09:00:00Z","service":"x","kind":"deploy"},{"type":"change"}])", "[1].time"},
  };
  for (const Case& c : cases) {
    HttpResponse r = h.Post(c.target, c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    json::object b = Body(r);
    EXPECT_FALSE(b.at("error").as_string().empty());
    if (!c.field.empty()) {
      EXPECT_EQ(b.at("field"), c.field.c_str()) << r.body;
    }
  }
  EXPECT_EQ(h.Metric(R"(debriefd_changes_total{service="x",kind="deploy"})"), -1) << "all or nothing";
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="events",result="rejected"})"), 2);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="rejected"})"), 2);
  size_t stored = 0;
  ASSERT_TRUE(h.store().ForEach([&](const StoredEvent&) { ++stored; return Status::Ok(); }).ok());
  EXPECT_EQ(stored, 0u);
  EXPECT_EQ(h.Get("/healthz").status, 200) << "and the service keeps serving";
}

TEST(Api, StateErrorsAre404And409AndStoreNothing) {
  ApiHarness h;
  HttpResponse r = h.Post("/api/v1/events", R"({"type":"incident.acknowledged","time":"2026-10-01T10:00:00Z","incident_id":"INC-404"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r).at("field"), "incident_id");
  EXPECT_NE(Body(r).at("error").as_string().find("INC-404"), std::string::npos);

  ASSERT_EQ(h.Post("/api/v1/events", R"({"type":"incident.declared","time":"2026-10-01T10:00:00Z","incident_id":"INC-1","service":"checkout","severity":"critical"})").status, 200);
  HttpResponse cp = h.Post("/api/v1/events", R"({"type":"checkpoint.completed","time":"2026-10-01T11:00:00Z","incident_id":"INC-1"})");
  EXPECT_EQ(cp.status, 409);
  // A batch that declares then fails stores neither.
  HttpResponse batch = h.Post("/api/v1/events", R"([{"type":"incident.declared","time":"2026-10-01T10:00:00Z","incident_id":"INC-2","service":"s","severity":"critical"},{"type":"incident.resolved","time":"2026-10-01T11:00:00Z","incident_id":"INC-3"}])");
  EXPECT_EQ(batch.status, 404);
  EXPECT_EQ(Body(batch).at("field"), "[1].incident_id");
  EXPECT_EQ(h.Get("/api/v1/incidents/INC-2").status, 404);
}

TEST(Api, ErrorsNameTheSourceOnceThenTheFieldPathThenTheReason) {
  ApiHarness h;
  HttpResponse batch = h.Post("/api/v1/events", R"([{"type":"change","time":"2026-10-01T10:00:00Z","service":"s","kind":"deploy"},{"type":"incident.resolved","time":"2026-10-01T11:00:00Z","incident_id":"INC-9"}])");
  EXPECT_EQ(batch.status, 404);
  EXPECT_EQ(Body(batch).at("error"), "events: [1].incident_id: unknown incident \"INC-9\"");
  HttpResponse parse = h.Post("/webhooks/alertmanager", R"({"alerts":[{"status":"firing"}]})");
  EXPECT_EQ(parse.status, 400);
  EXPECT_EQ(Body(parse).at("error"), "alertmanager: alerts[0].labels: missing");
  EXPECT_EQ(Body(parse).at("field"), "alerts[0].labels");
}

TEST(Api, UnknownPathsAre404AndWrongMethods405) {
  ApiHarness h;
  EXPECT_EQ(h.Get("/nope").status, 404);
  HttpResponse r = h.Get("/webhooks/alertmanager");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.at("Allow"), "POST");
  HttpResponse post = h.Post("/metrics", "");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers.at("Allow"), "GET, HEAD");
  EXPECT_EQ(h.Get("/api/v1/incidents/unknown").status, 404);
  EXPECT_EQ(h.Get("/api/v1/incidents?state=sideways").status, 400);
  EXPECT_EQ(h.Get("/api/v1/incidents?since=yesterday").status, 400);
  EXPECT_EQ(h.Get("/api/v1/incidents?colour=red").status, 400);
}

TEST(Api, IncidentsComeInPagesFollowingNextCursor) {
  ApiHarness h;
  for (const char* service : {"a", "b", "c"}) {
    ASSERT_EQ(h.Post("/webhooks/alertmanager", AlertBody("firing", "Errors", service, "critical", "2026-10-01T09:00:00Z")).status, 200);
  }
  json::object first = Body(h.Get("/api/v1/incidents?limit=2"));
  ASSERT_EQ(first.at("incidents").as_array().size(), 2u);
  EXPECT_EQ(first.at("incidents").as_array()[0].at("service").as_string(), "c");  // newest first
  const std::string cursor(first.at("next_cursor").as_string());
  json::object second = Body(h.Get("/api/v1/incidents?limit=2&cursor=" + cursor));
  ASSERT_EQ(second.at("incidents").as_array().size(), 1u);
  EXPECT_EQ(second.at("incidents").as_array()[0].at("service").as_string(), "a");
  EXPECT_TRUE(second.at("next_cursor").is_null());
  EXPECT_TRUE(Body(h.Get("/api/v1/incidents")).at("next_cursor").is_null());  // 3 of at most 100
}

TEST(Api, ABadLimitOrCursorIsA400NamingIt) {
  ApiHarness h;
  for (const char* target : {"/api/v1/incidents?limit=0", "/api/v1/incidents?limit=1001", "/api/v1/incidents?limit=x"}) {
    HttpResponse r = h.Get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(Body(r).at("field").as_string(), "limit") << target;
  }
  // Not a cursor at all, and a well-formed one naming no incident of this debriefd.
  for (const char* target : {"/api/v1/incidents?cursor=nope", "/api/v1/incidents?cursor=313a696e632d303030303031"}) {
    HttpResponse r = h.Get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(Body(r).at("field").as_string(), "cursor") << target;
  }
}

TEST(Api, BearerTokensGuardTheirGroups) {
  Config c;
  c.auth.ingest_token = "in-secret";
  c.auth.read_token = "read-secret";
  ApiHarness h(c);
  std::string change = R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"x","kind":"deploy"})";
  EXPECT_EQ(h.Call("POST", "/api/v1/events", change).status, 401);
  EXPECT_EQ(h.Call("POST", "/api/v1/events", change, "Bearer read-secret").status, 401);
  EXPECT_EQ(h.Call("POST", "/api/v1/events", change, "Bearer in-secret").status, 200);
  EXPECT_EQ(h.Call("GET", "/metrics").status, 401);
  EXPECT_EQ(h.Call("GET", "/api/v1/incidents", "", "Bearer in-secret").status, 401);
  EXPECT_EQ(h.Call("GET", "/api/v1/incidents", "", "Bearer read-secret").status, 200);
  EXPECT_EQ(h.Call("GET", "/healthz").status, 200);
  EXPECT_EQ(h.Call("GET", "/readyz").status, 200);
  // The scheme is case-insensitive, the token is not; a 401 says how to log in.
  EXPECT_EQ(h.Call("GET", "/api/v1/incidents", "", "bearer read-secret").status, 200);
  EXPECT_EQ(h.Call("GET", "/api/v1/incidents", "", "BEARER read-secret").status, 200);
  EXPECT_EQ(h.Call("GET", "/api/v1/incidents", "", "Bearer READ-SECRET").status, 401);
  EXPECT_EQ(h.Call("GET", "/api/v1/incidents", "", "Bearer").status, 401);
  HttpResponse denied = h.Call("POST", "/api/v1/events", change);
  EXPECT_EQ(denied.headers.at("WWW-Authenticate"), "Bearer realm=\"debriefd\"");
}

TEST(Api, ListFiltersByStateServiceAndSince) {
  ApiHarness h;
  ASSERT_EQ(h.Post("/webhooks/alertmanager", AlertBody("firing", "Errors", "checkout", "critical", "2026-10-01T09:00:00Z")).status, 200);
  ASSERT_EQ(h.Post("/webhooks/alertmanager", AlertBody("firing", "Slow", "search", "warning", "2026-10-01T09:30:00Z")).status, 200);
  ASSERT_EQ(h.Post("/webhooks/alertmanager", AlertBody("resolved", "Slow", "search", "warning", "2026-10-01T09:30:00Z", "2026-10-01T09:50:00Z")).status, 200);
  auto count = [&](const std::string& q) { return Body(h.Get("/api/v1/incidents" + q)).at("incidents").as_array().size(); };
  EXPECT_EQ(count(""), 2u);
  EXPECT_EQ(count("?state=open"), 1u);
  EXPECT_EQ(count("?state=resolved"), 1u);
  EXPECT_EQ(count("?service=search"), 1u);
  EXPECT_EQ(count("?since=2026-10-01T09:15:00Z"), 1u);
  EXPECT_EQ(count("?service=nothing"), 0u);
}

TEST(Api, SuspectedCauseIsLinked) {
  ApiHarness h;
  ASSERT_EQ(h.Post("/api/v1/events", R"({"type":"change","id":"deploy-7","time":"2026-10-01T09:30:00Z","service":"checkout","kind":"deploy","version":"v7"})").status, 200);
  ASSERT_EQ(h.Post("/webhooks/alertmanager", AlertBody("firing", "Errors", "checkout", "critical", "2026-10-01T09:55:00Z")).status, 200);
  json::object inc = Body(h.Get("/api/v1/incidents/inc-000001"));
  ASSERT_TRUE(inc.at("suspected_cause").is_object());
  EXPECT_EQ(inc.at("suspected_cause").at("id"), "deploy-7");
  EXPECT_EQ(inc.at("started_at"), "2026-10-01T09:55:00Z");
}

// A small history sent live, with the clock following it.
void SendHistory(ApiHarness& h) {
  struct Step {
    const char* at;
    const char* target;
    std::string body;
  };
  const Step steps[] = {
      {"2026-10-01T09:00:00Z", "/api/v1/events", R"({"type":"change","id":"d-1","time":"2026-10-01T09:00:00Z","service":"checkout","kind":"deploy"})"},
      {"2026-10-01T09:12:00Z", "/webhooks/alertmanager", AlertBody("firing", "Errors", "checkout", "critical", "2026-10-01T09:10:00Z")},
      {"2026-10-01T09:14:00Z", "/webhooks/alertmanager", AlertBody("firing", "Errors", "checkout", "critical", "2026-10-01T09:10:00Z")},
      {"2026-10-01T09:40:00Z", "/webhooks/alertmanager", AlertBody("resolved", "Errors", "checkout", "critical", "2026-10-01T09:10:00Z", "2026-10-01T09:39:00Z")},
      {"2026-10-01T11:00:00Z", "/webhooks/alertmanager", AlertBody("firing", "Slow", "search", "warning", "2026-10-01T10:00:00Z")},
      {"2026-10-01T13:00:00Z", "/webhooks/alertmanager", AlertBody("resolved", "Slow", "search", "warning", "2026-10-01T10:00:00Z", "2026-10-01T12:59:00Z")},
      {"2026-10-02T10:00:00Z", "/api/v1/events", R"({"type":"debrief.completed","id":"db-1","time":"2026-10-02T10:00:00Z","incident_id":"inc-000001","url":"https://wiki/1","action_items":[{"id":"AI-1","title":"Canary"}]})"},
  };
  for (const Step& s : steps) {
    h.clock().Set(T(s.at));
    HttpResponse r = h.Post(s.target, s.body);
    ASSERT_EQ(r.status, 200) << s.at << " " << r.body;
  }
}

std::string MetricsWithoutProcessSeries(ApiHarness& h) {
  std::istringstream in(h.Get("/metrics").body);
  std::string line, out;
  while (std::getline(in, line)) {
    // Figures of this process, not of the incidents: they differ after a restart or a replay.
    if (line.find("debriefd_store_commits_total") != std::string::npos) continue;
    if (line.find("snapshot") != std::string::npos) continue;  // the snapshots this process saved
    if (line.find("process_") != std::string::npos || line.find("debriefd_http_") != std::string::npos) continue;
    out += line + "\n";
  }
  return out;
}

TEST(Api, RestartRebuildsIncidentsAndCountersContinue) {
  ApiHarness h;
  SendHistory(h);
  h.clock().Set(T("2026-10-20T00:00:00Z"));
  std::string before = MetricsWithoutProcessSeries(h);
  std::string incidents_before = h.Get("/api/v1/incidents").body;
  ASSERT_EQ(h.Metric(kCheckout), 1);
  ASSERT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="duplicate"})"), 1);

  h.Restart();
  EXPECT_EQ(MetricsWithoutProcessSeries(h), before);
  EXPECT_EQ(h.Get("/api/v1/incidents").body, incidents_before);

  // And they continue from there.
  h.clock().Set(T("2026-10-20T01:00:00Z"));
  ASSERT_EQ(h.Post("/webhooks/alertmanager", AlertBody("firing", "Errors", "checkout", "critical", "2026-10-20T00:58:00Z")).status, 200);
  EXPECT_EQ(h.Metric(kCheckout), 2);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="accepted"})"), 5);
}

TEST(Api, AFailedCommitIs503WithRetryAfterAndTheRetryIsAccepted) {
  ApiHarness h;
  const std::string firing = AlertBody("firing", "Errors", "checkout", "critical", "2026-10-01T09:59:00Z");
  h.failing().FailWrites(true);
  HttpResponse r = h.Post("/webhooks/alertmanager", firing);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.headers["Retry-After"], "5");
  EXPECT_EQ(json::parse(r.body).at("error").as_string(),
            "store: commit failed: disk I/O error (injected by the test)");
  EXPECT_EQ(json::parse(h.Get("/api/v1/incidents").body).at("incidents").as_array().size(), 0u);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="accepted"})"), 0);
  EXPECT_EQ(h.Get("/readyz").status, 200) << "a failed commit leaves the service serving";

  h.failing().FailWrites(false);
  ASSERT_EQ(h.Post("/webhooks/alertmanager", firing).status, 200);
  EXPECT_EQ(json::parse(h.Get("/api/v1/incidents").body).at("incidents").as_array().size(), 1u);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="accepted"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="alertmanager",result="duplicate"})"), 0);
}

TEST(Api, UnreadableStoredEventsShowInMetrics) {
  ApiHarness h;
  EXPECT_EQ(h.Metric("debriefd_store_unreadable_events"), 0);
  ASSERT_TRUE(h.store().Append({{0, "events", "damaged", T("2026-10-01T10:00:00Z"), "{\"type\":1}"}}, {}).ok());
  h.Restart();
  EXPECT_EQ(h.Metric("debriefd_store_unreadable_events"), 1);
}

TEST(Api, ReplayOfTheDumpGivesTheSameIncidentsAndMetrics) {
  ApiHarness live;
  SendHistory(live);
  std::vector<std::string> lines;
  ASSERT_TRUE(live.store().ForEach([&](const StoredEvent& e) {
    lines.push_back(FormatReplayLine(e.source, e.received_at, e.raw));
    return Status::Ok();
  }).ok());

  ApiHarness replayed;
  std::string history;
  for (const std::string& line : lines) history += line + "\n";
  std::istringstream in(history);
  ReplaySummary summary = replayed.ReplayHistory(in);
  EXPECT_EQ(summary.accepted, lines.size());
  EXPECT_EQ(summary.rejected, 0u);

  for (ApiHarness* h : {&live, &replayed}) h->clock().Set(T("2026-10-20T00:00:00Z"));
  EXPECT_EQ(replayed.Get("/api/v1/incidents").body, live.Get("/api/v1/incidents").body);
  // Duplicates were dropped live and never stored, so only they may differ.
  auto strip_dups = [](std::string m) {
    std::istringstream in(m);
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.find("result=\"duplicate\"") == std::string::npos) out += line + "\n";
    }
    return out;
  };
  EXPECT_EQ(strip_dups(MetricsWithoutProcessSeries(replayed)), strip_dups(MetricsWithoutProcessSeries(live)));
  EXPECT_EQ(replayed.Metric(kCheckout), 1);
}

TEST(Api, WholeDebriefLoopOverHttp) {
  Config c;
  c.policy.debrief_required_for = {"critical"};
  ApiHarness h(c);
  auto post = [&](const std::string& body) {
    HttpResponse r = h.Post("/api/v1/events", body);
    EXPECT_EQ(r.status, 200) << body << " -> " << r.body;
  };
  post(R"({"type":"incident.declared","time":"2026-10-01T10:00:00Z","incident_id":"INC-9","service":"checkout","severity":"critical","title":"Payments failing"})");
  // Each event is sent when it happens (a time ahead of the clock is refused).
  h.clock().Set(T("2026-10-01T10:40:00Z"));
  post(R"({"type":"incident.resolved","time":"2026-10-01T10:40:00Z","incident_id":"INC-9"})");
  const std::string overdue = R"(debriefd_debrief_overdue_seconds{incident_id="INC-9",service="checkout",severity="critical"})";

  h.clock().Set(T("2026-10-04T10:40:00Z"));  // exactly due
  EXPECT_EQ(h.Metric(overdue), -1);
  EXPECT_EQ(Body(h.Get("/api/v1/incidents/INC-9")).at("debrief").at("status"), "pending");

  h.clock().Set(T("2026-10-04T12:40:00Z"));  // two hours late
  EXPECT_EQ(h.Metric(overdue), 7200);
  EXPECT_EQ(h.Metric(R"(debriefd_debriefs_overdue{service="checkout",severity="critical"})"), 1);
  EXPECT_EQ(Body(h.Get("/api/v1/incidents?debrief=overdue")).at("incidents").as_array().size(), 1u);

  h.clock().Set(T("2026-10-04T13:00:00Z"));
  post(R"({"type":"debrief.completed","time":"2026-10-04T13:00:00Z","incident_id":"INC-9","url":"https://wiki/INC-9","impact":{"customers_affected":40,"summary":"payments retried"}})");
  EXPECT_EQ(h.Metric(overdue), -1) << "the series is gone once done";
  EXPECT_EQ(h.Metric(R"(debriefd_debriefs_total{service="checkout",severity="critical",result="late"})"), 1);
  json::object inc = Body(h.Get("/api/v1/incidents/INC-9"));
  EXPECT_EQ(inc.at("debrief").at("status"), "done");
  EXPECT_EQ(inc.at("debrief").at("on_time"), false);
  EXPECT_EQ(inc.at("debrief").at("url"), "https://wiki/INC-9");
  EXPECT_EQ(inc.at("checkpoint").at("status"), "pending");
  EXPECT_EQ(inc.at("checkpoint").at("due_at"), "2026-10-18T13:00:00Z");
  EXPECT_EQ(inc.at("impact").at("summary"), "payments retried");

  post(R"({"type":"action_item.opened","time":"2026-10-04T13:05:00Z","id":"AI-2","incident_id":"INC-9","title":"Retry budget","url":"https://t/2","labels":["debrief"]})");
  post(R"({"type":"action_item.opened","time":"2026-10-04T13:01:00Z","id":"AI-1","incident_id":"INC-9","title":"Payment canary","url":"https://t/1","due":"2026-10-10T00:00:00Z"})");
  h.clock().Set(T("2026-10-19T00:00:00Z"));
  EXPECT_EQ(h.Metric(R"(debriefd_checkpoints_overdue{service="checkout",severity="critical"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_open{service="checkout",linked="true"})"), 2);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_overdue{service="checkout"})"), 1);
  json::array open = Body(h.Get("/api/v1/action-items?state=open")).at("action_items").as_array();
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].at("id"), "AI-1") << "oldest first";
  EXPECT_EQ(open[0].at("overdue"), true);

  h.clock().Set(T("2026-10-19T09:30:00Z"));
  post(R"({"type":"checkpoint.completed","time":"2026-10-19T09:00:00Z","incident_id":"INC-9","notes":"AI-1 done"})");
  post(R"({"type":"action_item.closed","time":"2026-10-19T09:30:00Z","id":"AI-1"})");
  EXPECT_EQ(h.Metric(R"(debriefd_checkpoints_overdue{service="checkout",severity="critical"})"), 0);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_overdue{service="checkout"})"), 0);
  EXPECT_EQ(Body(h.Get("/api/v1/action-items?state=open")).at("action_items").as_array().size(), 1u);

  h.Restart();
  inc = Body(h.Get("/api/v1/incidents/INC-9"));
  EXPECT_EQ(inc.at("debrief").at("status"), "done");
  EXPECT_EQ(inc.at("checkpoint").at("status"), "done");
  EXPECT_EQ(h.Metric(R"(debriefd_debriefs_total{service="checkout",severity="critical",result="late"})"), 1);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_open{service="checkout",linked="true"})"), 1);
}

}  // namespace
}  // namespace debriefd
