// Dispatch by source, the stored form of events, and the replay line format.
#include "collector/sources/parsers.h"

#include <cstdio>

#include "collector/sources/json_reader.h"

namespace debriefd {

Result<Event> ParseAlertObject(const boost::json::object& obj, const std::string& path, Time received_at);
Result<ParsedEvent> ParseNativeObject(const boost::json::object& obj, const std::string& path,
                                      Time received_at);

using json_reader::Invalid;
using json_reader::ObjectReader;

std::string StableHash(std::string_view data) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Result<std::vector<ParsedEvent>> ParseRequestBody(std::string_view source, std::string_view body,
                                                  Time received_at) {
  if (source == kSourceAlertmanager) return ParseAlertmanagerWebhook(body, received_at);
  if (source == kSourceEvents) return ParseNativeEvents(body, received_at);
  return Invalid("replay", "source", "unknown source \"" + std::string(source.substr(0, 64)) + "\"");
}

Result<Event> ParseStoredEvent(std::string_view source, std::string_view raw, Time received_at) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(raw, ec);
  if (ec || !v.is_object()) return Invalid("store", "", "stored event is not a JSON object");
  if (source == kSourceAlertmanager) return ParseAlertObject(v.get_object(), "", received_at);
  if (source == kSourceEvents) {
    Result<ParsedEvent> e = ParseNativeObject(v.get_object(), "", received_at);
    if (!e.ok()) return e.status();
    return std::move(e.value().event);
  }
  return Invalid("store", "source", "unknown source \"" + std::string(source) + "\"");
}

Result<ReplayLine> ParseReplayLine(std::string_view line) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  if (ec) return Invalid("replay", "", "malformed JSON: " + ec.message());
  if (!v.is_object()) return Invalid("replay", "", "a line must be a JSON object");
  ObjectReader r(v.get_object(), "replay", "");
  std::optional<Time> received_at = r.Timestamp("received_at", true);
  std::optional<std::string> source = r.String("source", true, 32);
  if (!r.ok()) return r.status();
  if (*source != kSourceAlertmanager && *source != kSourceEvents) {
    r.Fail("source", "must be \"alertmanager\" or \"events\"");
    return r.status();
  }
  const boost::json::value* body = v.get_object().if_contains("body");
  if (body == nullptr || !(body->is_object() || body->is_array())) {
    r.Fail("body", body == nullptr ? "missing" : "must be an object or an array");
    return r.status();
  }
  return ReplayLine{*source, *received_at, boost::json::serialize(*body)};
}

std::string FormatReplayLine(std::string_view source, Time received_at, std::string_view raw) {
  boost::json::object line;
  line["received_at"] = FormatRfc3339(received_at);
  line["source"] = source;
  boost::system::error_code ec;
  boost::json::value event = boost::json::parse(raw, ec);
  if (source == kSourceAlertmanager && event.is_object()) {
    boost::json::object webhook;
    webhook["version"] = "4";
    const boost::json::value* status = event.get_object().if_contains("status");
    webhook["status"] = status != nullptr ? *status : boost::json::value("firing");
    boost::json::array alerts;
    alerts.push_back(std::move(event));
    webhook["alerts"] = std::move(alerts);
    line["body"] = std::move(webhook);
  } else {
    line["body"] = std::move(event);
  }
  return boost::json::serialize(line);
}

}  // namespace debriefd
