#pragma once
// The HTTP/1.1 server: accepts connections and moves bytes between sockets and
// Api::Handle. Limits live here, at the edge: the body limit (413), the read
// timeout, and 400 for requests that do not parse. Boost.Beast stays inside
// server.cc.

#include <memory>
#include <string>

#include "domain/status.h"
#include "domain/time.h"

namespace debriefd {

class Api;

class Server {
 public:
  Server(Api& api, size_t max_body, Duration read_timeout);
  ~Server();

  // Binds "host:port" (port 0 picks a free one) and starts accepting.
  // Returns the bound port.
  Result<unsigned short> Listen(const std::string& host_port);
  // Serves on `threads` threads until Stop(); blocks.
  void Run(int threads);
  // Thread-safe; makes Run return.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace debriefd
