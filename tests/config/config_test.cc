// Strict configuration: defaults, every shipped example, and one fixture per
// rejected config (tests/fixtures/config/rejected/*.yaml, whose first line says
// "# expect: <line>: <text the error must contain>").
#include "config/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>

#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

TEST(Config, EmptyFileMeansEveryDefault) {
  ConfigLoad load = LoadConfig("", "empty.yaml");
  ASSERT_TRUE(load.ok());
  const Config& c = load.config;
  EXPECT_EQ(c.listen, "127.0.0.1:9466");
  EXPECT_EQ(c.max_body, 1u << 20);
  EXPECT_EQ(c.policy.goals.detect, Min(5));
  EXPECT_EQ(c.policy.goals.fix, Hours(1));
  EXPECT_EQ(c.policy.group_by, std::vector<std::string>{"service"});
  EXPECT_EQ(c.policy.reopen_within, Min(15));
  EXPECT_EQ(c.policy.cause_window, Hours(2));
  EXPECT_EQ(c.policy.debrief_due_within, Hours(72));
  EXPECT_EQ(c.policy.checkpoint_after, Days(14));
  EXPECT_EQ(c.policy.repeat_window, Days(90));
  EXPECT_TRUE(c.policy.debrief_required_for.empty());
  EXPECT_EQ(c.policy.ignore_labels.at("alert_source"), "debriefd");
}

TEST(Config, IgnoreLabelsCanBeTurnedOff) {
  ConfigLoad load = LoadConfig("alerts:\n  ignore_labels: {}\n", "c.yaml");
  ASSERT_TRUE(load.ok());
  EXPECT_TRUE(load.config.policy.ignore_labels.empty());
}

TEST(Config, ReadsEveryKey) {
  ConfigLoad load = LoadConfig(R"(
listen: 0.0.0.0:9000
storage: {path: /var/lib/debriefd/store.db}
limits: {max_body: 512KiB, read_timeout: 10s}
auth: {ingest_token: in, read_token: out}
goals:
  detect: 10m
  fix: 2h
  by_severity:
    critical: {detect: 2m}
alerts:
  group_by: [service, cluster]
  service_label: app
  severity_label: priority
  reopen_within: 30m
  pending: {HighErrorRate: 5m}
changes: {cause_window: 4h}
debrief: {required_for: [critical], due_within: 48h, checkpoint_after: 7d, skip_auto_resolved: true}
action_items: {due_within: 14d}
repeats: {window: 30d}
)", "full.yaml");
  ASSERT_TRUE(load.ok()) << load.errors[0].ToString();
  const Config& c = load.config;
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.storage_path, "/var/lib/debriefd/store.db");
  EXPECT_EQ(c.max_body, 512u * 1024);
  EXPECT_EQ(c.auth.ingest_token, "in");
  EXPECT_EQ(c.policy.GoalsFor("critical").detect, Min(2));
  EXPECT_EQ(c.policy.GoalsFor("critical").fix, Hours(2)) << "inherits the global fix goal";
  EXPECT_EQ(c.policy.GoalsFor("warning").detect, Min(10));
  EXPECT_EQ(c.policy.group_by, (std::vector<std::string>{"service", "cluster"}));
  EXPECT_EQ(c.policy.service_label, "app");
  EXPECT_EQ(c.policy.pending.at("HighErrorRate"), Min(5));
  EXPECT_EQ(c.policy.cause_window, Hours(4));
  EXPECT_TRUE(c.policy.skip_auto_resolved);
  EXPECT_EQ(c.policy.checkpoint_after, Days(7));
  EXPECT_EQ(c.policy.action_item_due_within, Days(14));
  EXPECT_EQ(c.policy.repeat_window, Days(30));
}

TEST(Config, ListenNeedsAPortFrom0To65535) {
  EXPECT_TRUE(LoadConfig("listen: 127.0.0.1:0\n", "c.yaml").ok());
  EXPECT_TRUE(LoadConfig("listen: '[::1]:65535'\n", "c.yaml").ok());
  for (const char* bad : {"listen: 127.0.0.1:99999\n", "listen: 127.0.0.1:http\n", "listen: localhost\n",
                          "listen: '127.0.0.1:'\n"}) {
    ConfigLoad load = LoadConfig(bad, "c.yaml");
    ASSERT_EQ(load.errors.size(), 1u) << bad;
    EXPECT_EQ(load.errors[0].ToString().rfind("c.yaml:1: listen: ", 0), 0u) << load.errors[0].ToString();
  }
}

TEST(Config, StorageDriverPostgresNeedsExactlyOneDsn) {
  ConfigLoad pg = LoadConfig("storage:\n  driver: postgres\n  dsn: host=/run/pg dbname=debriefd\n", "c.yaml");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg.config.storage_driver, "postgres");
  EXPECT_EQ(pg.config.storage_dsn, "host=/run/pg dbname=debriefd");
  EXPECT_EQ(LoadConfig("", "c.yaml").config.storage_driver, "sqlite");
  const std::pair<const char*, const char*> bad[] = {
      {"storage:\n  driver: mysql\n", "c.yaml:2: storage.driver: must be sqlite or postgres, not \"mysql\""},
      {"storage:\n  driver: postgres\n", "c.yaml:2: storage: driver postgres needs dsn or dsn_file"},
      {"storage:\n  driver: postgres\n  dsn: x\n  dsn_file: f\n", "c.yaml:2: storage: give dsn or dsn_file, not both"},
      {"storage:\n  dsn: host=x\n", "c.yaml:2: storage.dsn: only with driver: postgres"},
  };
  for (const auto& [text, error] : bad) {
    ConfigLoad load = LoadConfig(text, "c.yaml");
    ASSERT_EQ(load.errors.size(), 1u) << text;
    EXPECT_EQ(load.errors[0].ToString(), error);
  }
}

TEST(Config, StorageDsnFileIsReadAndTheDsnIsRedacted) {
  TempDir dir;
  std::ofstream(dir.File("dsn")) << "host=/run/pg password=hunter2\n";
  std::ofstream(dir.File("c.yaml")) << "storage:\n  driver: postgres\n  dsn_file: dsn\n";
  ConfigLoad load = LoadConfigFile(dir.File("c.yaml"));
  ASSERT_TRUE(load.ok()) << load.errors[0].ToString();
  EXPECT_EQ(load.config.storage_dsn, "host=/run/pg password=hunter2");
  const std::string redacted = RedactSecrets("storage:\n  driver: postgres\n  dsn: host=x password=hunter2\n");
  EXPECT_EQ(redacted.find("hunter2"), std::string::npos) << redacted;
}

TEST(Config, ExternalUrlIsAWebUrl) {
  ConfigLoad load = LoadConfig("external_url: https://debriefd.example.com/ops\n", "c.yaml");
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(load.config.external_url, "https://debriefd.example.com/ops");
  ConfigLoad bad = LoadConfig("external_url: debriefd.example.com\n", "c.yaml");
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].ToString(), "c.yaml:1: external_url: must be an http:// or https:// URL");
}

TEST(Config, ActionItemRulesFromTrackers) {
  ConfigLoad defaults = LoadConfig("", "c.yaml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.config.policy.action_item_label, "debrief");
  EXPECT_EQ(defaults.config.policy.action_item_incident_label, "incident:{id}");

  ConfigLoad load = LoadConfig(R"(action_items:
  label: follow-up
  incident_label: "inc/{id}"
  incident_pattern: 'OUT-[0-9]+'
)", "c.yaml");
  ASSERT_TRUE(load.ok()) << load.errors[0].ToString();
  EXPECT_EQ(load.config.policy.action_item_label, "follow-up");
  EXPECT_EQ(load.config.policy.action_item_incident_label, "inc/{id}");
  EXPECT_EQ(load.config.policy.action_item_incident_pattern, "OUT-[0-9]+");

  ConfigLoad bad = LoadConfig(R"(action_items:
  label: ""
  incident_label: "incident"
  incident_pattern: '(unclosed'
)", "bad.yaml");
  ASSERT_EQ(bad.errors.size(), 3u);
  EXPECT_NE(bad.errors[0].ToString().find("bad.yaml:2: action_items.label: must not be empty"), std::string::npos)
      << bad.errors[0].ToString();
  EXPECT_NE(bad.errors[1].ToString().find("bad.yaml:3: action_items.incident_label: must contain {id}"),
            std::string::npos)
      << bad.errors[1].ToString();
  EXPECT_NE(bad.errors[2].ToString().find("bad.yaml:4: action_items.incident_pattern: not a regex"),
            std::string::npos)
      << bad.errors[2].ToString();
  ConfigLoad groups = LoadConfig("action_items: {incident_pattern: '(a)(b)'}\n", "g.yaml");
  ASSERT_EQ(groups.errors.size(), 1u);
  EXPECT_NE(groups.errors[0].ToString().find("more than one capture group"), std::string::npos);
}

TEST(Config, ReportsEveryErrorWithFileAndLine) {
  ConfigLoad load = LoadConfig("listen: x:1\nfoo: 1\ngoals:\n  detect: soon\n  fix: 1h\n", "two.yaml");
  ASSERT_EQ(load.errors.size(), 2u);
  EXPECT_EQ(load.errors[0].ToString(), "two.yaml:2: foo: unknown key (known: action_items, alerts, auth, changes, debrief, external_url, goals, limits, listen, log, repeats, shutdown_timeout, sources, storage)");
  EXPECT_EQ(load.errors[1].line, 4);
}

TEST(Config, EveryShippedExampleLoads) {
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(SourcePath("config"))) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || name.rfind("debriefd", 0) != 0) continue;
    ConfigLoad load = LoadConfigFile(entry.path().string());
    for (const auto& e : load.errors) ADD_FAILURE() << e.ToString();
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

TEST(Config, RejectedFixturesFailWhereTheySay) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SourcePath("tests/fixtures/config/rejected"))) {
    std::string text = ReadFile(entry.path());
    const std::string prefix = "# expect: ";
    ASSERT_EQ(text.rfind(prefix, 0), 0u) << entry.path();
    std::string expect = text.substr(prefix.size(), text.find('\n') - prefix.size());
    int line = std::stoi(expect);
    std::string needle = expect.substr(expect.find(": ") + 2);
    ConfigLoad load = LoadConfigFile(entry.path().string());
    ASSERT_FALSE(load.ok()) << entry.path();
    EXPECT_EQ(load.errors[0].line, line) << load.errors[0].ToString();
    EXPECT_NE(load.errors[0].message.find(needle), std::string::npos) << load.errors[0].ToString();
    EXPECT_EQ(load.errors[0].file, entry.path().string());
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(Config, TokenFilesAreReadRelativeToTheConfig) {
  TempDir dir;
  std::ofstream(dir.File("token")) << "s3cret\n";
  std::ofstream(dir.File("c.yaml")) << "auth:\n  ingest_token_file: token\n";
  ConfigLoad load = LoadConfigFile(dir.File("c.yaml"));
  ASSERT_TRUE(load.ok()) << load.errors[0].ToString();
  EXPECT_EQ(load.config.auth.ingest_token, "s3cret");
}

TEST(Config, StoragePathIsRelativeToTheConfigFileFolder) {
  TempDir dir;
  std::filesystem::create_directories(dir.File("etc"));
  std::ofstream(dir.File("etc/c.yaml")) << "storage:\n  path: ../data/store.db\n";
  ConfigLoad relative = LoadConfigFile(dir.File("etc/c.yaml"));
  ASSERT_TRUE(relative.ok()) << relative.errors[0].ToString();
  EXPECT_EQ(relative.config.storage_path, dir.File("data/store.db"));

  std::ofstream(dir.File("etc/abs.yaml")) << "storage:\n  path: /var/lib/debriefd/store.db\n";
  EXPECT_EQ(LoadConfigFile(dir.File("etc/abs.yaml")).config.storage_path, "/var/lib/debriefd/store.db");
}

TEST(Config, LimitsLifecycleAndLogKeys) {
  ConfigLoad defaults = LoadConfig("", "c.yaml");
  EXPECT_EQ(defaults.config.max_inflight_bytes, size_t{64} << 20);
  EXPECT_EQ(defaults.config.max_connections, 1024u);
  EXPECT_EQ(defaults.config.max_services, 1000u);
  EXPECT_EQ(defaults.config.max_clock_skew, Min(5));
  EXPECT_EQ(defaults.config.shutdown_timeout, std::chrono::seconds(30));
  EXPECT_EQ(defaults.config.log_format, "logfmt");
  EXPECT_FALSE(defaults.config.storage_integrity_check);

  ConfigLoad load = LoadConfig(R"(
storage: {path: s.db, integrity_check: true}
limits: {max_inflight_bytes: 8MiB, max_connections: 50, max_services: 20, max_clock_skew: 1m}
shutdown_timeout: 5s
log: {level: debug, format: json}
)", "c.yaml");
  ASSERT_TRUE(load.ok()) << load.errors[0].ToString();
  const Config& c = load.config;
  EXPECT_TRUE(c.storage_integrity_check);
  EXPECT_EQ(c.max_inflight_bytes, size_t{8} << 20);
  EXPECT_EQ(c.max_connections, 50u);
  EXPECT_EQ(c.max_services, 20u);
  EXPECT_EQ(c.max_clock_skew, Min(1));
  EXPECT_EQ(c.shutdown_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "json");
}

TEST(Config, RedactSecretsHidesInlineSecretsOnly) {
  const std::string redacted = RedactSecrets(R"(
listen: 127.0.0.1:9466
auth:
  ingest_token: hunter2
  read_token_file: secrets/read
sources:
  jira:
    secret_env: JIRA_SECRET
    api_password: pa55
)");
  EXPECT_EQ(redacted.find("hunter2"), std::string::npos) << redacted;
  EXPECT_EQ(redacted.find("pa55"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("ingest_token: <secret>"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("read_token_file: secrets/read"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("secret_env: JIRA_SECRET"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("listen: 127.0.0.1:9466"), std::string::npos) << redacted;
  EXPECT_EQ(RedactSecrets("a: [unclosed"), "");
}

TEST(Config, LoadReadsNoFilesItListsThemForLoadConfigFile) {
  ConfigLoad load = LoadConfig("auth:\n  read_token: inline\n  read_token_file: /nonexistent/token\n", "c.yaml");
  ASSERT_TRUE(load.ok()) << load.errors[0].ToString();
  ASSERT_EQ(load.files.size(), 1u);
  EXPECT_EQ(load.files[0].key, "auth.read_token_file");
  EXPECT_EQ(load.files[0].line, 3);
  EXPECT_EQ(load.files[0].path, "/nonexistent/token");
  EXPECT_EQ(load.config.auth.read_token, "inline");

  ResolveFiles(load, "c.yaml", ".");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].ToString(), "c.yaml:3: auth.read_token_file: cannot read /nonexistent/token");
}

TEST(Config, SourcesReadSecretsServicesEnvironmentsAndOptions) {
  TempDir dir;
  std::ofstream(dir.File("github.secret")) << "gh-s3cret\n";
  ::setenv("DEBRIEFD_TEST_GITLAB_TOKEN", "gl-t0ken", 1);
  std::ofstream(dir.File("c.yaml")) << R"(sources:
  github:
    secret_file: github.secret
    services:
      - {match: "acme/checkout-*", service: checkout}
      - {match: "acme/*", service: platform}
    environments: [production, prod-eu]
  gitlab:
    secret_env: DEBRIEFD_TEST_GITLAB_TOKEN
  pagerduty:
    severity_from: urgency
  argocd:
)";
  ConfigLoad load = LoadConfigFile(dir.File("c.yaml"));
  ASSERT_TRUE(load.ok()) << load.errors[0].ToString();
  const SourceSettings& gh = load.config.sources.at("github");
  EXPECT_TRUE(gh.configured);
  EXPECT_EQ(gh.secret, "gh-s3cret");
  EXPECT_EQ(gh.ServiceFor("acme/checkout-api"), "checkout");
  EXPECT_EQ(gh.ServiceFor("acme/search"), "platform");
  EXPECT_EQ(gh.ServiceFor("other/billing"), "billing") << "no rule: the last path segment";
  EXPECT_TRUE(gh.WantsEnvironment("prod-eu"));
  EXPECT_FALSE(gh.WantsEnvironment("staging"));
  EXPECT_EQ(load.config.sources.at("gitlab").secret, "gl-t0ken");
  EXPECT_TRUE(load.config.sources.at("gitlab").WantsEnvironment("production")) << "the default";
  EXPECT_EQ(load.config.sources.at("pagerduty").Option("severity_from"), "urgency");
  EXPECT_EQ(load.config.sources.at("pagerduty").options.at("severity_from").line, 11);
  EXPECT_TRUE(load.config.sources.at("argocd").configured) << "an empty entry turns the source on";
  EXPECT_TRUE(load.config.sources.at("argocd").secret.empty());
}

TEST(Config, SourceSecretsThatCannotBeReadFailWithTheirLine) {
  ::unsetenv("DEBRIEFD_TEST_UNSET");
  ConfigLoad load = LoadConfig(R"(sources:
  github:
    secret_file: /nonexistent/github.secret
  gitlab:
    secret_env: DEBRIEFD_TEST_UNSET
  flux:
    secret_file: a
    secret_env: B
)", "c.yaml");
  ResolveFiles(load, "c.yaml", ".");
  std::vector<std::string> errors;
  for (const ConfigError& e : load.errors) errors.push_back(e.ToString());
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "c.yaml:8: sources.flux: give secret_file or secret_env, not both",
                        "c.yaml:3: sources.github.secret_file: cannot read /nonexistent/github.secret",
                        "c.yaml:5: sources.gitlab.secret_env: the environment variable DEBRIEFD_TEST_UNSET is not set",
                        "c.yaml:7: sources.flux.secret_file: cannot read ./a",
                        "c.yaml:8: sources.flux.secret_env: the environment variable B is not set"}));
}

TEST(ByteSize, ParsesUnits) {
  size_t n = 0;
  EXPECT_TRUE(ParseByteSize("1MiB", &n));
  EXPECT_EQ(n, 1u << 20);
  EXPECT_TRUE(ParseByteSize("2048", &n));
  EXPECT_EQ(n, 2048u);
  EXPECT_TRUE(ParseByteSize("10KB", &n));
  EXPECT_EQ(n, 10000u);
  EXPECT_FALSE(ParseByteSize("1 TiB", &n));
  EXPECT_FALSE(ParseByteSize("MiB", &n));
}

}  // namespace
}  // namespace debriefd
