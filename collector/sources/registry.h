#pragma once
// The registry: the explicit list of event sources (registry.cc), and the
// calls that dispatch on a source's name. Every error these return names the
// source: "alertmanager: alerts[2].startsAt: not RFC 3339".

#include <string_view>
#include <vector>

#include "collector/sources/source.h"

namespace debriefd {

// Every source, in registry order.
const std::vector<const Source*>& Sources();
// nullptr when unknown.
const Source* FindSource(std::string_view name);
const Source* FindSourceByRoute(std::string_view path);

// Parses a request body with the named source.
Result<std::vector<ParsedEvent>> ParseRequestBody(std::string_view source, std::string_view body,
                                                  Time received_at);
// Re-reads one stored `raw` event of the named source.
Result<Event> ParseStoredEvent(std::string_view source, std::string_view raw, Time received_at);

}  // namespace debriefd
