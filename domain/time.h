#pragma once
// Time values, RFC 3339 timestamps and Prometheus-style durations.
// Everything here is pure: nothing reads the system clock except SystemClock.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace debriefd {

using Duration = std::chrono::milliseconds;
using Time = std::chrono::sys_time<Duration>;

// RFC 3339 date-time ("2026-11-21T20:35:23.553Z", "...+02:00"). Fractional
// seconds beyond milliseconds are truncated. Returns nullopt when malformed.
std::optional<Time> ParseRfc3339(std::string_view text);

// UTC, with milliseconds only when non-zero: "2026-11-21T20:35:23Z".
std::string FormatRfc3339(Time t);

// Alertmanager encodes "no end" as the Go zero time, 0001-01-01T00:00:00Z.
bool IsGoZeroTime(Time t);

// Prometheus duration syntax: one or more of <n>y|w|d|h|m|s|ms, largest first
// ("90s", "5m", "1h30m", "14d"). A bare "0" is zero. Returns nullopt when malformed.
std::optional<Duration> ParseDuration(std::string_view text);

// The shortest Prometheus spelling of d ("1h30m", "5m", "0s").
std::string FormatDuration(Duration d);

// Seconds as a double, for metrics and JSON.
inline double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

// Seconds as people write them, exactly: "300", "12.5", "-0.25" (no exponent,
// no trailing zeros). Every text and JSON output of a duration in seconds uses it.
std::string FormatSeconds(Duration d);

// Where "now" comes from. Production uses SystemClock; tests pass a FakeClock
// (tests/support/fake_clock.h).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Time Now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};


}  // namespace debriefd
