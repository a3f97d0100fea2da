#include "server/server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <pthread.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <span>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "server/api.h"
#include "server/edge_limits.h"
#include "server/http.h"
#include "server/tls_context.h"
#include "server/web_config.h"

namespace debriefd {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

http::response<http::string_body> ToBeast(HttpResponse r, unsigned version, bool keep_alive, bool head,
                                          const std::map<std::string, std::string>& extra) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "debriefd");
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : extra) res.set(k, v);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

// A connection's executor is its strand, by its concrete type: Beast's
// default (any_io_executor) erases it, and every handler of every request
// then pays for the erasure (copies, moves and calls through a table).
using Strand = asio::strand<asio::io_context::executor_type>;
using Socket = tcp::socket::rebind_executor<Strand>::other;
using PlainStream = beast::basic_stream<tcp, Strand>;
using TlsStream = beast::ssl_stream<PlainStream>;

class SessionBase;

// What every session shares: the options, the API, the budget, the counters
// and the list of live sessions (for a drain).
struct Edge {
  Edge(Api& a, ServerOptions o)
      : api(a),
        options(std::move(o)),
        budget(options.max_inflight_bytes),
        basic_auth(options.web_config ? options.web_config->basic_auth_users : std::map<std::string, std::string>{}),
        headers(options.web_config ? options.web_config->headers : std::map<std::string, std::string>{}) {}

  Api& api;
  const ServerOptions options;
  Budget budget;
  BasicAuth basic_auth;
  const std::map<std::string, std::string> headers;

  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> accept_errors{0};
  std::atomic<uint64_t> inflight_rejected{0};
  std::atomic<uint64_t> tls_handshake_errors{0};
  std::atomic<uint64_t> basic_auth_failures{0};
  std::atomic<uint64_t> tls_reloads{0};
  std::atomic<uint64_t> tls_reload_errors{0};
  std::atomic<int64_t> accept_backoff_ms{0};
  RateLimitedLog refused_log;
  RateLimitedLog accept_log;
  RateLimitedLog budget_log;
  RateLimitedLog auth_log;

  std::atomic<bool> draining{false};
  std::atomic<bool> destroying{false};
  std::mutex sessions_mu;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  // Set by Server::Impl: ends Run when a drain has no session left.
  std::function<void()> drained;

  void Register(SessionBase* s, std::weak_ptr<SessionBase> w) {
    std::lock_guard lock(sessions_mu);
    sessions.emplace(s, std::move(w));
  }
  void Unregister(SessionBase* s) {
    bool last = false;
    {
      std::lock_guard lock(sessions_mu);
      sessions.erase(s);
      last = sessions.empty();
    }
    connections_open.fetch_sub(1);
    if (last && draining && !destroying && drained) drained();
  }
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Thread-safe: the connection is closed if it waits for a request, and the
  // response to a request in flight ends it.
  virtual void Drain() = 0;
};

// One connection, plain (PlainStream) or TLS (TlsStream).
template <class Stream>
class Session : public SessionBase {
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;
  static constexpr size_t kReadBuffer = 4096;
  static constexpr size_t kInlineBody = 16384;  // bodies up to this go out in the header's buffer

 public:
  Session(Socket socket, Edge& edge, std::shared_ptr<ssl::context> ctx)
      : edge_(edge), ctx_(std::move(ctx)), stream_(MakeStream(std::move(socket), ctx_.get())) {
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) {
      remote_ = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
      remote_.append(":").append(std::to_string(ep.port()));
    }
    // Beast reads at most the buffer's free capacity (512 bytes when empty),
    // so a 1-2 KB webhook would take three reads, each a trip through the
    // reactor; with room for a typical request it takes one.
    buffer_.reserve(kReadBuffer);
  }
  ~Session() override {
    GiveBack();
    edge_.Unregister(this);
  }

  void Start() {
    edge_.Register(this, weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = Self()] {
      if constexpr (kTls) {
        self->Handshake();
      } else {
        self->Read();
      }
    });
  }

  void Drain() override {
    asio::dispatch(stream_.get_executor(), [self = Self()] {
      // Bytes of a next request already read make it a request in flight.
      if (self->state_ == State::kIdle && self->buffer_.size() == 0) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  enum class State { kHandshake, kIdle, kReading, kInFlight, kWriting, kLingering, kClosed };

  static Stream MakeStream(Socket socket, ssl::context* ctx) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *ctx);
    } else {
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  auto& Lowest() { return beast::get_lowest_layer(stream_); }

  void Handshake() {
    state_ = State::kHandshake;
    Lowest().expires_after(edge_.options.read_timeout);
    stream_.async_handshake(ssl::stream_base::server, [self = Self()](beast::error_code ec) {
      if (ec) {
        // Plain HTTP to the TLS port, a version below min_version, a client
        // certificate missing or not verified: nothing to answer in TLS.
        self->edge_.tls_handshake_errors.fetch_add(1);
        spdlog::debug("TLS handshake with {} failed: {}", self->remote_, ec.message());
        beast::error_code ignored;
        self->Lowest().socket().close(ignored);
        self->state_ = State::kClosed;
        return;
      }
      self->Read();
    });
  }

  void Read() {
    if (edge_.draining) return Close();
    state_ = State::kIdle;
    linger_ = false;
    parser_.emplace();
    parser_->body_limit(edge_.options.max_body);
    Lowest().expires_after(edge_.options.read_timeout);
    // The header first: what it says decides whether and how the body is read.
    http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnHeader, Self()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    state_ = State::kReading;
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    version_ = req.version();
    request_ = HttpRequest{};
    request_.method = std::string(req.method_string());
    request_.target = std::string(req.target());
    request_.authorization = std::string(req[http::field::authorization]);
    request_.remote = remote_;
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request_.headers[std::move(name)] = std::string(field.value());
    }
    // A Transfer-Encoding whose last coding is not chunked (`identity`,
    // `gzip`) leaves the body's end undefined (RFC 9112, 6.3): answering
    // would desynchronise the connection, so the request is refused and the
    // connection closed.
    if (req.count(http::field::transfer_encoding) > 0 && !parser_->chunked()) {
      return Refuse(ErrorResponse(
          Status::InvalidArgument("Transfer-Encoding", "only chunked is supported as the final transfer coding")));
    }
    if (edge_.basic_auth.enabled() && !edge_.basic_auth.Check(request_.authorization)) {
      edge_.basic_auth_failures.fetch_add(1);
      edge_.auth_log.Warn("401: basic auth " + std::string(request_.authorization.empty() ? "missing" : "wrong") +
                          " from " + remote_ + " for " + request_.method + " " + request_.target.substr(0, 200));
      HttpResponse r = ErrorResponse(Status::Unauthenticated("authorization", "basic auth credentials required"));
      r.headers["WWW-Authenticate"] = "Basic realm=\"debriefd\", charset=\"UTF-8\"";
      return Refuse(std::move(r));
    }
    if (edge_.options.before_body) {
      if (std::optional<HttpResponse> r = edge_.options.before_body(request_)) return Refuse(std::move(*r));
    }
    if (auto length = parser_->content_length()) {
      if (*length > edge_.options.max_body) return OnReadError(http::error::body_limit);
      if (*length > edge_.budget.limit()) {
        edge_.inflight_rejected.fetch_add(1);
        return Refuse(ErrorResponse(Status::ResourceExhausted(
            "body", "larger than limits.max_inflight_bytes (" + std::to_string(edge_.budget.limit()) + " bytes)")));
      }
      if (!Take(*length)) return Busy();
    }
    // curl and others wait (a second, for curl) for this before sending a body.
    if (beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = Self()](beast::error_code write_ec, size_t) {
                                 if (write_ec) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRequest();
    http::async_read_some(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnBody, Self()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    // A chunked body has no length up front: it takes from the budget as it grows.
    const size_t size = parser_->get().body().size();
    if (size > reserved_ && !Take(size - reserved_)) return Busy();
    ReadBody();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == beast::error::timeout ||
        ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
        ec == ssl::error::stream_truncated) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Refuse(ErrorResponse(Status::ResourceExhausted(
          "body", "larger than limits.max_body (" + std::to_string(edge_.options.max_body) + " bytes)")));
    }
    Refuse(ErrorResponse(Status::InvalidArgument("", "malformed HTTP request: " + ec.message())));
  }

  void OnRequest() {
    state_ = State::kInFlight;
    http::request<http::string_body> req = parser_->release();
    request_.body = std::move(req.body());
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    Lowest().expires_never();
    // The API may answer from another thread (ingest completes on the writer
    // thread); the response is handed back to this session's executor.
    edge_.api.Handle(request_, [self = Self(), keep_alive, head](HttpResponse resp) {
      auto res = std::make_shared<HttpResponse>(std::move(resp));
      asio::post(self->stream_.get_executor(), [self, res, keep_alive, head] {
        self->GiveBack();
        self->recycle_ = std::move(res->recycle_body);
        // A drain ends the connection with this response.
        self->Send(ToBeast(std::move(*res), self->version_, keep_alive && !self->edge_.draining, head,
                           self->edge_.headers));
      });
    });
    request_ = HttpRequest{};
  }

  // An answer before the body is read: the connection ends after it, with a
  // lingering close.
  void Refuse(HttpResponse r) {
    GiveBack();
    linger_ = true;
    Send(ToBeast(std::move(r), version_ ? version_ : 11, false, false, edge_.headers));
  }

  void Busy() {
    edge_.inflight_rejected.fetch_add(1);
    edge_.budget_log.Warn("request bodies in memory at limits.max_inflight_bytes (" +
                          std::to_string(edge_.budget.limit()) + " bytes): answering 503");
    HttpResponse r = ErrorResponse(Status::Unavailable("too many request bodies in memory; retry later"));
    r.headers["Retry-After"] = "1";
    Refuse(std::move(r));
  }

  bool Take(size_t n) {
    if (!edge_.budget.Take(n)) return false;
    reserved_ += n;
    return true;
  }
  void GiveBack() {
    if (reserved_ > 0) edge_.budget.Give(reserved_);
    reserved_ = 0;
  }

  void Send(http::response<http::string_body> res) {
    state_ = State::kWriting;
    parser_.reset();
    keep_alive_after_write_ = res.keep_alive();
    res_ = std::move(res);
    Lowest().expires_after(edge_.options.read_timeout);
    // Beast's serializer writes the header once into wire_ (kept with its
    // capacity), a small body is appended, and the answer goes out as one or
    // two plain buffers. http::async_write walks the serializer's nested
    // buffer views on every write call, which a profile of webhook ingest put
    // at a few percent of the whole process's CPU.
    wire_.clear();
    http::serializer<false, http::string_body> sr{res_};
    sr.split(true);
    beast::error_code ec;
    while (!ec && !sr.is_header_done()) {
      sr.next(ec, [&](beast::error_code&, const auto& buffers) {
        for (asio::const_buffer b : beast::buffers_range_ref(buffers)) {
          wire_.append(static_cast<const char*>(b.data()), b.size());
        }
        sr.consume(beast::buffer_bytes(buffers));
      });
    }
    if (ec) return Close();  // cannot happen for a string body; never a partial header
    const std::string& body = res_.body();
    size_t parts = 2;
    if (body.size() <= kInlineBody) {
      wire_ += body;
      parts = 1;
    }
    out_ = {asio::buffer(wire_), asio::buffer(body)};
    asio::async_write(stream_, std::span<const asio::const_buffer>(out_.data(), parts),
                      beast::bind_front_handler(&Session::OnWrite, Self()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    if (recycle_) std::exchange(recycle_, nullptr)(std::move(res_.body()));
    res_ = {};
    if (ec) return Close();
    if (linger_) return Linger();
    if (!keep_alive_after_write_) return Close();
    Read();
  }

  // Stops sending, then reads and discards what the client still sends (the
  // body it was told not to send) for a bounded time: closing a socket with
  // unread data makes the kernel send a reset, and a client still writing
  // would then lose the response it was sent.
  void Linger() {
    state_ = State::kLingering;
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Lowest().expires_after(edge_.options.linger_timeout);
    Discard();
  }
  void Discard() {
    Lowest().async_read_some(asio::buffer(discard_), [self = Self()](beast::error_code ec, size_t) {
      if (ec) {
        beast::error_code ignored;
        self->Lowest().socket().close(ignored);
        self->state_ = State::kClosed;
        return;
      }
      self->Discard();
    });
  }

  void Close() {
    state_ = State::kClosed;
    if constexpr (kTls) {
      // close_notify, bounded: a peer that does not answer it is cut off.
      Lowest().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = Self()](beast::error_code) {
        beast::error_code ignored;
        self->Lowest().socket().close(ignored);
      });
    } else {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Edge& edge_;
  std::shared_ptr<ssl::context> ctx_;  // outlives stream_, which refers to it
  Stream stream_;
  std::string remote_;
  State state_ = State::kHandshake;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  unsigned version_ = 11;
  size_t reserved_ = 0;
  bool linger_ = false;
  bool keep_alive_after_write_ = false;
  http::response<http::string_body> res_;
  std::string wire_;  // res_'s header, and its body if small: what Send writes
  std::array<asio::const_buffer, 2> out_;  // wire_ and, unless appended to it, res_'s body
  std::function<void(std::string&&)> recycle_;  // HttpResponse::recycle_body of res_
  std::array<char, 4096> discard_;
};

}  // namespace

struct Server::Impl {
  Impl(Api& api, ServerOptions options)
      : edge(api, std::move(options)),
        strand(asio::make_strand(ioc)),
        acceptor(strand),
        backoff_timer(strand),
        drain_timer(strand) {
    edge.drained = [this] { ioc.stop(); };
  }
  ~Impl() { edge.destroying = true; }

  Status LoadTls() {
    if (!edge.options.web_config || !edge.options.web_config->tls) return Status::Ok();
    const TlsServerConfig& tls = *edge.options.web_config->tls;
    Result<std::shared_ptr<ssl::context>> ctx = MakeTlsContext(tls, edge.options.web_config->path);
    if (!ctx.ok()) return ctx.status();
    tls_context = *ctx;
    stamps = Stamps(tls);
    last_tls_check = SteadyClock::now();
    return Status::Ok();
  }

  static std::array<FileStamp, 3> Stamps(const TlsServerConfig& tls) {
    return {StampOf(tls.cert_file), StampOf(tls.key_file), StampOf(tls.client_ca_file)};
  }

  // On the acceptor's strand: certificates replaced on disk (renewed by
  // cert-manager, say) are served from the next connection on. A new set that
  // does not load keeps the old one, logged and counted.
  void MaybeReloadTls() {
    const auto now = SteadyClock::now();
    if (now - last_tls_check < edge.options.tls_reload_interval) return;
    last_tls_check = now;
    const TlsServerConfig& tls = *edge.options.web_config->tls;
    auto current = Stamps(tls);
    if (current == stamps) return;
    stamps = current;
    Result<std::shared_ptr<ssl::context>> ctx = MakeTlsContext(tls, edge.options.web_config->path);
    if (!ctx.ok()) {
      edge.tls_reload_errors.fetch_add(1);
      spdlog::error("TLS certificates changed but do not load, serving the previous ones: {}",
                    ctx.status().message());
      return;
    }
    tls_context = *ctx;
    edge.tls_reloads.fetch_add(1);
    spdlog::info("TLS certificates reloaded from {}", tls.cert_file);
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, Socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) return Backoff(ec);
      backoff = Duration{0};
      edge.accept_backoff_ms = 0;
      if (edge.connections_open.load() >= edge.options.max_connections) {
        RefuseConnection(std::move(socket));
      } else {
        edge.connections_open.fetch_add(1);
        // Answers go out as soon as they are written, as in any HTTP server
        // (nginx's tcp_nodelay): Nagle's algorithm would hold a small segment
        // that follows an unacknowledged one until the client's delayed ACK.
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (tls_context) {
          MaybeReloadTls();
          std::make_shared<Session<TlsStream>>(std::move(socket), edge, tls_context)->Start();
        } else {
          std::make_shared<Session<PlainStream>>(std::move(socket), edge, nullptr)->Start();
        }
      }
      Accept();
    });
  }

  // Out of file descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS,
  // ENOMEM), accept fails at once for as long as the condition lasts: trying
  // again at once would spin a core and starve the connections being served.
  void Backoff(beast::error_code ec) {
    edge.accept_errors.fetch_add(1);
    backoff = backoff.count() == 0 ? edge.options.accept_backoff_initial
                                   : std::min(backoff * 2, edge.options.accept_backoff_max);
    edge.accept_backoff_ms = backoff.count();
    edge.accept_log.Warn("accept failed: " + ec.message() + "; accepting again in " + FormatDuration(backoff));
    backoff_timer.expires_after(backoff);
    backoff_timer.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) Accept();
    });
  }

  // Over limits.max_connections: a plain HTTP client gets a minimal 503 (a
  // TLS client just the close); either way no session, buffer or timer.
  void RefuseConnection(Socket socket) {
    edge.connections_refused.fetch_add(1);
    beast::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    edge.refused_log.Warn("connection from " + (ec ? std::string("?") : remote.address().to_string()) +
                          " refused: limits.max_connections (" + std::to_string(edge.options.max_connections) +
                          ") connections open");
    if (!tls_context) {
      static constexpr std::string_view k503 =
          "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      socket.non_blocking(true, ec);
      socket.write_some(asio::buffer(k503.data(), k503.size()), ec);
      socket.shutdown(tcp::socket::shutdown_send, ec);
    }
    socket.close(ec);
  }

  Edge edge;
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  asio::steady_timer backoff_timer;
  asio::steady_timer drain_timer;
  Duration backoff{0};
  std::shared_ptr<ssl::context> tls_context;
  std::array<FileStamp, 3> stamps{};
  SteadyClock::time_point last_tls_check;
};

Server::Server(Api& api, ServerOptions options) : impl_(std::make_unique<Impl>(api, std::move(options))) {}

Server::~Server() = default;

Result<unsigned short> Server::Listen(const std::string& host_port) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("listen", "expected host:port");
  std::string host = host_port.substr(0, colon);
  std::string port = host_port.substr(colon + 1);
  // The resolver would read 99999 modulo 65536, binding a port nobody asked for.
  const bool digits = !port.empty() && port.size() <= 5 &&
                      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoul(port) > 65535) {
    return Status::InvalidArgument("listen", "port \"" + port.substr(0, 16) + "\" is not a number from 0 to 65535");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  if (Status tls = impl_->LoadTls(); !tls.ok()) return tls;
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto results = resolver.resolve(host, port, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("listen", "cannot resolve " + host_port + ": " + ec.message());
  }
  tcp::endpoint ep = *results.begin();
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + host_port + ": " + ec.message()).WithSource("listen");
  asio::post(impl_->strand, [impl = impl_.get()] { impl->Accept(); });
  return acc.local_endpoint().port();
}

void Server::Run(int threads) {
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) {
    extra.emplace_back([this] {
      // Named for top -H and profilers; the calling thread keeps the
      // process's name, which ps and pidof show.
      pthread_setname_np(pthread_self(), "debriefd-http");
      impl_->ioc.run();
    });
  }
  impl_->ioc.run();
  for (auto& t : extra) t.join();
}

void Server::Stop() {
  asio::post(impl_->strand, [impl = impl_.get()] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->backoff_timer.cancel();
    impl->ioc.stop();
  });
}

void Server::Shutdown(Duration timeout) {
  asio::post(impl_->strand, [impl = impl_.get(), timeout] {
    if (impl->edge.draining.exchange(true)) return;
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->backoff_timer.cancel();
    impl->drain_timer.expires_after(timeout);
    impl->drain_timer.async_wait([impl, timeout](beast::error_code wait_ec) {
      if (wait_ec) return;
      std::lock_guard lock(impl->edge.sessions_mu);
      if (!impl->edge.sessions.empty()) {
        spdlog::warn("shutdown: {} connections still open after {}, closing them", impl->edge.sessions.size(),
                     FormatDuration(timeout));
      }
      impl->ioc.stop();
    });
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(impl->edge.sessions_mu);
      for (auto& [ptr, weak] : impl->edge.sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
      if (impl->edge.sessions.empty()) impl->ioc.stop();
    }
    for (auto& s : live) s->Drain();
  });
}

ServerStats Server::stats() const {
  const Edge& e = impl_->edge;
  ServerStats s;
  s.connections_open = e.connections_open.load();
  s.connections_refused_total = e.connections_refused.load();
  s.accept_errors_total = e.accept_errors.load();
  s.inflight_bytes = e.budget.used();
  s.inflight_rejected_total = e.inflight_rejected.load();
  s.tls_handshake_errors_total = e.tls_handshake_errors.load();
  s.basic_auth_failures_total = e.basic_auth_failures.load();
  s.tls_reloads_total = e.tls_reloads.load();
  s.tls_reload_errors_total = e.tls_reload_errors.load();
  s.accept_backoff = Duration{e.accept_backoff_ms.load()};
  return s;
}

}  // namespace debriefd
