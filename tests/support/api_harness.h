#pragma once
// A debriefd without sockets: real SQLite file, real IngestService with its
// writer thread, the Api, and a FakeClock. Restart() reopens everything on the
// same file, as a process restart would.

#include <fstream>
#include <future>
#include <gtest/gtest.h>
#include <memory>
#include <sstream>

#include "collector/replay.h"
#include "config/config.h"
#include "server/api.h"
#include "collector/store/sqlite_store.h"
#include "tests/support/failing_store.h"
#include "tests/support/test_util.h"

namespace debriefd::testing {

class ApiHarness {
 public:
  explicit ApiHarness(Config config = {}, Time start = T("2026-10-01T10:00:00Z")) : clock_(start) {
    config.storage_path = dir_.File("debriefd.db");
    config_ = config;
    Start();
  }
  ~ApiHarness() { Shutdown(); }

  void Restart() {
    Shutdown();
    Start();
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& authorization = "", std::map<std::string, std::string> headers = {}) {
    HttpRequest req{method, target, authorization, body, std::move(headers)};
    std::promise<HttpResponse> p;
    auto f = p.get_future();
    api_->Handle(req, [&p](HttpResponse r) { p.set_value(std::move(r)); });
    return f.get();
  }
  HttpResponse Post(const std::string& target, const std::string& body) { return Call("POST", target, body); }
  // The SQLite file the harness stores in.
  const std::string& StoragePath() const { return config_.storage_path; }
  HttpResponse Get(const std::string& target) { return Call("GET", target); }

  // The value of one series in /metrics, e.g.
  // Metric("debriefd_incidents_total{service=\"checkout\",severity=\"critical\"}"); -1 when absent.
  double Metric(const std::string& series) {
    std::istringstream in(Get("/metrics").body);
    std::string line;
    while (std::getline(in, line)) {
      if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ') {
        return std::stod(line.substr(series.size() + 1));
      }
    }
    return -1;
  }

  // Imports a JSONL history as `debriefd replay` does (the writer pauses
  // meanwhile); every line must be accepted.
  ReplaySummary ReplayHistory(std::istream& in) {
    ingest_->Stop();
    ReplaySummary summary = debriefd::Replay(in, *ingest_, [](size_t line, const Status& why) {
      ADD_FAILURE() << "line " << line << ": " << why.message();
    });
    ingest_->Start();
    return summary;
  }
  ReplaySummary ReplayFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) ADD_FAILURE() << "cannot read " << path;
    return ReplayHistory(in);
  }

  FakeClock& clock() { return clock_; }
  IngestService& ingest() { return *ingest_; }
  SqliteStore& store() { return store_->real(); }
  // The switch in front of the store: failing().FailWrites(true) makes every
  // commit fail until it is switched off.
  FailingStore& failing() { return *store_; }
  const Config& config() const { return config_; }
  const TempDir& dir() const { return dir_; }

 private:
  void Start() {
    auto store = SqliteStore::Open(config_.storage_path);
    if (!store.ok()) throw std::runtime_error(store.status().message());
    store_ = std::make_unique<FailingStore>(std::move(store.value()));
    ingest_ = std::make_unique<IngestService>(*store_, config_.policy, clock_);
    ingest_->UseSourceSettings(config_.sources);
    auto loaded = ingest_->Load();
    if (!loaded.ok()) throw std::runtime_error(loaded.status().message());
    ingest_->Start();
    api_ = std::make_unique<Api>(*ingest_, ApiOptions{"test", config_.auth.ingest_token, config_.auth.read_token,
                                                      config_.sources, {}, PageOptions{config_.external_url}});
  }
  void Shutdown() {
    api_.reset();
    if (ingest_) ingest_->Stop();
    ingest_.reset();
    store_.reset();
  }

  TempDir dir_;
  FakeClock clock_;
  Config config_;
  std::unique_ptr<FailingStore> store_;
  std::unique_ptr<IngestService> ingest_;
  std::unique_ptr<Api> api_;
};

}  // namespace debriefd::testing
