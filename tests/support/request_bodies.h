#pragma once
// Request bodies for ingest tests, parsed as the server parses them, so that
// what a test stores reads back like a live request's events.

#include <stdexcept>
#include <string>
#include <vector>

#include "collector/sources/registry.h"
#include "domain/time.h"

namespace debriefd::testing {

// Parses a request body as the server would (so stored events read back).
inline std::vector<ParsedEvent> Parse(const std::string& source, const std::string& body, Time received_at) {
  auto parsed = ParseRequestBody(source, body, received_at);
  if (!parsed.ok()) throw std::runtime_error(parsed.status().message());
  return std::move(parsed.value());
}

// Native events of a critical checkout incident, with their idempotency ids.
inline std::string Declared(const std::string& id, const std::string& time, const std::string& title = "Cart errors") {
  return R"({"type":"incident.declared","id":"d-)" + id + R"(","incident_id":")" + id + R"(","time":")" + time +
         R"(","service":"checkout","severity":"critical","title":")" + title + R"("})";
}
inline std::string Acknowledged(const std::string& id, const std::string& time) {
  return R"({"type":"incident.acknowledged","incident_id":")" + id + R"(","time":")" + time + R"("})";
}

// A JSON array of events (built by appending: GCC 12 warns falsely on "[" + ...).
inline std::string Batch(const std::vector<std::string>& events) {
  std::string out(1, '[');
  for (const std::string& e : events) {
    if (out.size() > 1) out += ',';
    out += e;
  }
  out += ']';
  return out;
}

}  // namespace debriefd::testing
