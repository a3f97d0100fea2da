// debriefd: the command line. Each subcommand wires config, store, service and
// server together; the logic lives in the libraries.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <atomic>
#include <thread>

#include "cmd/log_format.h"
#include "cmd/stores.h"
#include "server/api.h"
#include "server/server.h"
#include "server/web_config.h"
#include "collector/ingest/ingest_service.h"
#include "collector/prometheus_rules.h"
#include "collector/replay.h"
#include "config/config.h"
#include "exporters/report.h"

#ifndef DEBRIEFD_VERSION
#define DEBRIEFD_VERSION "dev"
#endif
#ifndef DEBRIEFD_REVISION
#define DEBRIEFD_REVISION "unknown"
#endif
#ifndef DEBRIEFD_BRANCH
#define DEBRIEFD_BRANCH "unknown"
#endif

namespace debriefd {
namespace {

// The config, with its sources checked against the registry; every problem
// is printed as file:line: message.
std::optional<Config> LoadOrPrint(const std::string& path) {
  ConfigLoad load = LoadConfigFile(path);
  for (const SettingsProblem& p : CheckSourceSettings(load.config.sources)) {
    load.errors.push_back({path, p.line, p.message});
  }
  for (const ConfigError& e : load.errors) std::cerr << e.ToString() << "\n";
  if (!load.ok()) return std::nullopt;
  for (const auto& [name, s] : load.config.sources) {
    if (s.secret.empty()) {
      std::cerr << path << ": warning: sources." << name
                << " has no secret_file or secret_env: it accepts unsigned requests\n";
    }
  }
  return load.config;
}

// --log.level and --log.format, when given, win over the config's log.*.
struct LogFlags {
  std::string level;
  std::string format;
};

void ApplyLogging(const Config& config, const LogFlags& flags) {
  ConfigureLogging(flags.format.empty() ? config.log_format : flags.format,
                   flags.level.empty() ? config.log_level : flags.level);
}

double UnixSeconds(Time t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a running serve was started with, and what a reload may change.
struct Running {
  const std::string config_path;
  const std::string listen_override;
  const LogFlags log_flags;
  ApiOptions base;  // what does not come from the config file (version, callbacks)
  std::mutex mu;    // guards config and config_text; one reload at a time
  Config config;
  std::string config_text;
  ReloadState reload_state;
};

ApiOptions ApiOptionsFor(const Config& config, const ApiOptions& base) {
  ApiOptions o = base;
  o.ingest_token = config.auth.ingest_token;
  o.read_token = config.auth.read_token;
  o.sources = config.sources;
  o.pages = PageOptions{config.external_url};
  o.max_services = config.max_services;
  o.max_overdue_series = config.max_overdue_series;
  return o;
}

bool SameSources(const SourceSettingsMap& a, const SourceSettingsMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, s] : a) {
    auto it = b.find(name);
    if (it == b.end()) return false;
    const SourceSettings& t = it->second;
    if (s.configured != t.configured || s.secret != t.secret || s.environments != t.environments ||
        s.services.size() != t.services.size() || s.options.size() != t.options.size()) {
      return false;
    }
    for (size_t i = 0; i < s.services.size(); ++i) {
      if (s.services[i].match != t.services[i].match || s.services[i].service != t.services[i].service) return false;
    }
    for (const auto& [key, option] : s.options) {
      auto o = t.options.find(key);
      if (o == t.options.end() || o->second.value != option.value || o->second.map != option.map) return false;
    }
  }
  return true;
}

// SIGHUP and POST /-/reload: the config file is loaded and checked in full
// first; a config that does not load changes nothing. Settings that only a
// restart can apply are named in a warning and keep their running values.
Status Reload(Running& running, IngestService& ingest, Api& api, const Clock& clock) {
  std::lock_guard<std::mutex> lock(running.mu);
  ConfigLoad load = LoadConfigFile(running.config_path);
  for (const SettingsProblem& p : CheckSourceSettings(load.config.sources)) {
    load.errors.push_back({running.config_path, p.line, p.message});
  }
  if (!load.ok()) {
    for (const ConfigError& e : load.errors) spdlog::error("reload: {}", e.ToString());
    spdlog::error("reload: {} does not load; the running config is kept", running.config_path);
    running.reload_state.RecordFailure();
    return Status::InvalidArgument("config", load.errors.front().ToString());
  }
  Config next = std::move(load.config);
  Config& now = running.config;
  if (!running.listen_override.empty()) next.listen = running.listen_override;
  std::vector<std::string> restart;
  auto keep = [&restart](const char* key, auto& next_value, const auto& running_value) {
    if (next_value != running_value) restart.push_back(key);
    next_value = running_value;
  };
  keep("listen", next.listen, now.listen);
  keep("storage.driver", next.storage_driver, now.storage_driver);
  keep("storage.path", next.storage_path, now.storage_path);
  keep("storage.dsn", next.storage_dsn, now.storage_dsn);
  keep("storage.integrity_check", next.storage_integrity_check, now.storage_integrity_check);
  keep("limits.max_body", next.max_body, now.max_body);
  keep("limits.read_timeout", next.read_timeout, now.read_timeout);
  keep("limits.max_inflight_bytes", next.max_inflight_bytes, now.max_inflight_bytes);
  keep("limits.max_connections", next.max_connections, now.max_connections);
  keep("alerts.pending_from", next.pending_from.url, now.pending_from.url);
  next.policy.max_clock_skew = next.max_clock_skew;
  if (!(next.policy == now.policy) || !SameSources(next.sources, now.sources)) {
    // The state is derived from the events under the policy: rebuilt with the
    // new one (the running state stays if that fails).
    if (Status s = ingest.Reconfigure(next.policy, next.sources); !s.ok()) {
      spdlog::error("reload: {}; the running config is kept", s.message());
      running.reload_state.RecordFailure();
      return s;
    }
  }
  api.Reconfigure(ApiOptionsFor(next, running.base));
  ApplyLogging(next, running.log_flags);
  now = std::move(next);
  running.config_text = ReadText(running.config_path);
  running.reload_state.RecordSuccess(UnixSeconds(clock.Now()));
  if (!restart.empty()) {
    std::string keys;
    for (const std::string& k : restart) keys += (keys.empty() ? "" : ", ") + k;
    spdlog::warn("reload: {} changed; restart debriefd to apply (the running values are kept)", keys);
  }
  spdlog::info("reload: {} applied", running.config_path);
  return Status::Ok();
}

int Serve(const std::string& config_path, const std::string& listen_override, const std::string& port_file,
          const std::string& web_config_path, const LogFlags& log_flags) {
  std::optional<Config> config = LoadOrPrint(config_path);
  if (!config) return 1;
  if (!listen_override.empty()) config->listen = listen_override;
  config->policy.max_clock_skew = config->max_clock_skew;
  ApplyLogging(*config, log_flags);
  std::shared_ptr<const WebConfig> web_config;
  if (!web_config_path.empty()) {
    Result<WebConfig> web = LoadWebConfig(web_config_path);
    if (!web.ok()) {
      spdlog::error("--web.config.file: {}", web.status().message());
      return 1;
    }
    web_config = std::make_shared<const WebConfig>(std::move(web.value()));
  }

  // Signals are taken by one thread with sigwait; block them everywhere else.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // A SQLite file is checked while loading, after the port opens (reading
  // every page of a large file takes a while).
  std::optional<OpenedStore> opened = OpenConfiguredStore(*config, /*writer=*/true, /*check_later=*/true);
  if (!opened) return 1;
  SystemClock clock;
  IngestService ingest(*opened->store, config->policy, clock);
  ingest.UseSourceSettings(config->sources);
  // `for:` delays from Prometheus: one read before the store is rebuilt (so
  // the rebuild uses them), then every refresh.
  std::unique_ptr<PrometheusRulesPoller> rules;
  if (!config->pending_from.url.empty()) {
    rules = std::make_unique<PrometheusRulesPoller>(config->pending_from.url, config->pending_from.refresh, clock,
                                                    [&ingest](PendingMap m) { ingest.SetLearnedPending(std::move(m)); });
    (void)rules->PollOnce();
  }
  Running running{config_path, listen_override, log_flags, {}, {}, *config, ReadText(config_path), {}};
  running.reload_state.RecordSuccess(UnixSeconds(clock.Now()));
  std::unique_ptr<Server> server_holder;
  std::unique_ptr<Api> api_holder;
  ApiOptions& base = running.base;
  base.version = DEBRIEFD_VERSION;
  base.revision = DEBRIEFD_REVISION;
  base.branch = DEBRIEFD_BRANCH;
  base.build_date = __DATE__;
  if (rules) base.rules_last_success = [&rules] { return rules->last_success(); };
  base.config_yaml = [&running] {
    std::lock_guard<std::mutex> l(running.mu);
    return RedactSecrets(running.config_text);
  };
  base.reload = [&] { return Reload(running, ingest, *api_holder, clock); };
  base.reload_state = &running.reload_state;
  base.server_stats = [&server_holder] {
    const ServerStats s = server_holder->stats();
    return ServerFigures{.connections_open = s.connections_open,
                         .connections_refused_total = s.connections_refused_total,
                         .inflight_bytes = s.inflight_bytes,
                         .accept_errors_total = s.accept_errors_total,
                         .inflight_rejected_total = s.inflight_rejected_total,
                         .tls_handshake_errors_total = s.tls_handshake_errors_total,
                         .basic_auth_failures_total = s.basic_auth_failures_total,
                         .tls_reloads_total = s.tls_reloads_total,
                         .tls_reload_errors_total = s.tls_reload_errors_total};
  };
  api_holder = std::make_unique<Api>(ingest, ApiOptionsFor(*config, base));
  Api& api = *api_holder;

  ServerOptions server_options;
  server_options.max_body = config->max_body;
  server_options.read_timeout = config->read_timeout;
  server_options.max_inflight_bytes = config->max_inflight_bytes;
  server_options.max_connections = config->max_connections;
  server_options.before_body = [&api](const HttpRequest& req) { return api.BeforeBody(req); };
  server_options.web_config = web_config;
  server_holder = std::make_unique<Server>(api, server_options);
  Server& server = *server_holder;
  Result<unsigned short> port = server.Listen(config->listen);
  if (!port.ok()) {
    spdlog::error("{}", port.status().message());
    return 1;
  }
  spdlog::info("debriefd {} (revision {}) listening on {} (port {}{})", DEBRIEFD_VERSION, DEBRIEFD_REVISION,
               config->listen, *port, web_config && web_config->tls ? ", TLS" : "");
  if (!port_file.empty()) {
    std::ofstream(port_file) << *port << "\n";
  }
  // The state is loaded after the port opens: /healthz answers at once,
  // /readyz and every other endpoint 503 until it is whole.
  std::atomic<bool> load_failed{false};
  std::thread loader([&] {
    std::function<Status()> check;
    if (opened->sqlite) {
      check = [&] { return opened->sqlite->CheckIntegrity(config->storage_integrity_check); };
    }
    Result<size_t> loaded = ingest.Load(std::move(check));
    if (!loaded.ok()) {
      spdlog::error("{}", loaded.status().message());
      load_failed = true;
      server.Shutdown(Duration{0});
      return;
    }
    // Started before the first read: a read that counts settled incidents
    // (the first after a restart counts every one that settled meanwhile)
    // then leaves their sealing to the sealer instead of holding the state
    // lock for it while /readyz already answers 200.
    ingest.Start();
    size_t incidents = ingest.Read([](const IncidentTracker& t, Time) { return t.incidents().size(); });
    spdlog::info("store {}: {} incidents loaded ({} unreadable events)", opened->name, incidents, *loaded);
    if (rules) rules->Start();
  });
  std::thread waiter([&] {
    for (;;) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGHUP) {
        (void)Reload(running, ingest, api, clock);
        continue;
      }
      Duration timeout;
      {
        std::lock_guard<std::mutex> l(running.mu);
        timeout = running.config.shutdown_timeout;
      }
      spdlog::info("signal {}: stopping: answering the requests in flight (at most {}s)", sig,
                   std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
      server.Shutdown(timeout);
      return;
    }
  });
  server.Run(2);
  loader.join();
  if (rules) rules->Stop();
  // Every request answered or given up: commit what is queued.
  ingest.Stop();
  spdlog::info("stopped");
  // Wake the waiter if Run returned for another reason.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return load_failed ? 1 : 0;
}

int CheckConfig(const std::string& path, const std::string& web_config_path) {
  std::optional<Config> config = LoadOrPrint(path);
  if (!web_config_path.empty()) {
    Result<WebConfig> web = LoadWebConfig(web_config_path);
    if (!web.ok()) {
      std::cerr << web.status().message() << "\n";
      return 1;
    }
  }
  if (!config) return 1;
  std::cout << path << ": ok\n";
  if (!web_config_path.empty()) std::cout << web_config_path << ": ok\n";
  return 0;
}

// A store opened and rebuilt into an IngestService, for the one-shot commands.
struct LoadedStore {
  OpenedStore opened;
  SystemClock clock;
  std::unique_ptr<IngestService> ingest;
};

// `writer`: the command holds the store lock (replay) and may save a
// snapshot of the state at its end; a reader (report) never writes.
std::unique_ptr<LoadedStore> LoadStore(const Config& config, bool writer) {
  auto loaded = std::make_unique<LoadedStore>();
  std::optional<OpenedStore> opened = OpenConfiguredStore(config, writer);
  if (!opened) return nullptr;
  loaded->opened = std::move(*opened);
  loaded->ingest = std::make_unique<IngestService>(*loaded->opened.store, config.policy, loaded->clock);
  loaded->ingest->UseSourceSettings(config.sources);
  loaded->ingest->SaveSnapshots(writer);
  if (Result<size_t> rebuilt = loaded->ingest->Load(); !rebuilt.ok()) {
    std::cerr << rebuilt.status().message() << "\n";
    return nullptr;
  }
  return loaded;
}

int Replay(const std::string& config_path, const std::string& events_path) {
  std::optional<Config> config = LoadOrPrint(config_path);
  if (!config) return 1;
  std::ifstream in(events_path);
  if (!in) {
    std::cerr << events_path << ": cannot read\n";
    return 1;
  }
  std::unique_ptr<LoadedStore> loaded = LoadStore(*config, /*writer=*/true);
  if (!loaded) return 1;
  ReplaySummary summary = Replay(in, *loaded->ingest, [&](size_t line, const Status& why) {
    std::cerr << events_path << ":" << line << ": " << why.message() << "\n";
  });
  std::cout << "replayed " << events_path << ": " << summary.accepted << " events accepted, " << summary.duplicates
            << " duplicates, " << summary.rejected << " lines rejected\n";
  return summary.rejected == 0 ? 0 : 2;
}

int DumpEvents(const std::string& config_path, const std::string& out_path) {
  std::optional<Config> config = LoadOrPrint(config_path);
  if (!config) return 1;
  std::optional<OpenedStore> opened = OpenConfiguredStore(*config, /*writer=*/false);
  if (!opened) return 1;
  EventStore* store = opened->store.get();
  std::ofstream file;
  if (!out_path.empty()) file.open(out_path);
  std::ostream& out = out_path.empty() ? std::cout : file;
  Status s = store->ForEach([&](const StoredEvent& e) {
    out << FormatReplayLine(e.source, e.received_at, e.raw) << "\n";
    return Status::Ok();
  });
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  return 0;
}

// Renders a review export from the store, as of now, without the writer
// thread: the quarterly (or any range) review, or with `month` the monthly
// review of action items.
int WriteReport(const std::string& config_path, std::optional<std::string> quarter, std::optional<std::string> from,
                std::optional<std::string> to, std::optional<std::string> month, std::optional<std::string> at,
                const std::string& format_name, const std::string& out_path) {
  // --now: the time the report is judged at (overdue items, the current
  // month), so that a report can be reproduced; the clock's time otherwise.
  std::optional<Time> judged_at;
  if (at) {
    judged_at = ParseRfc3339(*at);
    if (!judged_at) {
      std::cerr << BadReportParameter("now", "not an RFC 3339 time like 2026-12-01T00:00:00Z").message() << "\n";
      return 1;
    }
  }
  if (month && (quarter || from || to)) {
    std::string reason = "give either --month or ";
    reason += quarter ? "--quarter" : "--from and --to";
    reason += ", not both";
    std::cerr << BadReportParameter("month", std::move(reason)).message() << "\n";
    return 1;
  }
  Result<const ReportFormat*> format = month ? ParseMonthlyReportFormat(format_name) : ParseReportFormat(format_name);
  if (!format.ok()) {
    std::cerr << format.status().message() << "\n";
    return 1;
  }
  std::optional<ReportRange> range;
  std::optional<ReportMonth> report_month;
  if (month) {
    Result<ReportMonth> parsed = ParseMonth(*month, judged_at.value_or(SystemClock().Now()));
    if (!parsed.ok()) {
      std::cerr << parsed.status().message() << "\n";
      return 1;
    }
    report_month = std::move(parsed.value());
  } else {
    Result<ReportRange> parsed = ReportRangeFrom(quarter, from, to);
    if (!parsed.ok()) {
      std::cerr << parsed.status().message() << "\n";
      return 1;
    }
    range = std::move(parsed.value());
  }
  std::optional<Config> config = LoadOrPrint(config_path);
  if (!config) return 1;
  // A report of a store that is not there would be an empty report of a new one.
  if (std::error_code ec;
      config->storage_driver == "sqlite" && !std::filesystem::exists(config->storage_path, ec)) {
    std::cerr << config_path << ": storage.path " << config->storage_path << ": no such store\n";
    return 1;
  }
  std::unique_ptr<LoadedStore> loaded = LoadStore(*config, /*writer=*/false);
  if (!loaded) return 1;
  IngestService& ingest = *loaded->ingest;
  std::string text = ingest.Read([&](const IncidentTracker& t, Time clock_now) {
    const Time now = judged_at.value_or(clock_now);
    return report_month ? RenderMonthlyReport(t, now, *report_month, **format)
                        : RenderReport(t, now, *range, **format);
  });
  if (out_path.empty()) {
    std::cout << text;
    return std::cout.flush() ? 0 : 1;
  }
  std::ofstream file(out_path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file.flush()) {
    std::cerr << out_path << ": cannot write\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace debriefd

int main(int argc, char** argv) {
  using namespace debriefd;
  CLI::App app{"debriefd: incident clock and debrief tracker for Prometheus and Alertmanager"};
  app.set_version_flag("--version", std::string("debriefd ") + DEBRIEFD_VERSION);
  app.require_subcommand(1);
  // --log.* may follow the subcommand, as in `debriefd serve --log.level=debug`.
  app.fallthrough();

  std::string config, listen, port_file, events, out, web_config;
  LogFlags log_flags;
  app.add_option("--log.level", log_flags.level, "Log level, instead of log.level: trace, debug, info, warn, error, off")
      ->check([](const std::string& v) { return ValidLogLevel(v) ? "" : "must be trace, debug, info, warn, error or off"; });
  app.add_option("--log.format", log_flags.format, "Log format, instead of log.format: logfmt or json")
      ->check([](const std::string& v) { return ValidLogFormat(v) ? "" : "must be logfmt or json"; });
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API and /metrics");
  serve->add_option("--config", config, "Config file")->required();
  serve->add_option("--listen", listen, "Override `listen` (host:port; port 0 picks a free one)");
  serve->add_option("--port-file", port_file, "Write the bound port to this file once listening");
  serve->add_option("--web.config.file", web_config,
                    "TLS, basic auth and response headers, in the Prometheus exporter-toolkit format "
                    "(docs/operations.md)");

  std::string check_path;
  auto* check = app.add_subcommand("check-config", "Check a config file; print every error with file and line");
  check->add_option("file", check_path, "Config file")->required();
  check->add_option("--web.config.file", web_config, "Also check this web config (TLS, basic auth)");

  auto* replay = app.add_subcommand("replay", "Import recorded events (JSON lines) into the store, idempotently");
  replay->add_option("--config", config, "Config file")->required();
  replay->add_option("events", events, "Events file (.jsonl)")->required();

  auto* dump = app.add_subcommand("dump-events", "Write every stored event in the replay format");
  dump->add_option("--config", config, "Config file")->required();
  dump->add_option("--out", out, "Output file (default: stdout)");

  std::optional<std::string> quarter, from, to, month, at;
  std::string format = "json";
  auto* report = app.add_subcommand("report",
                                    "Write the quarterly (or any range) review: " + ReportFormatNames() +
                                        "; or, with --month, the monthly review of action items: " +
                                        MonthlyReportFormatNames());
  report->add_option("--config", config, "Config file")->required();
  report->add_option("--quarter", quarter, "Quarter of the incidents' start, e.g. 2026-Q3 (UTC)");
  report->add_option("--from", from, "Range start: RFC 3339 or YYYY-MM-DD (instead of --quarter)");
  report->add_option("--to", to, "Range end: RFC 3339 (exclusive) or YYYY-MM-DD (that day included)");
  report->add_option("--month", month,
                     "The monthly review of action items of this month, e.g. 2026-11 (UTC; instead of "
                     "--quarter, --from and --to)");
  report->add_option("--now", at,
                     "Judge the report at this time (RFC 3339; default: now): due dates and the current month. "
                     "Every stored event counts.");
  std::string format_help = "One of:";
  for (const ReportFormat* f : ReportFormats()) {
    format_help += "\n  " + std::string(f->name) + (f->alias.empty() ? "" : " (or " + std::string(f->alias) + ")") +
                   ": " + std::string(f->description) + (f->render_monthly ? "" : " (not with --month)");
  }
  report->add_option("--format", format, format_help)->capture_default_str();
  report->add_option("--out", out, "Output file (default: stdout)");

  std::string migrate_from, migrate_to;
  auto* migrate = app.add_subcommand("migrate", "Copy a SQLite history into an empty PostgreSQL database "
                                                "(for storage.driver: postgres)");
  migrate->add_option("--from", migrate_from, "sqlite:PATH, the file at storage.path")->required();
  migrate->add_option("--to", migrate_to, "postgres:DSN, a libpq connection string as storage.dsn")->required();

  CLI11_PARSE(app, argc, argv);
  if (*serve) return Serve(config, listen, port_file, web_config, log_flags);
  if (*check) return CheckConfig(check_path, web_config);
  if (*replay) return Replay(config, events);
  if (*dump) return DumpEvents(config, out);
  if (*report) return WriteReport(config, quarter, from, to, month, at, format, out);
  if (*migrate) return MigrateStore(migrate_from, migrate_to);
  return 1;
}
