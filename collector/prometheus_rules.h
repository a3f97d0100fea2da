#pragma once
// `for:` delays learned from Prometheus itself (alerts.pending_from): the
// alerting rules' durations, by alert name, read from Prometheus' rules API
// (GET /api/v1/rules?type=alert), so that an alert's onset is its startsAt
// minus its rule's `for:` without a hand-kept alerts.pending map.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "domain/status.h"
#include "domain/time.h"

namespace debriefd {

// alertname -> the rule's `for:` (rules with the same name: the longest).
using PendingMap = std::map<std::string, Duration>;

// Reads the body of GET /api/v1/rules?type=alert. Errors name the field.
Result<PendingMap> ParsePrometheusRules(std::string_view body);

// GET `url` + "/api/v1/rules?type=alert" over plain HTTP; the body, or why not.
Result<std::string> FetchPrometheusRules(const std::string& url, Duration timeout);

// Polls Prometheus every `refresh` on a thread of its own and hands each map
// it reads to `learned`. An unreachable Prometheus or a bad answer is logged
// and the last good map stays in use.
class PrometheusRulesPoller {
 public:
  PrometheusRulesPoller(std::string url, Duration refresh, const Clock& clock, std::function<void(PendingMap)> learned);
  ~PrometheusRulesPoller();
  void Start();
  void Stop();
  // Unix seconds of the last successful read; 0 before the first.
  double last_success() const { return last_success_.load(); }
  // One poll, on the calling thread (tests, and the first read at start).
  Status PollOnce();

 private:
  std::string url_;
  Duration refresh_;
  const Clock& clock_;
  std::function<void(PendingMap)> learned_;
  std::atomic<double> last_success_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace debriefd
