#pragma once
// One owner per store: a process that writes the store holds an exclusive
// lock on "<store>.lock" (flock) while it runs. A second writer (another
// `serve`, or a `replay` into a store being served) is refused with a message
// naming the holder's pid, instead of both taking writes and one losing them
// at the next restart. The lock goes with the process, however it ends.
//
// Readers (`report`, `dump-events`) take no lock: SQLite's WAL lets them read
// a store that is being written.

#include <string>

#include "domain/status.h"

namespace debriefd {

class StoreLock {
 public:
  // Takes the lock of `store_path`, or FailedPrecondition naming the file and
  // the pid that holds it.
  static Result<StoreLock> Acquire(const std::string& store_path);

  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();

  const std::string& path() const { return path_; }

 private:
  StoreLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace debriefd
