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
  std::string storage_path = "data/debriefd.db";
  size_t max_body = 1 << 20;
  Duration read_timeout = std::chrono::seconds(30);
  AuthConfig auth;
  std::string log_level = "info";
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

// Byte sizes: a plain integer or one with a unit (KiB, MiB, GiB, KB, MB, GB, B).
bool ParseByteSize(std::string_view text, size_t* out);

}  // namespace debriefd
