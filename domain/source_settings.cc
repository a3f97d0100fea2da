#include "domain/source_settings.h"

#include <algorithm>

namespace debriefd {

bool GlobMatch(std::string_view p, std::string_view t) {
  // Iterative matcher with one backtrack point: linear in practice, no recursion.
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

const SourceSettings& SettingsOf(const SourceSettingsMap& all, std::string_view name) {
  static const SourceSettings kUnconfigured;
  auto it = all.find(std::string(name));
  return it == all.end() ? kUnconfigured : it->second;
}

std::string SourceSettings::ServiceFor(std::string_view name) const {
  for (const ServiceRule& rule : services) {
    if (GlobMatch(rule.match, name)) return rule.service;
  }
  while (!name.empty() && name.back() == '/') name.remove_suffix(1);
  size_t slash = name.find_last_of('/');
  return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

bool SourceSettings::WantsEnvironment(std::string_view environment) const {
  return std::find(environments.begin(), environments.end(), environment) != environments.end();
}

std::string SourceSettings::Option(const std::string& key, const std::string& fallback) const {
  auto it = options.find(key);
  return it == options.end() ? fallback : it->second.value;
}

}  // namespace debriefd
