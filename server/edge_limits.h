#pragma once
// What bounds the HTTP edge's use of memory and of the log: the budget of
// request body bytes held at once (limits.max_inflight_bytes), and warnings
// that a flood (refused connections, accept errors, full budget, failed
// basic auth) would otherwise repeat on every request.

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

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

// A warning at most once per 10 s, saying how many were left out since the
// last one, so that a flood is visible without filling the log. Thread-safe.
class RateLimitedLog {
 public:
  void Warn(const std::string& message) {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (logged_once_ && now - last_ < std::chrono::seconds(10)) {
      ++suppressed_;
      return;
    }
    if (suppressed_ > 0) {
      spdlog::warn("{} ({} more like it in the last {}s)", message, suppressed_,
                   std::chrono::duration_cast<std::chrono::seconds>(now - last_).count());
    } else {
      spdlog::warn("{}", message);
    }
    logged_once_ = true;
    last_ = now;
    suppressed_ = 0;
  }

 private:
  std::mutex mu_;
  bool logged_once_ = false;
  std::chrono::steady_clock::time_point last_;
  uint64_t suppressed_ = 0;
};

}  // namespace debriefd
