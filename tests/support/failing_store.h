#pragma once
// A real SqliteStore behind a switch: while failing, every write and read
// returns Unavailable, as a full or vanished disk would, and the file is left
// as it was. Used to drive the failure paths of IngestService and the Api.

#include <atomic>
#include <memory>
#include <string>

#include "collector/store/sqlite_store.h"

namespace debriefd::testing {

class FailingStore final : public EventStore {
 public:
  explicit FailingStore(std::unique_ptr<SqliteStore> real) : real_(std::move(real)) {}

  // Append and SaveSnapshot fail while set; with `reads`, Contains, Match,
  // ForEach, ForEachAfter, LoadCounts and LoadSnapshot fail.
  void FailWrites(bool on) { fail_writes_ = on; }
  void FailReads(bool on) { fail_reads_ = on; }
  int failed_appends() const { return failed_appends_; }
  SqliteStore& real() { return *real_; }

  Result<bool> Contains(std::string_view dedup_key) override {
    if (fail_reads_) return Injected("read");
    return real_->Contains(dedup_key);
  }
  Result<KeyMatch> Match(std::string_view dedup_key, std::string_view raw) override {
    if (fail_reads_) return Injected("read");
    return real_->Match(dedup_key, raw);
  }
  Status CheckFile() const override { return real_->CheckFile(); }
  Status Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) override {
    if (fail_writes_) {
      ++failed_appends_;
      return Injected("commit");
    }
    return real_->Append(events, count_deltas);
  }
  Status ForEach(const std::function<Status(const StoredEvent&)>& fn) override {
    if (fail_reads_) return Injected("read");
    return real_->ForEach(fn);
  }
  Status ForEachAfter(int64_t seq, const std::function<Status(const StoredEvent&)>& fn) override {
    if (fail_reads_) return Injected("read");
    return real_->ForEachAfter(seq, fn);
  }
  Result<EventCounts> LoadCounts() override {
    if (fail_reads_) return Injected("read");
    return real_->LoadCounts();
  }
  // Fails with the writes (SaveSnapshot) and the reads (LoadSnapshot).
  Status SaveSnapshot(int64_t seq, std::string_view key, std::string_view data) override {
    if (fail_writes_) return Injected("snapshot");
    return real_->SaveSnapshot(seq, key, data);
  }
  Result<int64_t> LastSeq() override {
    if (fail_reads_) return Injected("read");
    return real_->LastSeq();
  }
  Result<std::optional<StoredSnapshot>> LoadSnapshot() override {
    if (fail_reads_) return Injected("read");
    return real_->LoadSnapshot();
  }

 private:
  static Status Injected(const std::string& what) {
    return Status::Unavailable(what + " failed: disk I/O error (injected by the test)").WithSource("store");
  }
  std::unique_ptr<SqliteStore> real_;
  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> fail_reads_{false};
  std::atomic<int> failed_appends_{0};
};

}  // namespace debriefd::testing
