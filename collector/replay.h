#pragma once
// The replay format and the one replay loop.
//
// A history is JSON lines, one recorded request each:
//   {"received_at": "<RFC 3339>", "source": "<a registered source>",
//    "headers": {"x-github-event": "...", ...}, "body": <request body>}
// "headers" holds only what the source's parser reads (event type, delivery
// id): never a token or a signature, which are checked at the edge only.
// `debriefd replay` imports one, `debriefd dump-events` writes the store back
// out in it, and tests feed histories through the same loop.

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "collector/ingest/ingest_service.h"
#include "collector/sources/registry.h"

namespace debriefd {

struct ReplayLine {
  std::string source;
  Time received_at{};
  std::string body;  // the request body, as JSON text
  HeaderMap headers;  // the headers the source reads (lower-case names); optional
};
Result<ReplayLine> ParseReplayLine(std::string_view line);
// The replay line of one stored event (Source::replay_body gives its body).
std::string FormatReplayLine(std::string_view source, Time received_at, std::string_view raw);

struct ReplaySummary {
  size_t accepted = 0;    // events newly stored
  size_t duplicates = 0;  // events already stored
  size_t rejected = 0;    // lines that did not parse or apply
};

// Feeds every line of `in` through `ingest` (idempotently: duplicates are
// skipped), `chunk` lines to a group commit, without the writer thread.
// Blank lines are skipped; each rejected line is reported to `on_error` with
// its 1-based number and why.
ReplaySummary Replay(std::istream& in, IngestService& ingest,
                     const std::function<void(size_t line, const Status& why)>& on_error, size_t chunk = 1000);

}  // namespace debriefd
