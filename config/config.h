#pragma once
// debriefd's YAML configuration: strict (unknown keys and wrong types are
// errors naming file and line), split into a pure Load from text and a thin
// LoadFile. config/debriefd.example.yaml documents every key.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/policy.h"

namespace debriefd {

struct AuthConfig {
  std::string ingest_token;  // POST /webhooks/*, POST /api/v1/events
  std::string read_token;    // GET /api/v1/*, GET /metrics
};

struct Config {
  std::string listen = "127.0.0.1:9466";
  std::string storage_path = "data/debriefd.db";
  size_t max_body = 1 << 20;
  Duration read_timeout = std::chrono::seconds(30);
  AuthConfig auth;
  std::string log_level = "info";
  Policy policy;
};

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when not about one line
  std::string message;
  std::string ToString() const;  // "file:line: message"
};

struct ConfigLoad {
  Config config;
  std::vector<ConfigError> errors;  // every problem found, in file order
  bool ok() const { return errors.empty(); }
};

// Parses YAML text. `file` names the source in errors. Token files named by
// auth.*_token_file are read relative to `base_dir`.
ConfigLoad LoadConfig(std::string_view yaml, const std::string& file, const std::string& base_dir = ".");
// Reads and parses a file.
ConfigLoad LoadConfigFile(const std::string& path);

// Byte sizes: a plain integer or one with a unit (KiB, MiB, GiB, KB, MB, GB, B).
bool ParseByteSize(std::string_view text, size_t* out);

}  // namespace debriefd
