// Grafana-managed alerting: its webhook contact point sends the body
// Alertmanager sends, so the alertmanager source reads it and the events are
// labelled grafana. Optional HMAC: `header` (default X-Grafana-Alerting-
// Signature) holds lower-case hex HMAC-SHA256 of the body; with
// `timestamp_header` set, of "<unix seconds>:<body>", and a timestamp more
// than `max_skew` (default 5m) from now is rejected.
#include <charconv>

#include "collector/sources/registry.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

const Source& Alertmanager() { return *FindSource("alertmanager"); }

Result<std::vector<ParsedEvent>> ParseGrafana(const SourceRequest& request) {
  Result<std::vector<ParsedEvent>> events = Alertmanager().parse(request);
  if (!events.ok()) return events;
  for (ParsedEvent& e : *events) e.event.source = "grafana";
  return events;
}

Result<Event> ReadStoredGrafana(std::string_view raw, Time received_at) {
  Result<Event> e = Alertmanager().read_stored(raw, received_at);
  if (e.ok()) e->source = "grafana";
  return e;
}

std::string ReplayGrafana(std::string_view raw) { return Alertmanager().replay_body(raw); }

Status VerifyGrafana(const SourceRequest& request) {
  const SourceSettings& s = request.settings;
  const std::string header = HeaderName(s.Option("header", "X-Grafana-Alerting-Signature"));
  const std::string timestamp_header = HeaderName(s.Option("timestamp_header"));
  std::string_view given = request.header(header);
  if (given.empty()) return Status::Unauthenticated(header, "missing");
  std::string signed_text(request.body);
  if (!timestamp_header.empty()) {
    std::string_view ts = request.header(timestamp_header);
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), seconds);
    if (ts.empty() || ec != std::errc() || end != ts.data() + ts.size()) {
      return Status::Unauthenticated(timestamp_header, ts.empty() ? "missing" : "not unix seconds");
    }
    // check_options made sure max_skew reads as a duration.
    std::optional<Duration> max_skew = ParseDuration(s.Option("max_skew", "5m"));
    Time at{std::chrono::seconds(seconds)};
    Duration skew = at > request.received_at ? at - request.received_at : request.received_at - at;
    if (!max_skew || skew > *max_skew) {
      return Status::Unauthenticated(timestamp_header, "more than " + s.Option("max_skew", "5m") + " from now");
    }
    signed_text = std::string(ts) + ":" + signed_text;
  }
  return signature::CheckHmacHex(given, header, s.secret, signed_text);
}

constexpr std::string_view kOptions[] = {"header", "timestamp_header", "max_skew"};

Status CheckGrafanaOptions(const SourceSettings& s) {
  if (!ParseDuration(s.Option("max_skew", "5m"))) {
    return Status::InvalidArgument("max_skew", "not a duration (use 30s, 5m)");
  }
  return Status::Ok();
}

}  // namespace

extern const Source kSource_grafana;
const Source kSource_grafana{
    .name = "grafana",
    .route = "/webhooks/grafana",
    .needs_config = true,
    .parse = ParseGrafana,
    .read_stored = ReadStoredGrafana,
    .replay_body = ReplayGrafana,
    .headers = {},
    .verify = VerifyGrafana,
    .options = kOptions,
    .check_options = CheckGrafanaOptions,
};

}  // namespace debriefd
