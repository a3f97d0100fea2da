#pragma once
// debriefd's YAML configuration: strict (unknown keys and wrong types are
// errors naming file and line), split into a pure Load from text and a thin
// LoadFile. config/debriefd.example.yaml documents every key.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/policy.h"
#include "domain/source_settings.h"

namespace debriefd {

struct AuthConfig {
  std::string ingest_token;  // POST /webhooks/*, POST /api/v1/events
  std::string read_token;    // GET /api/v1/*, GET /metrics
};

struct Config {
  std::string listen = "127.0.0.1:9466";
  // Where people reach debriefd ("https://debriefd.example.com/ops"): the
  // base of absolute links in the feed, the debrief document and the alert
  // rules' annotations, and the path prefix of the pages' links. Empty:
  // links are relative to the server's root.
  std::string external_url;
  // storage.path: a relative path is relative to the config file's folder
  // (LoadConfigFile resolves it, as every path the config names).
  std::string storage_path = "data/debriefd.db";
  // storage.driver: "sqlite" (the file at storage.path) or "postgres"
  // (storage.dsn or storage.dsn_file: a libpq connection string; any number of
  // replicas may share the database).
  std::string storage_driver = "sqlite";
  std::string storage_dsn;
  // storage.integrity_check: true runs PRAGMA integrity_check at start (slow,
  // reads every page); false the quicker quick_check.
  bool storage_integrity_check = false;
  size_t max_body = 1 << 20;
  Duration read_timeout = std::chrono::seconds(30);
  // limits.max_inflight_bytes: request bodies buffered at once, all
  // connections together; beyond it requests get 503 before their body is read.
  size_t max_inflight_bytes = size_t{64} << 20;
  // limits.max_connections: open connections; the excess is refused at accept.
  size_t max_connections = 1024;
  // limits.max_services: distinct `service` label values in /metrics; the
  // rest are folded into service="_other".
  size_t max_services = 1000;
  // limits.max_overdue_series: debriefd_debrief_overdue_seconds series (one per
  // incident overdue now); the longest overdue are kept.
  size_t max_overdue_series = 1000;
  // limits.max_clock_skew: how far in the future an event's stated time may
  // be (a sender's clock ahead of ours); beyond it the event is refused.
  Duration max_clock_skew = std::chrono::minutes(5);
  // shutdown_timeout: on SIGTERM, how long requests in flight may take to be
  // answered before debriefd exits anyway.
  Duration shutdown_timeout = std::chrono::seconds(30);
  AuthConfig auth;
  std::string log_level = "info";
  std::string log_format = "logfmt";  // logfmt | json
  Policy policy;
  // sources.<name>: the webhook sources beyond alertmanager and events, which
  // answer 404 until configured here.
  std::map<std::string, SourceSettings> sources;
  // alerts.pending_from: read each alert rule's `for:` from this Prometheus.
  struct PendingFrom {
    std::string url;  // empty: off
    Duration refresh = std::chrono::minutes(5);
  } pending_from;
};

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when not about one line
  std::string message;
  std::string ToString() const;  // "file:line: message"
};

// A secret the configuration names but does not hold (auth.*_token_file,
// sources.<name>.secret_file or .secret_env), to be read by ResolveFiles: a
// file's first line, trimmed, or an environment variable's value.
struct ConfigFileRef {
  std::string key;  // "auth.ingest_token_file"
  int line = 0;
  std::string path;  // as written; relative to the config file's folder; or the variable's name
  bool env = false;  // `path` names an environment variable
  std::function<std::string&(Config&)> target;
};

struct ConfigLoad {
  Config config;
  std::vector<ConfigError> errors;  // every problem found, in file order
  std::vector<ConfigFileRef> files;  // named by the text, not yet read
  bool ok() const { return errors.empty(); }
};

// Parses YAML text; pure: reads no file and no environment. `file` names the
// source in errors. Files the text names are listed in `files`, unread.
ConfigLoad LoadConfig(std::string_view yaml, const std::string& file);
// Reads the files a loaded config names, relative to `base_dir`; a missing or
// empty one is an error naming `file` and the key's line.
void ResolveFiles(ConfigLoad& load, const std::string& file, const std::string& base_dir);
// Reads a file, parses it and resolves the files it names: the thin layer
// over LoadConfig that touches the file system.
ConfigLoad LoadConfigFile(const std::string& path);

// The config text with every secret it holds inline replaced by "<secret>"
// (for GET /api/v1/status/config): values of keys that name a token, secret
// or password, except the *_file and *_env keys that only say where one is.
// Text that does not parse comes back as an empty string.
std::string RedactSecrets(std::string_view yaml);

// log.level and log.format (and their command-line flags) take these values.
bool ValidLogLevel(std::string_view level);
bool ValidLogFormat(std::string_view format);

// Byte sizes: a plain integer or one with a unit (KiB, MiB, GiB, KB, MB, GB, B).
bool ParseByteSize(std::string_view text, size_t* out);

}  // namespace debriefd
