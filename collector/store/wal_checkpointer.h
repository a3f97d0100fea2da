#pragma once
// Checkpoints a SQLite file's write-ahead log on a thread of its own
// ("debriefd-ckpt", with a connection of its own), instead of in the writer's
// commits.
//
// SQLite's automatic checkpoint runs inside the commit that takes the log past
// 1,000 pages: that commit copies about 4 MB into the database file and syncs
// it before the writer can start its next group. Under ingest at tens of
// thousands of events a second that is a dozen checkpoints a second on the
// writer's path. Here the commit only wakes this thread, and the writer goes
// on appending to the log while the thread copies. A passive checkpoint never
// blocks the writer, and SQLite restarts the log from its beginning at the
// writer's next transaction once a checkpoint has copied all of it.
//
// Should the thread fall behind (a slow disk), the writer's commit checkpoints
// itself once the log holds `inline_pages`: the log stays bounded either way.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "domain/status.h"

struct sqlite3;

namespace debriefd {

class WalCheckpointer {
 public:
  struct Options {
    uint32_t start_pages = 1000;    // the thread checkpoints once the log holds this many
    uint32_t inline_pages = 16384;  // the writer's commit checkpoints itself (64 MB of 4 KB pages)
    int nice = 5;                   // the thread's priority (Linux nice): below the request threads
  };
  // Opens a connection to `path` for the thread and takes over `db`'s
  // automatic checkpoints (sqlite3_wal_hook). `db` must outlive this object.
  static Result<std::unique_ptr<WalCheckpointer>> Start(sqlite3* db, const std::string& path, Options options);
  // Stops the thread and gives `db` no hook back: destroy this before
  // closing `db` (whose close then checkpoints what is left).
  ~WalCheckpointer();

  // Checkpoints the thread has run (whether or not they copied every page).
  uint64_t checkpoints() const;

 private:
  WalCheckpointer(sqlite3* db, sqlite3* own, Options options) : db_(db), own_(own), options_(options) {}
  static int Hook(void* self, sqlite3* db, const char* name, int pages);
  void Run();

  sqlite3* const db_;   // the writer's connection
  sqlite3* const own_;  // this thread's connection
  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stopping_ = false;
  uint64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace debriefd
