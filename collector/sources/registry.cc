#include "collector/sources/registry.h"

#include <cstdio>

namespace debriefd {

// The explicit list: one line per source. Each names `kSource_<name>`,
// defined in collector/sources/<name>.cc.
#define DEBRIEFD_SOURCES(X) \
  X(alertmanager)           \
  X(events)

#define DEBRIEFD_DECLARE_SOURCE(name) extern const Source kSource_##name;
DEBRIEFD_SOURCES(DEBRIEFD_DECLARE_SOURCE)

const std::vector<const Source*>& Sources() {
#define DEBRIEFD_SOURCE_ENTRY(name) &kSource_##name,
  static const std::vector<const Source*> kAll = {DEBRIEFD_SOURCES(DEBRIEFD_SOURCE_ENTRY)};
  return kAll;
}

const Source* FindSource(std::string_view name) {
  for (const Source* s : Sources()) {
    if (s->name == name) return s;
  }
  return nullptr;
}

const Source* FindSourceByRoute(std::string_view path) {
  for (const Source* s : Sources()) {
    if (s->route == path) return s;
  }
  return nullptr;
}

namespace {
Status UnknownSource(std::string_view name) {
  return Status::InvalidArgument("source", "unknown source \"" + std::string(name.substr(0, 64)) + "\"");
}
}  // namespace

Result<std::vector<ParsedEvent>> ParseRequestBody(std::string_view source, std::string_view body,
                                                  Time received_at) {
  const Source* s = FindSource(source);
  if (s == nullptr) return UnknownSource(source).WithSource("replay");
  Result<std::vector<ParsedEvent>> parsed = s->parse(body, received_at);
  if (!parsed.ok()) return parsed.status().WithSource(std::string(s->name));
  return parsed;
}

Result<Event> ParseStoredEvent(std::string_view source, std::string_view raw, Time received_at) {
  const Source* s = FindSource(source);
  if (s == nullptr) return UnknownSource(source).WithSource("store");
  Result<Event> e = s->read_stored(raw, received_at);
  if (!e.ok()) return e.status().WithSource("store");
  return e;
}

std::string StableHash(std::string_view data) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace debriefd
