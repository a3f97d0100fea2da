#pragma once
// A real SqliteStore behind a switch: while failing, every write and read
// returns Unavailable, as a full or vanished disk would, and the file is left
// as it was. Used to drive the failure paths of IngestService and the Api.

#include <unistd.h>

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
  // Only after GateSnapshots: the real store's writer, whose Write (in the
  // child that IngestService forks) first waits for a byte on the gate.
  Result<std::unique_ptr<SnapshotWriter>> PrepareSnapshot(int64_t seq, std::string_view key) override {
    if (gate_ < 0) return EventStore::PrepareSnapshot(seq, key);
    if (fail_writes_) return Injected("snapshot");
    Result<std::unique_ptr<SnapshotWriter>> real = real_->PrepareSnapshot(seq, key);
    if (!real.ok()) return real.status();
    return std::unique_ptr<SnapshotWriter>(std::make_unique<GatedWriter>(std::move(*real), gate_));
  }
  // Snapshots are written apart, each once a byte can be read from `fd`.
  void GateSnapshots(int fd) { gate_ = fd; }
  Result<int64_t> LastSeq() override {
    if (fail_reads_) return Injected("read");
    return real_->LastSeq();
  }
  Result<std::optional<StoredSnapshot>> LoadSnapshot() override {
    if (fail_reads_) return Injected("read");
    return real_->LoadSnapshot();
  }

 private:
  class GatedWriter final : public SnapshotWriter {
   public:
    GatedWriter(std::unique_ptr<SnapshotWriter> real, int gate) : real_(std::move(real)), gate_(gate) {}
    Status Write(std::string_view data) override {
      char byte;
      if (::read(gate_, &byte, 1) != 1) return Status::Unavailable("the test's gate closed");
      return real_->Write(data);
    }
    Status Publish() override { return real_->Publish(); }

   private:
    std::unique_ptr<SnapshotWriter> real_;
    int gate_;
  };
  static Status Injected(const std::string& what) {
    return Status::Unavailable(what + " failed: disk I/O error (injected by the test)").WithSource("store");
  }
  std::unique_ptr<SqliteStore> real_;
  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> fail_reads_{false};
  std::atomic<int> failed_appends_{0};
  int gate_ = -1;
};

}  // namespace debriefd::testing
