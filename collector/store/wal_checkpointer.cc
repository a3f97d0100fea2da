#include "collector/store/wal_checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

namespace debriefd {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(sqlite3* db, const std::string& path,
                                                                Options options) {
  sqlite3* own = nullptr;
  if (sqlite3_open_v2(path.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = own ? sqlite3_errmsg(own) : "out of memory";
    sqlite3_close(own);
    return Status::Unavailable(path + ": cannot open a connection for checkpoints: " + msg).WithSource("store");
  }
  // A checkpoint syncs the log before it copies and the file after, as the
  // writer's own would (synchronous is a setting of each connection).
  if (sqlite3_exec(own, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(own);
    sqlite3_close(own);
    return Status::Unavailable(path + ": " + msg).WithSource("store");
  }
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(db, own, options));
  c->thread_ = std::thread([self = c.get()] { self->Run(); });
  // Replaces SQLite's automatic checkpoint, itself a hook of this kind.
  sqlite3_wal_hook(db, &WalCheckpointer::Hook, c.get());
  return c;
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(db_, nullptr, nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
  sqlite3_close(own_);
}

uint64_t WalCheckpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checkpoints_;
}

// On the writer's thread, after each commit, with the pages in the log.
int WalCheckpointer::Hook(void* self, sqlite3* db, const char* name, int pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (pages >= static_cast<int>(c->options_.inline_pages)) {
    // The thread is behind: this commit pays, as SQLite's own hook would.
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= static_cast<int>(c->options_.start_pages)) {
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->wanted_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  // Checkpoints are background work: below the threads a request waits for,
  // this one does not take a core from them when they wake, and runs in the
  // gaps they leave. Not at the lowest priority (19): when other processes
  // keep both cores busy, a thread at 19 gets about 1 % of a core, falls
  // behind, and the log grows until the writer's commits copy it themselves
  // (Hook), tens of megabytes at a time, stalls of a hundred milliseconds; at
  // 5 it keeps up. (Per thread on Linux; a failure leaves it as it was.)
  // Before the name: a thread seen by its name has its priority.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), options_.nice);
  pthread_setname_np(pthread_self(), "debriefd-ckpt");
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    // Passive: copies what no reader still needs, takes no lock the writer
    // waits for, and calls no busy handler.
    (void)sqlite3_wal_checkpoint_v2(own_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace debriefd
