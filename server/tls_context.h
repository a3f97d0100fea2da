#pragma once
// The TLS side of the server: an OpenSSL context built from a web config's
// tls_server_config, and what tells that its files changed. Only server.cc
// includes this header (it brings in Boost.Asio SSL).

#include <boost/asio/ssl/context.hpp>
#include <sys/types.h>

#include <ctime>
#include <memory>
#include <string>

#include "domain/status.h"
#include "server/web_config.h"

namespace debriefd {

// What identifies a file's content for reloading: a rename gives a new inode,
// an overwrite a new mtime/ctime or size.
struct FileStamp {
  ino_t ino = 0;
  off_t size = 0;
  timespec mtime{};
  timespec ctime{};
  bool operator==(const FileStamp& o) const {
    return ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
           ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
  }
};

// The stamp of `path`; all zero when it is empty or cannot be read.
FileStamp StampOf(const std::string& path);

// The last OpenSSL error as text, clearing the error queue.
std::string OpenSslError();

// The ssl::context for a tls_server_config (certificate, key, client CA and
// verification, protocol versions); every error names the file and the key of
// `web_config` it came from.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeTlsContext(const TlsServerConfig& tls,
                                                                  const std::string& web_config);

}  // namespace debriefd
