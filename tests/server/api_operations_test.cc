// What an operator sees of the API: answers given before the body, counted
// and logged 401s, request metrics, the cardinality bound, the lifecycle
// endpoints Prometheus' tools expect, process figures and reconfiguration.
#include "server/api.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include <cstdio>
#include <ctime>
#include <future>
#include <sstream>

#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

const std::string kChange = R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"x","kind":"deploy"})";

std::string AlertFor(const std::string& service, const std::string& starts_at) {
  return R"({"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Down","service":")" +
         service + R"(","severity":"critical"},"annotations":{},"startsAt":")" + starts_at +
         R"(","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f-)" + service + R"("}]})";
}

HttpRequest Request(std::string method, std::string target, std::string authorization = "", std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.authorization = std::move(authorization);
  r.body = std::move(body);
  r.remote = "192.0.2.7:40000";
  return r;
}

HttpResponse Call(Api& api, const HttpRequest& req) {
  std::promise<HttpResponse> p;
  auto f = p.get_future();
  api.Handle(req, [&p](HttpResponse r) { p.set_value(std::move(r)); });
  return f.get();
}

// The value of one series, or -1 when absent.
double Series(const std::string& exposition, const std::string& series) {
  std::istringstream in(exposition);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

// A monotonic clock the test moves; each reading can also advance it by `step`.
struct FakeMonotonic {
  double now = 1000;
  double step = 0;
  std::function<double()> Fn() {
    return [this] {
      double t = now;
      now += step;
      return t;
    };
  }
};

// Captures log lines for the duration of a test.
class CapturedLog {
 public:
  explicit CapturedLog(spdlog::level::level_enum level = spdlog::level::info)
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000)), previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("captured", sink_);
    logger->set_level(level);
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> Lines(const std::string& containing) const {
    std::vector<std::string> out;
    for (std::string l : sink_->last_formatted()) {
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
      if (l.find(containing) != std::string::npos) out.push_back(l);
    }
    return out;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

Config Secured() {
  Config c;
  c.auth.ingest_token = "in-secret";
  c.auth.read_token = "read-secret";
  c.sources["github"].configured = true;
  c.sources["github"].secret = "It's a Secret to Everybody";
  return c;
}

ApiOptions OptionsOf(const Config& c) {
  ApiOptions o;
  o.version = "test";
  o.ingest_token = c.auth.ingest_token;
  o.read_token = c.auth.read_token;
  o.sources = c.sources;
  return o;
}

// --- Answers before the body ---------------------------------------------------------

TEST(ApiBeforeBody, RefusesWhatNeedsNoBodyAndHandleAgrees) {
  ApiHarness h(Secured());
  Api api(h.ingest(), OptionsOf(h.config()));
  struct Case {
    const char* method;
    const char* target;
    const char* authorization;
    int status;  // 0: read the body
    const char* header = nullptr;
    const char* header_value = nullptr;
  };
  const Case cases[] = {
      {"POST", "/api/v1/events", "", 401, "WWW-Authenticate", "Bearer realm=\"debriefd\""},
      {"POST", "/api/v1/events", "Bearer read-secret", 401, "WWW-Authenticate", "Bearer realm=\"debriefd\""},
      {"POST", "/webhooks/alertmanager", "Bearer wrong", 401},
      {"POST", "/api/v1/events", "bearer in-secret", 0},
      {"POST", "/webhooks/alertmanager", "Bearer in-secret", 0},
      // GitHub signs its body: only the body can say whether it is genuine.
      {"POST", "/webhooks/github", "", 0},
      {"POST", "/webhooks/gitlab", "Bearer in-secret", 404},  // not configured
      {"POST", "/nope", "Bearer in-secret", 404},
      {"GET", "/webhooks/alertmanager", "Bearer in-secret", 405, "Allow", "POST"},
      {"POST", "/metrics", "Bearer read-secret", 405, "Allow", "GET, HEAD"},
      {"DELETE", "/-/healthy", "", 405, "Allow", "GET, HEAD"},
      {"GET", "/metrics", "Bearer in-secret", 401},
      {"GET", "/metrics", "Bearer read-secret", 0},
      {"GET", "/api/v1/incidents/inc-1", "", 401},
      {"GET", "/incidents", "", 401, "WWW-Authenticate", "Basic realm=\"debriefd\", charset=\"UTF-8\""},
      {"GET", "/static/style.css", "", 0},
      {"GET", "/healthz", "", 0},
      {"HEAD", "/-/ready", "", 0},
      {"GET", "/api/v1/status/buildinfo", "", 401},
      {"POST", "/-/reload", "Bearer in-secret", 404},  // no reload callback
      {"GET", "/api/v1/status/config", "Bearer read-secret", 404},  // no config callback
      {"GET", "http://[bad", "", 400},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.target + " " + c.authorization);
    std::optional<HttpResponse> early = api.BeforeBody(Request(c.method, c.target, c.authorization));
    if (c.status == 0) {
      EXPECT_FALSE(early.has_value()) << early->status << " " << early->body;
      continue;
    }
    ASSERT_TRUE(early.has_value());
    EXPECT_EQ(early->status, c.status) << early->body;
    if (c.header != nullptr) {
      EXPECT_EQ(early->headers[c.header], c.header_value);
    }
    // Handle makes the same checks itself, body or not.
    HttpResponse full = Call(api, Request(c.method, c.target, c.authorization, kChange));
    EXPECT_EQ(full.status, c.status) << full.body;
    EXPECT_EQ(full.headers, early->headers);
  }
}

// --- 401s: counted and logged ----------------------------------------------------------

TEST(ApiUnauthorized, EveryOneIsCountedAndLoggedAtMostOncePerTenSeconds) {
  CapturedLog log;
  ApiHarness h(Secured());
  FakeMonotonic clock;
  ApiOptions o = OptionsOf(h.config());
  o.monotonic_seconds = clock.Fn();
  Api api(h.ingest(), o);

  ASSERT_EQ(api.BeforeBody(Request("POST", "/api/v1/events", "Bearer nope"))->status, 401);
  clock.now += 1;
  ASSERT_EQ(Call(api, Request("POST", "/api/v1/events", "", kChange)).status, 401);
  clock.now += 1;
  ASSERT_EQ(Call(api, Request("GET", "/api/v1/incidents", "Bearer in-secret")).status, 401);
  ASSERT_EQ(log.Lines("unauthorized request").size(), 1u);
  EXPECT_EQ(log.Lines("unauthorized request")[0],
            "unauthorized request from 192.0.2.7:40000: POST /api/v1/events (wrong or missing ingest token)");

  clock.now += 10;
  ASSERT_EQ(Call(api, Request("GET", "/incidents", "Basic eDp5")).status, 401);
  std::vector<std::string> lines = log.Lines("unauthorized request");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1],
            "unauthorized request from 192.0.2.7:40000: GET /incidents (wrong or missing read token (page login)); "
            "2 more unauthorized request(s) not logged since the last line");

  std::string m = Call(api, Request("GET", "/metrics", "Bearer read-secret")).body;
  EXPECT_EQ(Series(m, R"(debriefd_http_requests_total{code="401",handler="/api/v1/events"})"), 2);
  EXPECT_EQ(Series(m, R"(debriefd_http_requests_total{code="401",handler="/api/v1/incidents"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_http_requests_total{code="401",handler="/incidents"})"), 1);
}

TEST(ApiUnauthorized, LogLinesCannotBeForgedThroughThePath) {
  CapturedLog log;
  ApiHarness h(Secured());
  Api api(h.ingest(), OptionsOf(h.config()));
  ASSERT_EQ(Call(api, Request("GET", "/api/v1/incidents/x%0Aunauthorized%20request%20from%20y")).status, 401);
  std::vector<std::string> lines = log.Lines("unauthorized request");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "unauthorized request from 192.0.2.7:40000: GET /api/v1/incidents/x?unauthorized request from y "
            "(wrong or missing read token)");
}

// --- Request metrics ---------------------------------------------------------------------

TEST(ApiRequestMetrics, HandlersAreRoutePatterns) {
  for (auto [path, handler] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/incidents/inc-000001", "/api/v1/incidents/{id}"},
           {"/api/v1/incidents", "/api/v1/incidents"},
           {"/webhooks/alertmanager", "/webhooks/alertmanager"},
           {"/webhooks/unheard-of", "other"},
           {"/api/v1/events", "/api/v1/events"},
           {"/incidents/inc-1", "/incidents/{id}"},
           {"/incidents/inc-1/debrief.md", "/incidents/{id}/debrief.md"},
           {"/incidents/{id}", "/incidents/{id}"},
           {"/-/reload", "/-/reload"},
           {"/etc/passwd", "other"},
           {"/", "/"},
       }) {
    EXPECT_EQ(Api::HandlerOf(path), handler) << path;
  }
}

TEST(ApiRequestMetrics, CountsByHandlerAndCodeAndTimesFromCallToAnswer) {
  CapturedLog log(spdlog::level::debug);
  ApiHarness h;
  FakeMonotonic clock;
  clock.step = 0.3;  // every reading 0.3 s later: each request takes 0.3 s
  ApiOptions o = OptionsOf(h.config());
  o.monotonic_seconds = clock.Fn();
  Api api(h.ingest(), o);

  // Before any request, the ingest routes have their 200 and 401 series at 0.
  std::string first = Call(api, Request("GET", "/metrics")).body;
  EXPECT_EQ(Series(first, R"(debriefd_http_requests_total{code="401",handler="/webhooks/alertmanager"})"), 0);
  EXPECT_EQ(Series(first, R"(debriefd_http_requests_total{code="200",handler="/api/v1/events"})"), 0);

  ASSERT_EQ(Call(api, Request("POST", "/webhooks/alertmanager", "", AlertFor("checkout", "2026-10-01T09:00:00Z"))).status, 200);
  ASSERT_EQ(Call(api, Request("GET", "/api/v1/incidents/inc-000001")).status, 200);
  ASSERT_EQ(Call(api, Request("GET", "/api/v1/incidents/inc-999999")).status, 404);
  ASSERT_EQ(Call(api, Request("GET", "/no/such/thing")).status, 404);
  std::string m = Call(api, Request("GET", "/metrics")).body;
  EXPECT_EQ(Series(m, R"(debriefd_http_requests_total{code="200",handler="/webhooks/alertmanager"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_http_requests_total{code="200",handler="/api/v1/incidents/{id}"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_http_requests_total{code="404",handler="/api/v1/incidents/{id}"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_http_requests_total{code="404",handler="other"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_http_requests_total{code="200",handler="/metrics"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_http_request_duration_seconds_bucket{handler="/api/v1/incidents/{id}",le="0.25"})"), 0);
  EXPECT_EQ(Series(m, R"(debriefd_http_request_duration_seconds_bucket{handler="/api/v1/incidents/{id}",le="0.5"})"), 2);
  EXPECT_NEAR(Series(m, R"(debriefd_http_request_duration_seconds_sum{handler="/api/v1/incidents/{id}"})"), 0.6, 1e-9);
  EXPECT_EQ(Series(m, R"(debriefd_http_request_duration_seconds_count{handler="/webhooks/alertmanager"})"), 1);

  // One access line per request, at debug.
  std::vector<std::string> access = log.Lines("http request");
  ASSERT_EQ(access.size(), 6u);
  EXPECT_EQ(access[2],
            "http request remote=192.0.2.7:40000 method=GET path=/api/v1/incidents/inc-000001 "
            "handler=/api/v1/incidents/{id} code=200 bytes=" +
                std::to_string(Call(api, Request("GET", "/api/v1/incidents/inc-000001")).body.size()) +
                " duration_seconds=0.300000");
}

// --- Cardinality bound -------------------------------------------------------------------

TEST(ApiCardinality, ServicesBeyondMaxServicesShareOtherAndAreCounted) {
  CapturedLog log;
  ApiHarness h;
  ApiOptions o = OptionsOf(h.config());
  o.max_services = 3;
  Api api(h.ingest(), o);
  const char* services[] = {"s1", "s2", "s3", "s4", "s5"};
  for (const char* s : services) {
    ASSERT_EQ(Call(api, Request("POST", "/webhooks/alertmanager", "", AlertFor(s, "2026-10-01T09:00:00Z"))).status, 200);
  }
  // A service that has only changes, never an incident.
  ASSERT_EQ(Call(api, Request("POST", "/api/v1/events", "", kChange)).status, 200);

  std::string m = Call(api, Request("GET", "/metrics")).body;
  for (const char* kept : {"s1", "s2", "s3"}) {
    EXPECT_EQ(Series(m, std::string("debriefd_incidents_total{service=\"") + kept + "\",severity=\"critical\"}"), 1);
  }
  EXPECT_EQ(Series(m, R"(debriefd_incidents_total{service="s4",severity="critical"})"), -1);
  EXPECT_EQ(Series(m, R"(debriefd_incidents_total{service="_other",severity="critical"})"), 2);
  EXPECT_EQ(Series(m, R"(debriefd_incidents_open{service="_other",severity="critical"})"), 2);
  EXPECT_EQ(Series(m, R"(debriefd_changes_total{service="_other",kind="deploy"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_label_values_folded{label="service"})"), 3);  // s4, s5, x
  ASSERT_EQ(log.Lines("limits.max_services").size(), 1u);
  EXPECT_EQ(log.Lines("limits.max_services")[0],
            "metrics: 3 services beyond limits.max_services (3) are exported as service=\"_other\"");

  // A later service never displaces an earlier one: "_other" only grows.
  ASSERT_EQ(Call(api, Request("POST", "/webhooks/alertmanager", "", AlertFor("a0", "2026-10-01T09:05:00Z"))).status, 200);
  m = Call(api, Request("GET", "/metrics")).body;
  EXPECT_EQ(Series(m, R"(debriefd_incidents_total{service="s3",severity="critical"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_incidents_total{service="_other",severity="critical"})"), 3);
  EXPECT_EQ(Series(m, R"(debriefd_label_values_folded{label="service"})"), 4);

  // Within the bound nothing is folded.
  ApiOptions wide = o;
  wide.max_services = 100;
  api.Reconfigure(wide);
  m = Call(api, Request("GET", "/metrics")).body;
  EXPECT_EQ(Series(m, R"(debriefd_incidents_total{service="s4",severity="critical"})"), 1);
  EXPECT_EQ(Series(m, R"(debriefd_incidents_total{service="_other",severity="critical"})"), -1);
  EXPECT_EQ(Series(m, R"(debriefd_label_values_folded{label="service"})"), 0);
}

// --- Lifecycle endpoints -----------------------------------------------------------------

TEST(ApiLifecycle, HealthyAndReadyAnswerLikeHealthzAndReadyz) {
  ApiHarness h;
  Api api(h.ingest(), OptionsOf(h.config()));
  for (const char* path : {"/-/healthy", "/-/ready", "/healthz", "/readyz"}) {
    for (const char* method : {"GET", "HEAD"}) {
      EXPECT_EQ(Call(api, Request(method, path)).status, 200) << method << " " << path;
    }
    HttpResponse post = Call(api, Request("POST", path));
    EXPECT_EQ(post.status, 405) << path;
    EXPECT_EQ(post.headers["Allow"], "GET, HEAD");
  }
  EXPECT_EQ(Call(api, Request("GET", "/-/healthy")).body, Call(api, Request("GET", "/healthz")).body);
  EXPECT_EQ(Call(api, Request("GET", "/-/ready")).body, Call(api, Request("GET", "/readyz")).body);
}

TEST(ApiLifecycle, ReadyFailsNamingTheStoreFileOnceItIsDeleted) {
  Config config;
  ApiHarness h(config);
  ASSERT_EQ(h.Get("/-/ready").status, 200);
  const std::string store = h.StoragePath();
  ASSERT_EQ(std::remove(store.c_str()), 0);
  for (const char* target : {"/readyz", "/-/ready"}) {
    HttpResponse r = h.Get(target);
    EXPECT_EQ(r.status, 503) << target;
    json::object body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("status").as_string(), "unavailable");
    EXPECT_NE(std::string(body.at("reason").as_string()).find(store), std::string::npos) << r.body;
  }
  // Ingest is refused too, with the same reason, and nothing is stored.
  HttpResponse post = h.Post("/api/v1/events", R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"a","kind":"deploy"})");
  EXPECT_EQ(post.status, 503) << post.body;
  EXPECT_NE(post.body.find("deleted"), std::string::npos) << post.body;
}

TEST(ApiLifecycle, BuildInfoAndConfigAnswerAsPrometheusDoes) {
  ApiHarness h;
  ApiOptions o = OptionsOf(h.config());
  o.revision = "0123abc";
  o.branch = "main";
  o.build_date = "20261201-10:00:00";
  o.config_yaml = [] { return std::string("auth:\n  ingest_token: <secret>\n"); };
  Api api(h.ingest(), o);

  HttpResponse build = Call(api, Request("GET", "/api/v1/status/buildinfo"));
  ASSERT_EQ(build.status, 200);
  json::object b = json::parse(build.body).as_object();
  EXPECT_EQ(b.at("status"), "success");
  EXPECT_EQ(b.at("data").at("version"), "test");
  EXPECT_EQ(b.at("data").at("revision"), "0123abc");
  EXPECT_EQ(b.at("data").at("branch"), "main");
  EXPECT_EQ(b.at("data").at("buildDate"), "20261201-10:00:00");
  const std::string compiler(b.at("data").at("compiler").as_string());
  EXPECT_TRUE(compiler.starts_with("gcc ") || compiler.starts_with("clang ")) << compiler;
  EXPECT_EQ(Call(api, Request("GET", "/api/v1/status/buildinfo?x=1")).status, 400);

  HttpResponse config = Call(api, Request("GET", "/api/v1/status/config"));
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(config.body, R"({"status":"success","data":{"yaml":"auth:\n  ingest_token: <secret>\n"}})");

  std::string m = Call(api, Request("GET", "/metrics")).body;
  EXPECT_EQ(Series(m, R"(debriefd_build_info{version="test",revision="0123abc"})"), 1);
}

TEST(ApiLifecycle, ReloadCallsTheCallbackWithTheIngestToken) {
  ApiHarness h(Secured());
  ReloadState state;
  int calls = 0;
  Status next = Status::Ok();
  ApiOptions o = OptionsOf(h.config());
  o.reload_state = &state;
  o.reload = [&] {
    ++calls;
    if (next.ok()) state.RecordSuccess(1.7e9 + calls);
    else state.RecordFailure();
    return next;
  };
  Api api(h.ingest(), o);

  EXPECT_EQ(Call(api, Request("POST", "/-/reload")).status, 401);
  EXPECT_EQ(Call(api, Request("POST", "/-/reload", "Bearer read-secret")).status, 401);
  HttpResponse get = Call(api, Request("GET", "/-/reload", "Bearer in-secret"));
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.headers["Allow"], "POST, PUT");
  EXPECT_EQ(calls, 0);

  HttpResponse ok = Call(api, Request("POST", "/-/reload", "Bearer in-secret"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"status":"success"})");
  EXPECT_EQ(Call(api, Request("PUT", "/-/reload", "Bearer in-secret")).status, 200);
  EXPECT_EQ(calls, 2);
  std::string m = Call(api, Request("GET", "/metrics", "Bearer read-secret")).body;
  EXPECT_EQ(Series(m, "debriefd_config_last_reload_successful"), 1);
  EXPECT_EQ(Series(m, "debriefd_config_last_reload_success_timestamp_seconds"), 1.7e9 + 2);

  next = Status::InvalidArgument("listen", "debriefd.yaml:3: not host:port");
  HttpResponse failed = Call(api, Request("POST", "/-/reload", "Bearer in-secret"));
  EXPECT_EQ(failed.status, 500);
  json::object body = json::parse(failed.body).as_object();
  EXPECT_EQ(body.at("error").as_string(), next.message());
  EXPECT_EQ(body.at("field"), "listen");
  m = Call(api, Request("GET", "/metrics", "Bearer read-secret")).body;
  EXPECT_EQ(Series(m, "debriefd_config_last_reload_successful"), 0);
  EXPECT_EQ(Series(m, "debriefd_config_last_reload_success_timestamp_seconds"), 1.7e9 + 2);
}

// --- Process and server figures ----------------------------------------------------------

TEST(ApiProcessMetrics, ArePresentPlausibleAndFollowOpenFiles) {
  ApiHarness h;
  Api api(h.ingest(), OptionsOf(h.config()));
  std::string before = Call(api, Request("GET", "/metrics")).body;
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
                           "process_open_fds", "process_max_fds", "process_start_time_seconds"}) {
    EXPECT_GE(Series(before, name), 0) << name << " is missing";
  }
  EXPECT_GT(Series(before, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GE(Series(before, "process_virtual_memory_bytes"), Series(before, "process_resident_memory_bytes"));
  EXPECT_GE(Series(before, "process_max_fds"), Series(before, "process_open_fds"));
  EXPECT_GT(Series(before, "process_start_time_seconds"), 1.5e9);
  EXPECT_LE(Series(before, "process_start_time_seconds"), static_cast<double>(std::time(nullptr)) + 1);

  std::vector<std::FILE*> files;
  for (int i = 0; i < 20; ++i) files.push_back(std::fopen(h.dir().File(std::string("f").append(std::to_string(i))).c_str(), "w"));
  std::string after = Call(api, Request("GET", "/metrics")).body;
  for (std::FILE* f : files) {
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  EXPECT_GE(Series(after, "process_open_fds"), Series(before, "process_open_fds") + 20);
}

TEST(ApiProcessMetrics, ServerFiguresAreExportedWhenGiven) {
  ApiHarness h;
  ApiOptions o = OptionsOf(h.config());
  std::string m = Call(*std::make_unique<Api>(h.ingest(), o), Request("GET", "/metrics")).body;
  EXPECT_EQ(Series(m, "debriefd_http_connections_open"), -1);
  o.server_stats = [] {
    return ServerFigures{.connections_open = 3, .connections_refused_total = 7, .inflight_bytes = 4096,
                         .accept_errors_total = 11, .inflight_rejected_total = 2, .tls_handshake_errors_total = 5,
                         .basic_auth_failures_total = 13, .tls_reloads_total = 1, .tls_reload_errors_total = 4};
  };
  o.process_stats = []() -> Result<ProcessStats> { return Status::Unavailable("no /proc here"); };
  Api api(h.ingest(), o);
  m = Call(api, Request("GET", "/metrics")).body;
  EXPECT_EQ(Series(m, "debriefd_http_connections_open"), 3);
  EXPECT_EQ(Series(m, "debriefd_http_connections_refused_total"), 7);
  EXPECT_EQ(Series(m, "debriefd_http_inflight_body_bytes"), 4096);
  EXPECT_EQ(Series(m, "debriefd_http_accept_errors_total"), 11);
  EXPECT_EQ(Series(m, "debriefd_http_inflight_rejected_total"), 2);
  EXPECT_EQ(Series(m, "debriefd_http_basic_auth_failures_total"), 13);
  EXPECT_EQ(Series(m, "debriefd_tls_handshake_errors_total"), 5);
  EXPECT_EQ(Series(m, "debriefd_tls_certificate_reloads_total"), 1);
  EXPECT_EQ(Series(m, "debriefd_tls_certificate_reload_errors_total"), 4);
  EXPECT_EQ(Series(m, "process_open_fds"), -1);  // left out when unreadable
}

// --- Reconfigure -------------------------------------------------------------------------

TEST(ApiReconfigure, NewTokensAndSourcesApplyToTheNextRequest) {
  ApiHarness h(Secured());
  Api api(h.ingest(), OptionsOf(h.config()));
  ASSERT_EQ(Call(api, Request("POST", "/api/v1/events", "Bearer in-secret", kChange)).status, 200);
  ASSERT_FALSE(api.BeforeBody(Request("POST", "/webhooks/github")).has_value());

  Config next = h.config();
  next.auth.ingest_token = "rotated";
  next.auth.read_token = "";
  next.sources.erase("github");
  api.Reconfigure(OptionsOf(next));
  EXPECT_EQ(Call(api, Request("POST", "/api/v1/events", "Bearer in-secret", kChange)).status, 401);
  EXPECT_EQ(api.BeforeBody(Request("POST", "/api/v1/events", "Bearer in-secret"))->status, 401);
  EXPECT_EQ(Call(api, Request("POST", "/api/v1/events", "Bearer rotated", kChange)).status, 200);
  EXPECT_EQ(Call(api, Request("GET", "/api/v1/incidents")).status, 200);  // no read token any more
  EXPECT_EQ(api.BeforeBody(Request("POST", "/webhooks/github"))->status, 404);
}

TEST(ApiReconfigure, IsSafeWhileRequestsAreAnswered) {
  ApiHarness h(Secured());
  Api api(h.ingest(), OptionsOf(h.config()));
  std::atomic<bool> stop{false};
  std::thread reloader([&] {
    Config c = h.config();
    for (int i = 0; !stop; ++i) {
      c.auth.read_token = i % 2 ? "read-secret" : "other";
      api.Reconfigure(OptionsOf(c));
    }
  });
  int ok = 0, denied = 0;
  for (int i = 0; i < 2000; ++i) {
    int status = Call(api, Request("GET", "/api/v1/incidents", "Bearer read-secret")).status;
    (status == 200 ? ok : denied)++;
    ASSERT_TRUE(status == 200 || status == 401) << status;
  }
  stop = true;
  reloader.join();
  EXPECT_EQ(ok + denied, 2000);
}


// --- While the state loads -------------------------------------------------------------

// The port opens before the store is read: liveness answers at once, and
// nothing that needs the whole state answers until it is loaded (a counter
// read from a half-loaded state would look like a reset).
TEST(ApiLoading, OnlyLivenessAndBuildInfoAnswerUntilTheStateIsLoaded) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("debriefd.db"));
  ASSERT_TRUE(store.ok());
  FakeClock clock(T("2026-10-01T10:00:00Z"));
  IngestService ingest(*store.value(), Policy{}, clock);
  Api api(ingest, ApiOptions{});
  auto call = [&api](const std::string& method, const std::string& target, const std::string& body = "") {
    std::promise<HttpResponse> p;
    auto f = p.get_future();
    api.Handle(HttpRequest{method, target, "", body, {}}, [&p](HttpResponse r) { p.set_value(std::move(r)); });
    return f.get();
  };
  EXPECT_EQ(call("GET", "/healthz").status, 200);
  EXPECT_EQ(call("GET", "/api/v1/status/buildinfo").status, 200);
  HttpResponse ready = call("GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("\"loading\""), std::string::npos) << ready.body;
  for (const char* target : {"/metrics", "/api/v1/incidents", "/incidents"}) {
    HttpResponse r = call("GET", target);
    EXPECT_EQ(r.status, 503) << target;
    EXPECT_EQ(r.headers.count("Retry-After"), 1u) << target;
  }
  HttpResponse post = call("POST", "/api/v1/events", R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"a","kind":"deploy"})");
  EXPECT_EQ(post.status, 503) << post.body;
  EXPECT_NE(post.body.find("still being loaded"), std::string::npos) << post.body;

  ASSERT_TRUE(ingest.Load().ok());
  ingest.Start();
  EXPECT_EQ(call("GET", "/readyz").status, 200);
  EXPECT_EQ(call("GET", "/metrics").status, 200);
  EXPECT_EQ(call("POST", "/api/v1/events", R"({"type":"change","time":"2026-10-01T09:00:00Z","service":"a","kind":"deploy"})").status, 200);
}

}  // namespace
}  // namespace debriefd
