#pragma once
// The registry: the explicit list of event sources (registry.cc), and the
// calls that dispatch on a source's name. Every error these return names the
// source: "alertmanager: alerts[2].startsAt: not RFC 3339".

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collector/sources/source.h"

namespace debriefd {

// Every source, in registry order.
const std::vector<const Source*>& Sources();
// nullptr when unknown.
const Source* FindSource(std::string_view name);
const Source* FindSourceByRoute(std::string_view path);

// Request headers by lower-case name.
using HeaderMap = std::map<std::string, std::string>;
// A header name as HeaderMap keys it: lower case.
std::string HeaderName(std::string_view name);
// A lookup into `headers` (which must outlive it).
HeaderLookup LookupIn(const HeaderMap& headers);

// Parses a request with the named source. For a source without read_stored,
// each event's raw is {"headers": {...the ones it reads}, "body": "<body bytes>"}.
Result<std::vector<ParsedEvent>> ParseRequest(std::string_view source, std::string_view body,
                                              const HeaderMap& headers, Time received_at,
                                              const SourceSettings& settings);
// The same without headers, with an unconfigured source's settings.
Result<std::vector<ParsedEvent>> ParseRequestBody(std::string_view source, std::string_view body,
                                                  Time received_at);
// Re-reads one stored `raw` event of the named source.
Result<Event> ParseStoredEvent(std::string_view source, std::string_view raw, Time received_at,
                               const SourceSettings& settings);
Result<Event> ParseStoredEvent(std::string_view source, std::string_view raw, Time received_at);

// The request one stored event replays as: its body and the headers kept.
struct StoredRequest {
  std::string body;
  HeaderMap headers;
};
StoredRequest RequestOfStored(std::string_view source, std::string_view raw);

// Every problem with the `sources` settings: unknown sources and options the
// source does not read, as "sources.<name>.<key>: ..." with the line.
struct SettingsProblem {
  int line = 0;
  std::string message;
};
std::vector<SettingsProblem> CheckSourceSettings(const SourceSettingsMap& settings);

// The source names whose debriefd_events_total series exist from the start:
// the sources that need no config, and every configured one.
std::vector<std::string> ActiveSourceNames(const SourceSettingsMap& settings);

}  // namespace debriefd
