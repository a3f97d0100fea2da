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
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"
#include "domain/event_store.h"
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

// A request header by name (case-insensitive); empty when absent.
using HeaderLookup = std::function<std::string_view(std::string_view name)>;

struct Source {
  // The metrics label, the replay line's "source" and the store's source column.
  std::string_view name;
  // Its POST path, e.g. "/webhooks/alertmanager".
  std::string_view route;
  // An untrusted request body -> events (never empty on success).
  Result<std::vector<ParsedEvent>> (*parse)(std::string_view body, Time received_at) = nullptr;
  // One stored `raw` event -> the event it was parsed as.
  Result<Event> (*read_stored)(std::string_view raw, Time received_at) = nullptr;
  // The request body that replays one stored `raw` event; nullptr: `raw` itself.
  std::string (*replay_body)(std::string_view raw) = nullptr;
  // Checks the request's signature over the raw body bytes with the source's
  // secret, in constant time; nullptr: the bearer token is the only check.
  Status (*verify)(std::string_view body, const HeaderLookup& header, std::string_view secret) = nullptr;
};

// A stable 64-bit FNV-1a hash, hex encoded: content-derived ids and fingerprints.
std::string StableHash(std::string_view data);

}  // namespace debriefd
