#pragma once
// The HTTP/1.1 server: accepts connections and moves bytes between sockets and
// Api::Handle. Limits live here, at the edge: the number of connections, the
// body limit (413), a global budget for the bodies held in memory (503), the
// read timeout, and 400 for requests that do not parse. Boost.Beast and
// Boost.Asio stay inside server.cc.
//
// The life of a request on a connection:
//   1. the header is read (within read_timeout of the request's start);
//   2. a Transfer-Encoding whose last coding is not chunked: 400 and close;
//   3. with a web config (TLS and basic auth, server/web_config.h) that has
//      users: a request without valid Basic credentials gets 401 with
//      WWW-Authenticate: Basic;
//   4. before_body, when set, sees the header (method, target, headers,
//      remote; the body empty) and may answer instead (auth, 404, 405);
//   5. a Content-Length over max_body: 413; over max_inflight_bytes: 413;
//      more than what is left of the budget: 503 with Retry-After;
//   6. "Expect: 100-continue" gets its 100 now, and the body is read; a
//      chunked body takes from the budget as it grows (503 when it cannot);
//   7. Api::Handle answers; the body's share of the budget is given back when
//      the response is ready.
// A response sent in steps 2-5 is followed by a lingering close: the server
// stops sending (shutdown SHUT_WR) and reads and discards what the client
// still sends for up to linger_timeout, so the client reads the response
// instead of a connection reset.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "domain/status.h"
#include "domain/time.h"
#include "server/http.h"

namespace debriefd {

class Api;
struct WebConfig;

struct ServerOptions {
  // limits.max_body: the largest request body, in bytes (413 above).
  size_t max_body = 1 << 20;
  // limits.read_timeout: from a request's first byte to its last; also the
  // TLS handshake's and a response write's limit.
  Duration read_timeout = std::chrono::seconds(30);
  // limits.max_inflight_bytes: all request bodies held in memory at once,
  // in bytes. A request that does not fit in what is left gets 503 with
  // Retry-After before its body is read; one larger than the whole budget 413.
  size_t max_inflight_bytes = size_t{64} << 20;
  // limits.max_connections: open connections; the ones beyond are accepted and
  // closed at once (plain HTTP: after a minimal 503), counted in
  // ServerStats::connections_refused_total and logged (rate-limited).
  size_t max_connections = 1024;
  // How long a lingering close reads and discards (see above).
  Duration linger_timeout = std::chrono::seconds(2);
  // Accept errors (EMFILE, ENFILE, ENOBUFS, ...) pause accepting for
  // accept_backoff_initial, doubling on each further error up to
  // accept_backoff_max; the first success resets it.
  Duration accept_backoff_initial = std::chrono::milliseconds(5);
  Duration accept_backoff_max = std::chrono::seconds(1);
  // Called on an I/O thread once a request's header is read, with the body
  // empty. A response is sent as is (then a lingering close) and the body is
  // never read. Must be thread-safe and must not block.
  std::function<std::optional<HttpResponse>(const HttpRequest&)> before_body;
  // --web.config.file: TLS, basic auth and response headers. Null: plain HTTP,
  // no basic auth. The certificate files are read by Listen and re-read when
  // they change (checked on accept, at most every tls_reload_interval).
  std::shared_ptr<const WebConfig> web_config;
  // How often, at most, an accept checks whether the certificate files changed.
  Duration tls_reload_interval = std::chrono::seconds(1);
};

// What the edge has seen, for /metrics. Counters (_total) only ever grow.
struct ServerStats {
  uint64_t connections_open = 0;            // open now (refused ones not counted)
  uint64_t connections_refused_total = 0;   // over max_connections
  uint64_t accept_errors_total = 0;         // accept() failed (EMFILE, ...)
  uint64_t inflight_bytes = 0;              // bytes of the budget taken now
  uint64_t inflight_rejected_total = 0;     // 503 or 413 for want of budget
  uint64_t tls_handshake_errors_total = 0;  // TLS connections that failed the handshake
  uint64_t basic_auth_failures_total = 0;   // 401s for basic auth (web config users)
  uint64_t tls_reloads_total = 0;           // certificates re-read after a change
  uint64_t tls_reload_errors_total = 0;     // changed certificates that did not load
  // The pause before the next accept after errors; 0 when accepting normally.
  Duration accept_backoff{0};
};

class Server {
 public:
  // `api` must outlive the Server.
  Server(Api& api, ServerOptions options);
  ~Server();

  // Binds "host:port" (port 0 picks a free one) and starts accepting. With a
  // web config, loads its certificates first (an error names the file).
  // Returns the bound port.
  Result<unsigned short> Listen(const std::string& host_port);
  // Serves on `threads` threads until Stop(), or until Shutdown() has drained;
  // blocks.
  void Run(int threads);
  // Thread-safe; makes Run return at once, abandoning requests in flight.
  void Stop();
  // Thread-safe; a graceful drain: stops accepting, closes the connections
  // that wait for a request, lets every request in flight be answered (with
  // Connection: close), and makes Run return once no connection is left or
  // `timeout` has passed, whichever comes first.
  void Shutdown(Duration timeout);
  // Thread-safe.
  ServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace debriefd
