#pragma once
// What bounds the HTTP edge's use of memory and of the log: the budget of
// request body bytes held at once (limits.max_inflight_bytes), and warnings
// that a flood (refused connections, accept errors, full budget, failed
// basic auth, unauthorized API calls) would otherwise repeat on every
// request.

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace debriefd {

// The budget of request body bytes held in memory, shared by every
// connection. Thread-safe.
class Budget {
 public:
  explicit Budget(size_t limit) : limit_(limit) {}
  // Takes n bytes, or nothing when fewer than n are left.
  bool Take(size_t n) {
    size_t used = used_.load();
    do {
      if (n > limit_ || used > limit_ - n) return false;
    } while (!used_.compare_exchange_weak(used, used + n));
    return true;
  }
  // Gives back n bytes taken earlier.
  void Give(size_t n) { used_.fetch_sub(n); }
  size_t used() const { return used_.load(); }
  size_t limit() const { return limit_; }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

// At most one line of a kind per interval; the lines held back are counted
// and named in the next one, so that a flood is visible without filling the
// log. The time comes from the caller (seconds on any steady scale), so that
// tests can move it. Not thread-safe: its owner locks.
class LogLimiter {
 public:
  struct HeldBack {
    uint64_t lines = 0;    // held back since the last line written
    double seconds = 0;    // since the last line written (0 for the first)
  };
  explicit LogLimiter(double interval_seconds) : interval_(interval_seconds) {}
  // What was held back, when a line may be written at `now`; nullopt when
  // this one is held back.
  std::optional<HeldBack> Allow(double now) {
    if (logged_ && now - last_ < interval_) {
      ++held_back_;
      return std::nullopt;
    }
    HeldBack out{std::exchange(held_back_, 0), logged_ ? now - last_ : 0};
    logged_ = true;
    last_ = now;
    return out;
  }

 private:
  double interval_;
  bool logged_ = false;
  double last_ = 0;
  uint64_t held_back_ = 0;
};

// A warning at most once per 10 s on the steady clock, saying how many were
// left out since the last one. Thread-safe.
class RateLimitedLog {
 public:
  void Warn(const std::string& message) {
    std::optional<LogLimiter::HeldBack> held;
    {
      std::lock_guard lock(mu_);
      held = limiter_.Allow(
          std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count());
    }
    if (!held) return;
    if (held->lines > 0) {
      spdlog::warn("{} ({} more like it in the last {:.0f}s)", message, held->lines, held->seconds);
    } else {
      spdlog::warn("{}", message);
    }
  }

 private:
  std::mutex mu_;
  LogLimiter limiter_{10};
};

}  // namespace debriefd
