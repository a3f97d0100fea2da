#pragma once
// The settings of one webhook source (`sources.<name>` in the config), as the
// source reads them: its secret, how names in its payloads map to services,
// the environments that count, and options of its own.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace debriefd {

// `{match: <glob>, service: <name>}`; `*` matches any run of characters
// (slashes included), `?` one character.
struct ServiceRule {
  std::string match;
  std::string service;
};

struct SourceOption {
  std::string value;                        // a single value
  std::map<std::string, std::string> map;  // or a flat mapping ({high: critical, low: warning})
  int line = 0;                             // in the config file, for errors
};

struct SourceSettings {
  bool configured = false;  // the config has a `sources.<name>` entry
  // From secret_file or secret_env; empty: requests are accepted unsigned.
  std::string secret;
  std::vector<ServiceRule> services;
  std::vector<std::string> environments = {"production"};
  // Every other key of `sources.<name>`, by name; the source says which it knows.
  std::map<std::string, SourceOption> options;

  // The service a repository, project path, application or object is
  // deployed as: the first rule that matches, else its last path segment.
  std::string ServiceFor(std::string_view name) const;
  // True when deploys to `environment` are changes debriefd records.
  bool WantsEnvironment(std::string_view environment) const;
  // An option's value, or `fallback` when it is not set.
  std::string Option(const std::string& key, const std::string& fallback = "") const;
};

// Every source's settings, by source name.
using SourceSettingsMap = std::map<std::string, SourceSettings>;
// The settings of `name`; an unconfigured source's defaults when absent.
const SourceSettings& SettingsOf(const SourceSettingsMap& all, std::string_view name);

// Shell-style glob: `*` any run (slashes included), `?` one character.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace debriefd
