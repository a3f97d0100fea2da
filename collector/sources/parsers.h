#pragma once
// One parser per event source. Each turns an untrusted request body into
// domain events, or a Status naming the field and the reason
// ("alertmanager: alerts[2].startsAt: not RFC 3339"). Parsers never throw and
// never look at state: whether an incident exists is the tracker's question.
//
// Every parsed event keeps `raw`, the JSON text of that one event in its
// source's own format. The store keeps `raw`, and a restart re-parses it with
// the same parser, so there is exactly one reading of each format.

#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"
#include "domain/status.h"

namespace debriefd {

struct ParsedEvent {
  Event event;
  std::string raw;  // one alert object, or one native event object
};

// POST /webhooks/alertmanager: an Alertmanager webhook (version 4) or Grafana's
// Alertmanager-compatible body. One ParsedEvent per alert.
Result<std::vector<ParsedEvent>> ParseAlertmanagerWebhook(std::string_view body, Time received_at);

// POST /api/v1/events: one native event object or an array of them.
Result<std::vector<ParsedEvent>> ParseNativeEvents(std::string_view body, Time received_at);

// Dispatches on source ("alertmanager" | "events").
Result<std::vector<ParsedEvent>> ParseRequestBody(std::string_view source, std::string_view body,
                                                  Time received_at);

// Re-reads one stored `raw` event of a source.
Result<Event> ParseStoredEvent(std::string_view source, std::string_view raw, Time received_at);

// The replay/dump line format:
// {"received_at": "<RFC 3339>", "source": "alertmanager"|"events", "body": <request body>}
struct ReplayLine {
  std::string source;
  Time received_at{};
  std::string body;  // the request body, as JSON text
};
Result<ReplayLine> ParseReplayLine(std::string_view line);
// The dump form of one stored event; an alert is wrapped in a one-alert webhook.
std::string FormatReplayLine(std::string_view source, Time received_at, std::string_view raw);

// A stable 64-bit FNV-1a hash, hex encoded; used for content-derived ids.
std::string StableHash(std::string_view data);

}  // namespace debriefd
