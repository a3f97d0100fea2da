#pragma once
// A Clock that tests set and advance by hand.

#include <atomic>

#include "domain/time.h"

namespace debriefd {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Time t) : now_(t) {}
  Time Now() const override { return now_.load(); }
  void Set(Time t) { now_.store(t); }
  void Advance(Duration d) { now_.store(now_.load() + d); }

 private:
  // Read by the writer thread while a test sets it.
  std::atomic<Time> now_;
};

}  // namespace debriefd
