#pragma once
// Helpers shared by the unit tests: fixed times, event builders, temp dirs.

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "domain/event.h"
#include "domain/status.h"
#include "domain/time.h"
#include "tests/support/fake_clock.h"

namespace debriefd {
// Failed expectations print "not_found", not "4-byte object <02-00 00-00>".
inline void PrintTo(StatusCode code, std::ostream* os) { *os << ToString(code); }
}  // namespace debriefd

namespace debriefd::testing {

// The parts joined (an ostream: GCC 12 warns falsely on "literal" + std::string).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

// "2026-10-01T10:00:00Z" style literals.
inline Time T(const std::string& rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  if (!t) throw std::runtime_error("bad test time " + rfc3339);
  return *t;
}
inline Duration Min(int n) { return std::chrono::minutes(n); }
inline Duration Hours(int n) { return std::chrono::hours(n); }
inline Duration Days(int n) { return std::chrono::hours(24 * n); }

inline Event Alert(const std::string& name, std::map<std::string, std::string> labels, bool firing,
                   Time starts_at, Time received_at, std::optional<Time> ends_at = std::nullopt,
                   const std::string& fingerprint = "") {
  AlertNotification a;
  a.alertname = name;
  labels["alertname"] = name;
  a.labels = std::move(labels);
  a.firing = firing;
  a.starts_at = starts_at;
  a.ends_at = ends_at;
  a.fingerprint = fingerprint.empty() ? name + "-fp" : fingerprint;
  Event e;
  e.source = "alertmanager";
  e.received_at = received_at;
  e.dedup_key = a.fingerprint + (firing ? "f" : "r") + FormatRfc3339(starts_at);
  e.body = std::move(a);
  return e;
}

inline Event Native(EventBody body, Time received_at) {
  Event e;
  e.source = "events";
  e.received_at = received_at;
  e.dedup_key = "test-" + std::to_string(received_at.time_since_epoch().count()) + "-" + EventTypeName(body);
  e.body = std::move(body);
  return e;
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string SourcePath(const std::string& rel) { return std::string(DEBRIEFD_SOURCE_DIR) + "/" + rel; }

// A fresh directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("debriefd-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace debriefd::testing
