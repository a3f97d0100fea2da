#include "server/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "server/api.h"
#include "server/http.h"

namespace debriefd {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

http::response<http::string_body> ToBeast(HttpResponse r, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "debriefd");
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Api& api, size_t max_body, Duration timeout)
      : stream_(std::move(socket)), api_(api), max_body_(max_body), timeout_(timeout) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    stream_.expires_after(timeout_);
    // The header first: what it says decides whether and how the body is read.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnRead(ec, 0);
    const auto& req = parser_->get();
    // A Transfer-Encoding whose last coding is not chunked (`identity`,
    // `gzip`) leaves the body's end undefined (RFC 9112, 6.3): answering
    // would desynchronise the connection, so the request is refused and the
    // connection closed.
    if (req.count(http::field::transfer_encoding) > 0 && !parser_->chunked()) {
      return Send(ToBeast(ErrorResponse(Status::InvalidArgument(
                              "Transfer-Encoding", "only chunked is supported as the final transfer coding")),
                          req.version(), false, false));
    }
    // curl and others wait (a second, for curl) for this before sending a body.
    if (beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = shared_from_this()](beast::error_code write_ec, size_t) {
                                 if (write_ec) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Send(ToBeast(ErrorResponse(Status::ResourceExhausted(
                              "body", "larger than limits.max_body (" + std::to_string(max_body_) + " bytes)")),
                          11, false, false));
    }
    if (ec) {
      return Send(ToBeast(ErrorResponse(Status::InvalidArgument("", "malformed HTTP request: " + ec.message())), 11, false, false));
    }
    http::request<http::string_body> req = parser_->release();
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.authorization = std::string(req[http::field::authorization]);
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[std::move(name)] = std::string(field.value());
    }
    r.body = std::move(req.body());
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    stream_.expires_never();
    // The API may answer from another thread (ingest completes on the writer
    // thread); the response is handed back to this session's executor.
    api_.Handle(r, [self = shared_from_this(), version, keep_alive, head](HttpResponse resp) {
      auto res = std::make_shared<http::response<http::string_body>>(
          ToBeast(std::move(resp), version, keep_alive, head));
      asio::post(self->stream_.get_executor(), [self, res] { self->Send(std::move(*res)); });
    });
  }

  void Send(http::response<http::string_body> res) {
    res_ = std::move(res);
    stream_.expires_after(timeout_);
    http::async_write(stream_, res_, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    if (ec) return Close();
    if (!res_.keep_alive()) return Close();
    Read();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  Api& api_;
  size_t max_body_;
  std::chrono::steady_clock::duration timeout_;
};

}  // namespace

struct Server::Impl {
  Impl(Api& a, size_t mb, Duration t) : api(a), max_body(mb), timeout(t), acceptor(ioc) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(socket), api, max_body, timeout)->Start();
      Accept();
    });
  }

  Api& api;
  size_t max_body;
  Duration timeout;
  asio::io_context ioc;
  tcp::acceptor acceptor;
};

Server::Server(Api& api, size_t max_body, Duration read_timeout)
    : impl_(std::make_unique<Impl>(api, max_body, read_timeout)) {}

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
  impl_->Accept();
  return acc.local_endpoint().port();
}

void Server::Run(int threads) {
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) extra.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : extra) t.join();
}

void Server::Stop() {
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->ioc.stop();
  });
}

}  // namespace debriefd
