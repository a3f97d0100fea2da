#pragma once
// Time values, RFC 3339 timestamps and Prometheus-style durations.
// Everything here is pure: nothing reads the system clock except SystemClock.

#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace debriefd {

using Duration = std::chrono::milliseconds;
using Time = std::chrono::sys_time<Duration>;

// A Time that may be absent, in 8 bytes instead of std::optional's 16: the
// state keeps a dozen per incident. It reads like std::optional<Time> (and
// converts to and from it); the one value it cannot hold, the earliest
// millisecond representable, is no time any source sends or parses.
class OptionalTime {
 public:
  constexpr OptionalTime() = default;
  constexpr OptionalTime(std::nullopt_t) {}  // NOLINT: as std::optional
  constexpr OptionalTime(Time t) : t_(t) {}  // NOLINT: as std::optional
  constexpr OptionalTime(const std::optional<Time>& o) : t_(o ? *o : kNone) {}  // NOLINT
  constexpr OptionalTime& operator=(std::nullopt_t) {
    t_ = kNone;
    return *this;
  }
  constexpr OptionalTime& operator=(Time t) {
    t_ = t;
    return *this;
  }

  constexpr bool has_value() const { return t_ != kNone; }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr const Time& operator*() const { return t_; }
  constexpr Time& operator*() { return t_; }
  constexpr const Time* operator->() const { return &t_; }
  const Time& value() const {
    if (!has_value()) throw std::bad_optional_access();
    return t_;
  }
  constexpr Time value_or(Time other) const { return has_value() ? t_ : other; }
  constexpr void reset() { t_ = kNone; }
  constexpr operator std::optional<Time>() const {  // NOLINT: as std::optional
    return has_value() ? std::optional<Time>(t_) : std::nullopt;
  }

  friend constexpr bool operator==(const OptionalTime& a, const OptionalTime& b) { return a.t_ == b.t_; }
  friend constexpr bool operator==(const OptionalTime& a, std::nullopt_t) { return !a.has_value(); }
  friend constexpr bool operator==(const OptionalTime& a, Time b) { return a.t_ == b; }

 private:
  static constexpr Time kNone{Duration{std::numeric_limits<Duration::rep>::min()}};
  Time t_ = kNone;
};

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
