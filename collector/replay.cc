#include "collector/replay.h"

#include <boost/json.hpp>

#include <cctype>

#include "collector/sources/json_reader.h"
#include "collector/sources/registry.h"

namespace debriefd {
namespace {

// "\"alertmanager\" or \"events\"", from the registry.
std::string SourceNames() {
  std::string out;
  const auto& sources = Sources();
  for (size_t i = 0; i < sources.size(); ++i) {
    if (i > 0) out += i + 1 == sources.size() ? " or " : ", ";
    out += '"';
    out += sources[i]->name;
    out += '"';
  }
  return out;
}

}  // namespace

Result<ReplayLine> ParseReplayLine(std::string_view line) {
  using json_reader::Invalid;
  auto bad = [](const std::string& field, const std::string& reason) {
    return Invalid(field, reason).WithSource("replay");
  };
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  if (ec) return bad("", "malformed JSON: " + ec.message());
  if (!v.is_object()) return bad("", "a line must be a JSON object");
  json_reader::ObjectReader r(v.get_object(), "");
  std::optional<Time> received_at = r.Timestamp("received_at", true);
  std::optional<std::string> source = r.String("source", true, 32);
  if (!r.ok()) return r.status().WithSource("replay");
  if (FindSource(*source) == nullptr) return bad("source", "must be " + SourceNames());
  const boost::json::value* body = v.get_object().if_contains("body");
  if (body == nullptr || !(body->is_object() || body->is_array())) {
    return bad("body", body == nullptr ? "missing" : "must be an object or an array");
  }
  ReplayLine out{*source, *received_at, boost::json::serialize(*body), {}};
  if (const boost::json::value* headers = v.get_object().if_contains("headers")) {
    if (!headers->is_object()) return bad("headers", "must be an object of strings");
    for (const auto& kv : headers->get_object()) {
      if (!kv.value().is_string()) return bad("headers." + std::string(kv.key()), "not a string");
      out.headers[HeaderName(kv.key())] = std::string(kv.value().get_string());
    }
  }
  return out;
}

std::string FormatReplayLine(std::string_view source, Time received_at, std::string_view raw) {
  StoredRequest request = RequestOfStored(source, raw);
  boost::json::object line;
  line["received_at"] = FormatRfc3339(received_at);
  line["source"] = source;
  if (!request.headers.empty()) {
    boost::json::object headers;
    for (const auto& [name, value] : request.headers) headers[name] = value;
    line["headers"] = std::move(headers);
  }
  boost::system::error_code ec;
  line["body"] = boost::json::parse(request.body, ec);
  return boost::json::serialize(line);
}

ReplaySummary Replay(std::istream& in, IngestService& ingest,
                     const std::function<void(size_t line, const Status& why)>& on_error, size_t chunk) {
  ReplaySummary summary;
  std::vector<std::pair<std::string, std::vector<ParsedEvent>>> requests;
  std::vector<size_t> request_lines;
  auto flush = [&] {
    std::vector<IngestOutcome> outcomes = ingest.ProcessNow(std::move(requests));
    for (size_t i = 0; i < outcomes.size(); ++i) {
      summary.accepted += outcomes[i].accepted;
      summary.duplicates += outcomes[i].duplicates;
      if (!outcomes[i].status.ok()) {
        ++summary.rejected;
        on_error(request_lines[i], outcomes[i].status);
      }
    }
    requests.clear();
    request_lines.clear();
  };
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Result<ReplayLine> rl = ParseReplayLine(line);
    Result<std::vector<ParsedEvent>> parsed =
        rl.ok() ? ParseRequest(rl->source, rl->body, rl->headers, rl->received_at,
                               SettingsOf(ingest.source_settings(), rl->source))
                : rl.status();
    if (!parsed.ok()) {
      ++summary.rejected;
      on_error(line_no, parsed.status());
      continue;
    }
    requests.emplace_back(rl->source, std::move(parsed.value()));
    request_lines.push_back(line_no);
    if (requests.size() >= chunk) flush();
  }
  if (!requests.empty()) flush();
  return summary;
}

}  // namespace debriefd
