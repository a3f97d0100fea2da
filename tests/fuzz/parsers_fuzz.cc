// libFuzzer entry point for every parser of untrusted bytes: every registered
// source, the replay line, timestamps and durations. Build with
// `make fuzz` (clang, -fsanitize=fuzzer,address,undefined); the unit test
// fuzz_smoke_test.cc drives the same function with seeded mutations in CI.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>
#include <cctype>

#include "collector/prometheus_rules.h"
#include "collector/replay.h"
#include "collector/sources/registry.h"

namespace debriefd {

// Must not crash, hang or leak for any input, and every failure must name
// its source.
int FuzzOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const Time now{};
  // A first line that is a JSON object of headers, then the body: what the
  // sources that read headers (GitHub's event type, ...) are fuzzed with.
  HeaderMap headers;
  std::string_view body = input;
  if (size_t nl = input.find('\n'); nl != std::string_view::npos) {
    boost::system::error_code ec;
    boost::json::value h = boost::json::parse(input.substr(0, nl), ec);
    if (!ec && h.is_object()) {
      for (const auto& kv : h.get_object()) {
        if (kv.value().is_string()) headers[HeaderName(kv.key())] = std::string(kv.value().get_string());
      }
      body = input.substr(nl + 1);
    }
  }
  SourceSettings settings;
  settings.configured = true;
  for (const Source* source : Sources()) {
    auto result = source->headers.empty() ? ParseRequestBody(source->name, input, now)
                                          : ParseRequest(source->name, body, headers, now, settings);
    if (result.ok()) {
      for (const ParsedEvent& e : result.value()) {
        // What was accepted must read back from its stored form.
        auto back = ParseStoredEvent(e.event.source, e.raw, now, settings);
        if (!back.ok() || back->dedup_key != e.event.dedup_key) __builtin_trap();
      }
    } else if (result.status().message().empty()) {
      __builtin_trap();
    }
  }
  auto line = ParseReplayLine(input);
  if (line.ok()) (void)ParseRequestBody(line->source, line->body, line->received_at);
  (void)ParsePrometheusRules(input);
  (void)ParseRfc3339(input);
  (void)ParseDuration(input);
  return 0;
}

}  // namespace debriefd

#ifdef DEBRIEFD_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return debriefd::FuzzOneInput(data, size);
}
#endif
