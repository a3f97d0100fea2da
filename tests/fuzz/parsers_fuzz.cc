// libFuzzer entry point for every parser of untrusted bytes: every registered
// source, the replay line, timestamps and durations. Build with
// `make fuzz` (clang, -fsanitize=fuzzer,address,undefined); the unit test
// fuzz_smoke_test.cc drives the same function with seeded mutations in CI.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/replay.h"
#include "collector/sources/registry.h"

namespace debriefd {

// Must not crash, hang or leak for any input, and every failure must name
// its source.
int FuzzOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const Time now{};
  for (const Source* source : Sources()) {
    auto result = ParseRequestBody(source->name, input, now);
    if (result.ok()) {
      for (const ParsedEvent& e : result.value()) {
        // What was accepted must read back from its stored form.
        auto back = ParseStoredEvent(e.event.source, e.raw, now);
        if (!back.ok() || back->dedup_key != e.event.dedup_key) __builtin_trap();
      }
    } else if (result.status().message().empty()) {
      __builtin_trap();
    }
  }
  auto line = ParseReplayLine(input);
  if (line.ok()) (void)ParseRequestBody(line->source, line->body, line->received_at);
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
