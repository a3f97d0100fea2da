#include "collector/sources/registry.h"

#include <boost/json.hpp>

#include <cctype>
#include <cstdio>

namespace debriefd {

// The explicit list: one line per source. Each names `kSource_<name>`,
// defined in collector/sources/<name>.cc.
#define DEBRIEFD_SOURCES(X) \
  X(alertmanager)           \
  X(argocd)                 \
  X(events)                \
  X(flux)                  \
  X(github)                \
  X(gitlab)                \
  X(grafana)               \
  X(jira)                  \
  X(pagerduty)

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

// {"headers": {...}, "body": "<the body's bytes>"}, the stored form of an
// event of a source without read_stored: the bytes as received (no second
// parse on the request path, and what was signed is what is kept).
std::string Wrap(const Source& s, const HeaderMap& headers, std::string_view body) {
  boost::json::object kept;
  for (std::string_view name : s.headers) {
    if (auto it = headers.find(std::string(name)); it != headers.end()) kept[name] = it->second;
  }
  boost::json::object wrapped;
  wrapped["headers"] = std::move(kept);
  wrapped["body"] = body;
  return boost::json::serialize(wrapped);
}

}  // namespace

std::string HeaderName(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

HeaderLookup LookupIn(const HeaderMap& headers) {
  return [&headers](std::string_view name) -> std::string_view {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  };
}

StoredRequest RequestOfStored(std::string_view source, std::string_view raw) {
  const Source* s = FindSource(source);
  StoredRequest out;
  if (s == nullptr || s->read_stored != nullptr) {
    out.body = s != nullptr && s->replay_body != nullptr ? s->replay_body(raw) : std::string(raw);
    return out;
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(raw, ec);
  if (ec || !v.is_object()) return out;
  const boost::json::object& o = v.get_object();
  if (const auto* h = o.if_contains("headers"); h != nullptr && h->is_object()) {
    for (const auto& kv : h->get_object()) {
      if (kv.value().is_string()) out.headers[std::string(kv.key())] = std::string(kv.value().get_string());
    }
  }
  if (const auto* b = o.if_contains("body"); b != nullptr && b->is_string()) out.body = std::string(b->get_string());
  return out;
}

Result<std::vector<ParsedEvent>> ParseRequest(std::string_view source, std::string_view body,
                                              const HeaderMap& headers, Time received_at,
                                              const SourceSettings& settings) {
  const Source* s = FindSource(source);
  if (s == nullptr) return UnknownSource(source).WithSource("replay");
  SourceRequest request{body, LookupIn(headers), received_at, settings};
  Result<std::vector<ParsedEvent>> parsed = s->parse(request);
  if (!parsed.ok()) return parsed.status().WithSource(std::string(s->name));
  if (s->read_stored == nullptr) {
    for (ParsedEvent& e : *parsed) e.raw = Wrap(*s, headers, body);
  }
  return parsed;
}

Result<std::vector<ParsedEvent>> ParseRequestBody(std::string_view source, std::string_view body,
                                                  Time received_at) {
  return ParseRequest(source, body, {}, received_at, SourceSettings{});
}

Result<Event> ParseStoredEvent(std::string_view source, std::string_view raw, Time received_at,
                               const SourceSettings& settings) {
  const Source* s = FindSource(source);
  if (s == nullptr) return UnknownSource(source).WithSource("store");
  if (s->read_stored != nullptr) {
    Result<Event> e = s->read_stored(raw, received_at);
    if (!e.ok()) return e.status().WithSource("store");
    return e;
  }
  // A source without read_stored stores its request: parse it again.
  StoredRequest request = RequestOfStored(source, raw);
  SourceRequest again{request.body, LookupIn(request.headers), received_at, settings};
  Result<std::vector<ParsedEvent>> parsed = s->parse(again);
  if (!parsed.ok()) return parsed.status().WithSource("store");
  if (parsed->empty()) {
    return Status::DataLoss("stored " + std::string(s->name) + " request no longer makes an event").WithSource("store");
  }
  return std::move((*parsed)[0].event);
}

Result<Event> ParseStoredEvent(std::string_view source, std::string_view raw, Time received_at) {
  return ParseStoredEvent(source, raw, received_at, SourceSettings{});
}

std::vector<SettingsProblem> CheckSourceSettings(const SourceSettingsMap& settings) {
  std::vector<SettingsProblem> problems;
  for (const auto& [name, s] : settings) {
    const Source* source = FindSource(name);
    if (source == nullptr || !source->needs_config) {
      std::string known;
      for (const Source* k : Sources()) {
        if (k->needs_config) known += (known.empty() ? "" : ", ") + std::string(k->name);
      }
      problems.push_back({0, "sources." + name + ": unknown source (known: " + known + ")"});
      continue;
    }
    for (const auto& [key, option] : s.options) {
      bool known = false;
      std::string list = "secret_file, secret_env, services, environments";
      for (std::string_view o : source->options) {
        known = known || o == key;
        list += ", " + std::string(o);
      }
      if (!known) problems.push_back({option.line, "sources." + name + "." + key + ": unknown key (known: " + list + ")"});
    }
    if (source->check_options != nullptr) {
      if (Status st = source->check_options(s); !st.ok()) {
        auto option = s.options.find(st.field());
        problems.push_back({option == s.options.end() ? 0 : option->second.line,
                            "sources." + name + "." + st.field() + ": " + st.reason()});
      }
    }
  }
  return problems;
}

std::vector<std::string> ActiveSourceNames(const SourceSettingsMap& settings) {
  std::vector<std::string> out;
  for (const Source* s : Sources()) {
    if (!s->needs_config || SettingsOf(settings, s->name).configured) out.emplace_back(s->name);
  }
  return out;
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
