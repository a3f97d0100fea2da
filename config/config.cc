#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace debriefd {

std::string ConfigError::ToString() const {
  return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
}

bool ParseByteSize(std::string_view text, size_t* out) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    if (n > (1ULL << 40)) return false;
    ++i;
  }
  if (i == 0) return false;
  std::string_view unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  uint64_t mult = 0;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KiB") mult = 1ULL << 10;
  else if (unit == "MiB") mult = 1ULL << 20;
  else if (unit == "GiB") mult = 1ULL << 30;
  else if (unit == "KB") mult = 1000;
  else if (unit == "MB") mult = 1000 * 1000;
  else if (unit == "GB") mult = 1000 * 1000 * 1000;
  else return false;
  *out = static_cast<size_t>(n * mult);
  return true;
}

namespace {

// Walks the YAML tree, recording every error with its line.
class Reader {
 public:
  Reader(std::string file, ConfigLoad* out) : file_(std::move(file)), out_(out), errors_(&out->errors) {}

  void Error(const YAML::Node& node, const std::string& path, const std::string& msg) {
    int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    errors_->push_back({file_, line, path + ": " + msg});
  }

  // Checks that `node` is a mapping with only `allowed` keys.
  bool Mapping(const YAML::Node& node, const std::string& path, const std::set<std::string>& allowed) {
    if (!node.IsDefined() || node.IsNull()) return false;
    if (!node.IsMap()) {
      Error(node, path, "must be a mapping");
      return false;
    }
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>("");
      if (!allowed.empty() && allowed.count(key) == 0) {
        std::string known;
        for (const auto& k : allowed) known += (known.empty() ? "" : ", ") + k;
        Error(kv.first, Join(path, key), "unknown key (known: " + known + ")");
      }
    }
    return true;
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  void String(const YAML::Node& parent, const std::string& path, const char* key, std::string* out) {
    YAML::Node n = parent[key];
    if (!n.IsDefined() || n.IsNull()) return;
    if (!n.IsScalar()) {
      Error(n, Join(path, key), "must be a string");
      return;
    }
    *out = n.Scalar();
  }

  void Dur(const YAML::Node& parent, const std::string& path, const char* key, Duration* out) {
    YAML::Node n = parent[key];
    if (!n.IsDefined() || n.IsNull()) return;
    std::optional<Duration> d = n.IsScalar() ? ParseDuration(n.Scalar()) : std::nullopt;
    if (!d) {
      Error(n, Join(path, key), "not a duration (use 30s, 5m, 1h, 72h, 14d)");
      return;
    }
    if (d->count() < 0) {
      Error(n, Join(path, key), "must not be negative");
      return;
    }
    *out = *d;
  }

  void Bool(const YAML::Node& parent, const std::string& path, const char* key, bool* out) {
    YAML::Node n = parent[key];
    if (!n.IsDefined() || n.IsNull()) return;
    bool v;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      Error(n, Join(path, key), "must be true or false");
      return;
    }
    *out = v;
  }

  void StringList(const YAML::Node& parent, const std::string& path, const char* key,
                  std::vector<std::string>* out) {
    YAML::Node n = parent[key];
    if (!n.IsDefined() || n.IsNull()) return;
    if (!n.IsSequence()) {
      Error(n, Join(path, key), "must be a list of strings");
      return;
    }
    out->clear();
    for (size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar() || n[i].Scalar().empty()) {
        Error(n[i], Join(path, key) + "[" + std::to_string(i) + "]", "must be a non-empty string");
        continue;
      }
      out->push_back(n[i].Scalar());
    }
  }

  // Records the file (or variable); LoadConfigFile reads it (Load itself
  // reads no files and no environment).
  void TokenFile(const YAML::Node& parent, const std::string& path, const char* key,
                 std::function<std::string&(Config&)> target, bool env = false) {
    std::string file;
    String(parent, path, key, &file);
    if (file.empty()) return;
    out_->files.push_back({Join(path, key), parent[key].Mark().line + 1, file, env, std::move(target)});
  }

  // sources.<name>: secret_file | secret_env, services, environments, and
  // options of the source's own (checked against the source by the caller).
  void Source(const YAML::Node& n, const std::string& name, SourceSettings* s) {
    const std::string path = "sources." + name;
    s->configured = true;
    if (n.IsNull()) return;  // `github:` alone: configured, every default
    if (!Mapping(n, path, {})) return;
    auto secret = [name](Config& c) -> std::string& { return c.sources[name].secret; };
    if (n["secret_file"].IsDefined() && n["secret_env"].IsDefined()) {
      Error(n["secret_env"], path, "give secret_file or secret_env, not both");
    }
    TokenFile(n, path, "secret_file", secret);
    TokenFile(n, path, "secret_env", secret, /*env=*/true);
    StringList(n, path, "environments", &s->environments);
    if (YAML::Node rules = n["services"]; rules.IsDefined() && !rules.IsNull()) {
      if (!rules.IsSequence()) {
        Error(rules, path + ".services", "must be a list of {match, service}");
      } else {
        for (size_t i = 0; i < rules.size(); ++i) {
          std::string at = path + ".services[" + std::to_string(i) + "]";
          ServiceRule rule;
          if (!Mapping(rules[i], at, {"match", "service"})) {
            Error(rules[i], at, "must be {match: <glob>, service: <name>}");
            continue;
          }
          String(rules[i], at, "match", &rule.match);
          String(rules[i], at, "service", &rule.service);
          if (rule.match.empty() || rule.service.empty()) {
            Error(rules[i], at, "needs both match and service");
            continue;
          }
          s->services.push_back(std::move(rule));
        }
      }
    }
    for (const auto& kv : n) {
      std::string key = kv.first.as<std::string>("");
      if (key == "secret_file" || key == "secret_env" || key == "services" || key == "environments") continue;
      SourceOption option;
      option.line = kv.first.Mark().line + 1;
      if (kv.second.IsScalar()) {
        option.value = kv.second.Scalar();
      } else if (kv.second.IsMap()) {
        for (const auto& entry : kv.second) {
          if (!entry.second.IsScalar()) {
            Error(entry.second, Join(Join(path, key), entry.first.as<std::string>("")), "must be a single value");
            continue;
          }
          option.map[entry.first.as<std::string>("")] = entry.second.Scalar();
        }
      } else {
        Error(kv.second, Join(path, key), "must be a value or a mapping of values");
        continue;
      }
      s->options[key] = std::move(option);
    }
  }

  void Goals(const YAML::Node& n, const std::string& path, debriefd::Goals* g) {
    Dur(n, path, "detect", &g->detect);
    Dur(n, path, "fix", &g->fix);
  }

 private:
  std::string file_;
  ConfigLoad* out_;
  std::vector<ConfigError>* errors_;
};

}  // namespace

ConfigLoad LoadConfig(std::string_view yaml, const std::string& file) {
  ConfigLoad out;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    out.errors.push_back({file, e.mark.line + 1, "invalid YAML: " + e.msg});
    return out;
  }
  if (root.IsNull()) return out;  // an empty file means every default
  Reader r(file, &out);
  Config& c = out.config;
  Policy& p = c.policy;
  if (!r.Mapping(root, "", {"listen", "external_url", "storage", "limits", "shutdown_timeout", "auth", "log", "goals", "alerts",
                            "changes", "debrief", "action_items", "repeats", "sources"})) {
    if (!root.IsMap()) return out;
  }
  r.String(root, "", "listen", &c.listen);
  r.String(root, "", "external_url", &c.external_url);
  if (const size_t colon = c.listen.rfind(':'); colon == std::string::npos) {
    r.Error(root["listen"], "listen", "expected host:port, e.g. 127.0.0.1:9466");
  } else {
    const std::string port = c.listen.substr(colon + 1);
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits || std::stoul(port) > 65535) {
      r.Error(root["listen"], "listen", "port \"" + port.substr(0, 16) + "\" is not a number from 0 to 65535");
    }
  }
  if (!c.external_url.empty() && !c.external_url.starts_with("http://") && !c.external_url.starts_with("https://")) {
    r.Error(root["external_url"], "external_url", "must be an http:// or https:// URL");
  }
  if (YAML::Node n = root["storage"]; r.Mapping(n, "storage", {"driver", "path", "integrity_check", "dsn", "dsn_file"})) {
    r.String(n, "storage", "driver", &c.storage_driver);
    r.String(n, "storage", "path", &c.storage_path);
    r.Bool(n, "storage", "integrity_check", &c.storage_integrity_check);
    r.String(n, "storage", "dsn", &c.storage_dsn);
    r.TokenFile(n, "storage", "dsn_file", [](Config& c) -> std::string& { return c.storage_dsn; });
    const bool dsn = n["dsn"].IsDefined(), dsn_file = n["dsn_file"].IsDefined();
    if (c.storage_driver != "sqlite" && c.storage_driver != "postgres") {
      r.Error(n["driver"], "storage.driver", "must be sqlite or postgres, not \"" + c.storage_driver.substr(0, 32) + "\"");
    } else if (c.storage_driver == "postgres" && dsn == dsn_file) {
      r.Error(n, "storage", dsn ? "give dsn or dsn_file, not both" : "driver postgres needs dsn or dsn_file");
    } else if (c.storage_driver == "sqlite" && (dsn || dsn_file)) {
      r.Error(n[dsn ? "dsn" : "dsn_file"], dsn ? "storage.dsn" : "storage.dsn_file", "only with driver: postgres");
    }
  }
  if (YAML::Node n = root["limits"];
      r.Mapping(n, "limits", {"max_body", "read_timeout", "max_inflight_bytes", "max_connections", "max_services",
                              "max_overdue_series", "max_clock_skew"})) {
    auto bytes = [&](const char* key, size_t* out) {
      if (YAML::Node v = n[key]; v.IsDefined() && !v.IsNull()) {
        if (!v.IsScalar() || !ParseByteSize(v.Scalar(), out) || *out == 0) {
          r.Error(v, std::string("limits.") + key, "not a byte size (use 1048576, 512KiB, 1MiB)");
        }
      }
    };
    auto count = [&](const char* key, size_t* out) {
      if (YAML::Node v = n[key]; v.IsDefined() && !v.IsNull()) {
        unsigned long long parsed = 0;
        if (!v.IsScalar() || !YAML::convert<unsigned long long>::decode(v, parsed) || parsed == 0 ||
            v.Scalar().front() == '-') {
          r.Error(v, std::string("limits.") + key, "must be a positive whole number");
          return;
        }
        *out = static_cast<size_t>(parsed);
      }
    };
    bytes("max_body", &c.max_body);
    bytes("max_inflight_bytes", &c.max_inflight_bytes);
    count("max_connections", &c.max_connections);
    count("max_services", &c.max_services);
    count("max_overdue_series", &c.max_overdue_series);
    r.Dur(n, "limits", "read_timeout", &c.read_timeout);
    r.Dur(n, "limits", "max_clock_skew", &c.max_clock_skew);
    if (c.max_inflight_bytes < c.max_body) {
      r.Error(n["max_inflight_bytes"], "limits.max_inflight_bytes",
              "must be at least limits.max_body (" + std::to_string(c.max_body) + " bytes)");
    }
  }
  r.Dur(root, "", "shutdown_timeout", &c.shutdown_timeout);
  if (YAML::Node n = root["auth"];
      r.Mapping(n, "auth", {"ingest_token", "ingest_token_file", "read_token", "read_token_file"})) {
    r.String(n, "auth", "ingest_token", &c.auth.ingest_token);
    r.String(n, "auth", "read_token", &c.auth.read_token);
    r.TokenFile(n, "auth", "ingest_token_file", [](Config& c) -> std::string& { return c.auth.ingest_token; });
    r.TokenFile(n, "auth", "read_token_file", [](Config& c) -> std::string& { return c.auth.read_token; });
  }
  if (YAML::Node n = root["log"]; r.Mapping(n, "log", {"level", "format"})) {
    r.String(n, "log", "level", &c.log_level);
    r.String(n, "log", "format", &c.log_format);
    if (!ValidLogLevel(c.log_level)) r.Error(n["level"], "log.level", "must be one of trace, debug, info, warn, error, off");
    if (!ValidLogFormat(c.log_format)) r.Error(n["format"], "log.format", "must be logfmt or json");
  }
  if (YAML::Node n = root["goals"]; r.Mapping(n, "goals", {"detect", "fix", "by_severity"})) {
    r.Goals(n, "goals", &p.goals);
    if (YAML::Node bs = n["by_severity"]; r.Mapping(bs, "goals.by_severity", {})) {
      for (const auto& kv : bs) {
        std::string sev = kv.first.as<std::string>("");
        std::string path = "goals.by_severity." + sev;
        debriefd::Goals g = p.goals;
        if (r.Mapping(kv.second, path, {"detect", "fix"})) r.Goals(kv.second, path, &g);
        p.goals_by_severity[sev] = g;
      }
    }
  }
  if (YAML::Node n = root["alerts"];
      r.Mapping(n, "alerts",
                {"group_by", "service_label", "severity_label", "environment_label", "reopen_within",
                 "late_delivery", "late_copy_within", "pending", "pending_from", "ignore_labels"})) {
    r.StringList(n, "alerts", "group_by", &p.group_by);
    r.String(n, "alerts", "service_label", &p.service_label);
    r.String(n, "alerts", "severity_label", &p.severity_label);
    r.String(n, "alerts", "environment_label", &p.environment_label);
    r.Dur(n, "alerts", "reopen_within", &p.reopen_within);
    r.Dur(n, "alerts", "late_delivery", &p.late_delivery);
    r.Dur(n, "alerts", "late_copy_within", &p.late_copy_within);
    if (YAML::Node pf = n["pending_from"]; r.Mapping(pf, "alerts.pending_from", {"url", "refresh"})) {
      r.String(pf, "alerts.pending_from", "url", &c.pending_from.url);
      r.Dur(pf, "alerts.pending_from", "refresh", &c.pending_from.refresh);
      if (c.pending_from.url.rfind("http://", 0) != 0) {
        r.Error(pf["url"], "alerts.pending_from.url", "must be an http:// URL of Prometheus");
      }
      if (c.pending_from.refresh.count() <= 0) r.Error(pf["refresh"], "alerts.pending_from.refresh", "must be positive");
    }
    if (YAML::Node ign = n["ignore_labels"]; ign.IsDefined()) {
      p.ignore_labels.clear();
      if (r.Mapping(ign, "alerts.ignore_labels", {})) {
        for (const auto& kv : ign) {
          std::string name = kv.first.as<std::string>("");
          r.String(ign, "alerts.ignore_labels", name.c_str(), &p.ignore_labels[name]);
        }
      }
    }
    if (YAML::Node pend = n["pending"]; r.Mapping(pend, "alerts.pending", {})) {
      for (const auto& kv : pend) {
        std::string name = kv.first.as<std::string>("");
        Duration d{0};
        r.Dur(pend, "alerts.pending", name.c_str(), &d);
        p.pending[name] = d;
      }
    }
  }
  if (YAML::Node n = root["changes"]; r.Mapping(n, "changes", {"cause_window", "default_environment"})) {
    r.Dur(n, "changes", "cause_window", &p.cause_window);
    r.String(n, "changes", "default_environment", &p.default_environment);
  }
  if (YAML::Node n = root["debrief"];
      r.Mapping(n, "debrief", {"required_for", "due_within", "checkpoint_after", "skip_auto_resolved"})) {
    r.StringList(n, "debrief", "required_for", &p.debrief_required_for);
    r.Dur(n, "debrief", "due_within", &p.debrief_due_within);
    r.Dur(n, "debrief", "checkpoint_after", &p.checkpoint_after);
    r.Bool(n, "debrief", "skip_auto_resolved", &p.skip_auto_resolved);
  }
  if (YAML::Node n = root["action_items"];
      r.Mapping(n, "action_items", {"due_within", "label", "incident_label", "incident_pattern"})) {
    r.Dur(n, "action_items", "due_within", &p.action_item_due_within);
    r.String(n, "action_items", "label", &p.action_item_label);
    r.String(n, "action_items", "incident_label", &p.action_item_incident_label);
    r.String(n, "action_items", "incident_pattern", &p.action_item_incident_pattern);
    if (p.action_item_label.empty()) r.Error(n["label"], "action_items.label", "must not be empty");
    if (p.action_item_incident_label.find("{id}") == std::string::npos) {
      r.Error(n["incident_label"], "action_items.incident_label", "must contain {id}, e.g. incident:{id}");
    }
    try {
      std::regex check(p.action_item_incident_pattern, std::regex::ECMAScript);
      if (check.mark_count() > 1) {
        r.Error(n["incident_pattern"], "action_items.incident_pattern",
                "has more than one capture group (the first names the incident; use (?:...) for the rest)");
      }
    } catch (const std::regex_error& e) {
      r.Error(n["incident_pattern"], "action_items.incident_pattern", std::string("not a regex: ") + e.what());
    }
  }
  if (YAML::Node n = root["repeats"]; r.Mapping(n, "repeats", {"window"})) {
    r.Dur(n, "repeats", "window", &p.repeat_window);
  }
  if (YAML::Node n = root["sources"]; r.Mapping(n, "sources", {})) {
    for (const auto& kv : n) {
      std::string name = kv.first.as<std::string>("");
      r.Source(kv.second, name, &c.sources[name]);
    }
  }
  if (c.listen.empty()) r.Error(root["listen"], "listen", "must not be empty");
  if (c.storage_path.empty()) r.Error(root["storage"], "storage.path", "must not be empty");
  return out;
}

namespace {

bool IsSecretKey(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  if (key.ends_with("_file") || key.ends_with("_env")) return false;
  // storage.dsn: a libpq connection string may hold a password.
  return key.find("token") != std::string::npos || key.find("secret") != std::string::npos ||
         key.find("password") != std::string::npos || key == "dsn";
}

void Redact(YAML::Node node) {
  if (node.IsMap()) {
    for (auto kv : node) {
      if (kv.second.IsScalar() && IsSecretKey(kv.first.as<std::string>(""))) {
        if (!kv.second.Scalar().empty()) kv.second = "<secret>";
      } else {
        Redact(kv.second);
      }
    }
  } else if (node.IsSequence()) {
    for (auto item : node) Redact(item);
  }
}

}  // namespace

std::string RedactSecrets(std::string_view yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception&) {
    return "";
  }
  Redact(root);
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

bool ValidLogLevel(std::string_view level) {
  static const std::set<std::string, std::less<>> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  return kLevels.count(level) > 0;
}

bool ValidLogFormat(std::string_view format) { return format == "logfmt" || format == "json"; }

ConfigLoad LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ConfigLoad out;
    out.errors.push_back({path, 0, "cannot read the file"});
    return out;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  ConfigLoad load = LoadConfig(ss.str(), path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  ResolveFiles(load, path, dir.empty() ? "." : dir);
  // Every path the config names is relative to its folder, as Prometheus reads
  // rule_files: the same config gives the same store from any working directory.
  if (!dir.empty() && std::filesystem::path(load.config.storage_path).is_relative()) {
    load.config.storage_path = (std::filesystem::path(dir) / load.config.storage_path).lexically_normal().string();
  }
  return load;
}

void ResolveFiles(ConfigLoad& load, const std::string& file, const std::string& base_dir) {
  for (const ConfigFileRef& ref : load.files) {
    if (ref.env) {
      const char* value = std::getenv(ref.path.c_str());
      if (value == nullptr || *value == '\0') {
        load.errors.push_back({file, ref.line, ref.key + ": the environment variable " + ref.path + " is not set"});
      } else {
        ref.target(load.config) = value;
      }
      continue;
    }
    std::filesystem::path p(ref.path);
    if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
    std::ifstream in(p);
    if (!in) {
      load.errors.push_back({file, ref.line, ref.key + ": cannot read " + p.string()});
      continue;
    }
    std::string& token = ref.target(load.config);
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) load.errors.push_back({file, ref.line, ref.key + ": " + p.string() + " is empty"});
  }
}

}  // namespace debriefd
