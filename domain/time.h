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

// Where "now" comes from. Production uses SystemClock; tests pass a FakeClock.
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

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Time t) : now_(t) {}
  Time Now() const override { return now_; }
  void Set(Time t) { now_ = t; }
  void Advance(Duration d) { now_ += d; }

 private:
  Time now_;
};

}  // namespace debriefd
