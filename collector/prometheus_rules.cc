#include "collector/prometheus_rules.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

namespace debriefd {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

Result<PendingMap> ParsePrometheusRules(std::string_view body) {
  auto bad = [](const std::string& field, const std::string& reason) {
    return Status::InvalidArgument(field, reason).WithSource("prometheus rules");
  };
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return bad("", "malformed JSON: " + ec.message());
  const boost::json::object* root = v.if_object();
  if (root == nullptr) return bad("", "not a JSON object");
  const boost::json::value* status = root->if_contains("status");
  if (status == nullptr || !status->is_string() || status->get_string() != "success") return bad("status", "not success");
  const boost::json::value* data = root->if_contains("data");
  const boost::json::value* groups = data != nullptr && data->is_object() ? data->get_object().if_contains("groups") : nullptr;
  if (groups == nullptr || !groups->is_array()) return bad("data.groups", "missing");
  PendingMap out;
  for (size_t g = 0; g < groups->get_array().size(); ++g) {
    const boost::json::value& group = groups->get_array()[g];
    const boost::json::value* rules = group.is_object() ? group.get_object().if_contains("rules") : nullptr;
    if (rules == nullptr || !rules->is_array()) {
      std::string field = "data.groups[";
      field += std::to_string(g);
      field += "].rules";
      return bad(field, "missing");
    }
    for (const boost::json::value& rule : rules->get_array()) {
      const boost::json::object* r = rule.if_object();
      if (r == nullptr) continue;
      const boost::json::value* type = r->if_contains("type");
      const boost::json::value* name = r->if_contains("name");
      const boost::json::value* duration = r->if_contains("duration");
      if (type == nullptr || !type->is_string() || type->get_string() != "alerting") continue;
      if (name == nullptr || !name->is_string() || duration == nullptr || !duration->is_number()) continue;
      double seconds = duration->to_number<double>();
      if (!(seconds >= 0) || seconds > 365.0 * 86400) continue;
      Duration d{static_cast<int64_t>(seconds * 1000)};
      auto [it, inserted] = out.emplace(std::string(name->get_string()), d);
      if (!inserted) it->second = std::max(it->second, d);
    }
  }
  return out;
}

Result<std::string> FetchPrometheusRules(const std::string& url, Duration timeout) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http") {
    return Status::InvalidArgument("alerts.pending_from.url", "must be an http:// URL").WithSource("prometheus rules");
  }
  const std::string host(parsed->host());
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target(parsed->encoded_path());
  while (!target.empty() && target.back() == '/') target.pop_back();
  target += "/api/v1/rules?type=alert";
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout));
    tcp::resolver resolver(io);
    stream.connect(resolver.resolve(host, port));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "debriefd");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(32 << 20);
    http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (parser.get().result_int() != 200) {
      return Status::Unavailable(url + " answered " + std::to_string(parser.get().result_int())).WithSource("prometheus rules");
    }
    return std::move(parser.get().body());
  } catch (const std::exception& e) {
    return Status::Unavailable(url + ": " + e.what()).WithSource("prometheus rules");
  }
}

PrometheusRulesPoller::PrometheusRulesPoller(std::string url, Duration refresh, const Clock& clock,
                                             std::function<void(PendingMap)> learned)
    : url_(std::move(url)), refresh_(refresh), clock_(clock), learned_(std::move(learned)) {}

PrometheusRulesPoller::~PrometheusRulesPoller() { Stop(); }

Status PrometheusRulesPoller::PollOnce() {
  Result<std::string> body = FetchPrometheusRules(url_, std::chrono::seconds(10));
  Result<PendingMap> map = body.ok() ? ParsePrometheusRules(*body) : Result<PendingMap>(body.status());
  if (!map.ok()) {
    spdlog::warn("{} (keeping the last rules read)", map.status().message());
    return map.status();
  }
  learned_(std::move(map.value()));
  last_success_ = Seconds(clock_.Now().time_since_epoch());
  return Status::Ok();
}

void PrometheusRulesPoller::Start() {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      (void)PollOnce();
      lock.lock();
      cv_.wait_for(lock, refresh_, [this] { return stopping_; });
    }
  });
}

void PrometheusRulesPoller::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace debriefd
