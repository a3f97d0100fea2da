#include "collector/store/snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace debriefd {
namespace {

constexpr std::string_view kMagic = "debriefd-snapshot 1\n";

void PutLe(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Reads `bytes` little-endian bytes at `*at`, moving past them; false past the end.
bool GetLe(std::string_view in, size_t* at, int bytes, uint64_t* v) {
  if (in.size() - *at < static_cast<size_t>(bytes)) return false;
  *v = 0;
  for (int i = bytes - 1; i >= 0; --i) *v = (*v << 8) | static_cast<unsigned char>(in[*at + i]);
  *at += bytes;
  return true;
}

bool GetString(std::string_view in, size_t* at, std::string* out) {
  uint64_t n = 0;
  if (!GetLe(in, at, 4, &n) || in.size() - *at < n) return false;
  out->assign(in.substr(*at, n));
  *at += n;
  return true;
}

Status Failed(const std::string& path, const char* what, int err) {
  return Status::Unavailable(path + ": snapshot: " + what + ": " + std::strerror(err)).WithSource("store");
}

// write() until every byte is written: a large write may be cut short.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The data goes to disk a few megabytes at a time as it is written, not all
// at the final fsync: on ext4 (data=ordered) an fsync of the database's
// write-ahead log waits for every data block allocated in the same journal
// transaction, so one flush of hundreds of megabytes would stall the writer's
// commits for as long. Flushing chunk by chunk (and waiting for the one
// before) bounds that wait to about a chunk, and paces the writing.
constexpr size_t kFlushChunk = 8 << 20;

// Writes `data` at `at`, the file's end.
bool WriteFlushed(int fd, std::string_view data, off_t at) {
  while (!data.empty()) {
    const std::string_view chunk = data.substr(0, kFlushChunk);
    if (!WriteAll(fd, chunk)) return false;
    data.remove_prefix(chunk.size());
    // Wait for what came before, then start this chunk's writeback.
    (void)::sync_file_range(fd, 0, at, SYNC_FILE_RANGE_WAIT_BEFORE);
    (void)::sync_file_range(fd, at, static_cast<off_t>(chunk.size()), SYNC_FILE_RANGE_WRITE);
    at += static_cast<off_t>(chunk.size());
  }
  return true;
}

// pread() until `out` is full or the file ends; the bytes read, or -1.
ssize_t ReadAt(int fd, char* out, size_t size, off_t at) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::pread(fd, out + got, size - got, at + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(got);
}

}  // namespace

Result<std::optional<SnapshotFileContent>> ReadSnapshotFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<SnapshotFileContent>{};
    return Failed(path, "cannot open", errno);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0) return Failed(path, "cannot size", errno);
  auto damaged = [&](const char* why) {
    return Status::DataLoss(path + ": not a whole snapshot (" + why + ", " + std::to_string(size) + " bytes)")
        .WithSource("store");
  };
  // The header (its key and mark are short), then the data straight into its
  // string: a snapshot is hundreds of megabytes, read once, and not copied.
  std::string head(static_cast<size_t>(std::min<off_t>(size, 64 * 1024)), '\0');
  if (ssize_t n = ReadAt(fd, head.data(), head.size(), 0); n < 0) {
    return Failed(path, "cannot read", errno);
  } else if (static_cast<size_t>(n) != head.size()) {
    return damaged("it shrank while read");
  }
  std::string_view in(head);
  if (in.substr(0, kMagic.size()) != kMagic) return damaged("another layout");
  size_t at = kMagic.size();
  SnapshotFileContent out;
  uint64_t seq = 0, length = 0;
  if (!GetLe(in, &at, 8, &seq) || !GetString(in, &at, &out.key) || !GetString(in, &at, &out.mark) ||
      !GetLe(in, &at, 8, &length)) {
    return damaged("its header is cut short");
  }
  if (static_cast<uint64_t>(size) - at != length) return damaged("its data is not the length written");
  out.seq = static_cast<int64_t>(seq);
  out.data.resize(length);
  if (ssize_t n = ReadAt(fd, out.data.data(), length, static_cast<off_t>(at)); n < 0) {
    return Failed(path, "cannot read", errno);
  } else if (static_cast<uint64_t>(n) != length) {
    return damaged("it shrank while read");
  }
  return std::optional<SnapshotFileContent>(std::move(out));
}

SnapshotFileWriter::SnapshotFileWriter(std::string path, int64_t seq, std::string_view key, std::string_view mark)
    : path_(std::move(path)), tmp_(path_ + ".tmp") {
  head_.append(kMagic);
  PutLe(head_, static_cast<uint64_t>(seq), 8);
  PutLe(head_, key.size(), 4);
  head_.append(key);
  PutLe(head_, mark.size(), 4);
  head_.append(mark);
}

Status SnapshotFileWriter::Write(std::string_view data) {
  int fd = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Failed(tmp_, "cannot create", errno);
  std::string length;  // 8 bytes: in the string itself, no allocation
  PutLe(length, data.size(), 8);
  const off_t data_at = static_cast<off_t>(head_.size() + length.size());
  const bool written = WriteAll(fd, head_) && WriteAll(fd, length) && WriteFlushed(fd, data, data_at) &&
                       ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!written) return Failed(tmp_, "cannot write", err);
  return Status::Ok();
}

Status SnapshotFileWriter::Publish() {
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) return Failed(path_, "cannot rename the new one into place", errno);
  // The rename is durable once the folder is synced.
  const std::filesystem::path parent = std::filesystem::path(path_).parent_path();
  const std::string dir = parent.empty() ? std::filesystem::current_path().string() : parent.string();
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Failed(dir, "cannot open the folder to sync it", errno);
  const bool synced = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!synced) return Failed(dir, "cannot sync the folder", err);
  return Status::Ok();
}

}  // namespace debriefd
