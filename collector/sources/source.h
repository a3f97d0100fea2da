#pragma once
// One shape for every event source: Alertmanager's webhook, debriefd's native
// events, and every webhook added after them. A source is one .cc file that
// defines a `Source` and one line in registry.cc; its route, its
// debriefd_events_total labels, its fuzz entry, its replay form and its
// fixtures folder (tests/fixtures/<name>/) all follow from the registry.
//
// Parsers never throw and never look at state (whether an incident exists is
// the tracker's question). Their errors name the field path and the reason;
// the registry adds the source's name once.

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"
#include "domain/event_store.h"
#include "domain/source_settings.h"
#include "domain/status.h"

namespace debriefd {

// One event parsed from a request, with `raw`: the JSON text of that one
// event in its source's own format. The store keeps `raw`, and a restart
// re-reads it with the same source, so each format has exactly one reading.
struct ParsedEvent {
  Event event;
  std::string raw;
  // Counters the request adds once when it stores at least one new event
  // (e.g. the alerts a notification left out); a source puts them on the
  // request's first event.
  EventCounts request_counts;
};

// A request header by lower-case name; empty when absent.
using HeaderLookup = std::function<std::string_view(std::string_view name)>;

// One request as a source sees it.
struct SourceRequest {
  std::string_view body;  // the raw bytes
  HeaderLookup header;    // never null
  Time received_at{};     // provisional for live requests (the writer stamps them)
  const SourceSettings& settings;
};

struct Source {
  // The metrics label, the replay line's "source" and the store's source column.
  std::string_view name;
  // Its POST path, e.g. "/webhooks/alertmanager".
  std::string_view route;
  // True: the route answers 404 until `sources.<name>` is configured.
  bool needs_config = false;
  // An untrusted request -> events. Empty on success: a valid request that
  // carries nothing debriefd records (a ping, another environment, a pending
  // deploy): answered 200 and counted as "ignored".
  Result<std::vector<ParsedEvent>> (*parse)(const SourceRequest& request) = nullptr;
  // One stored `raw` event -> the event it was parsed as. nullptr: the
  // registry stores each event's request (body and `headers`) and re-parses
  // it, the usual choice for a webhook that sends one event per request.
  Result<Event> (*read_stored)(std::string_view raw, Time received_at) = nullptr;
  // The request body that replays one stored `raw` event; nullptr: `raw` itself.
  std::string (*replay_body)(std::string_view raw) = nullptr;
  // The request headers (lower-case) the parser reads: kept with each stored
  // event and in the replay format. Never a token or a signature.
  std::span<const std::string_view> headers;
  // Checks the request's signature or token over the raw body bytes, in
  // constant time, with settings.secret (called only when it is set).
  // Unauthenticated names the header.
  Status (*verify)(const SourceRequest& request) = nullptr;
  // The keys of `sources.<name>` this source reads besides secret_file,
  // secret_env, services and environments.
  std::span<const std::string_view> options;
  // Checks the values of those options (check-config and start-up);
  // InvalidArgument naming the option. nullptr: any value.
  Status (*check_options)(const SourceSettings& settings) = nullptr;
};

// A stable 64-bit FNV-1a hash, hex encoded: content-derived ids and fingerprints.
std::string StableHash(std::string_view data);

}  // namespace debriefd
