#include "collector/sources/json_reader.h"

namespace debriefd::json_reader {

Status Invalid(const std::string& field, const std::string& reason) {
  return Status::InvalidArgument(field, reason);
}

Result<const boost::json::object*> ParseBodyObject(std::string_view body, boost::json::value& value) {
  boost::system::error_code ec;
  value = boost::json::parse(body, ec);
  if (ec) return Invalid("", "malformed JSON: " + ec.message());
  if (!value.is_object()) return Invalid("", "the body must be a JSON object");
  return &value.get_object();
}

std::vector<ParsedEvent> OneEvent(const SourceRequest& request, std::string source, std::string dedup_key,
                                  EventBody body) {
  ParsedEvent out;
  out.event.source = std::move(source);
  out.event.received_at = request.received_at;
  out.event.dedup_key = std::move(dedup_key);
  out.event.body = std::move(body);
  std::vector<ParsedEvent> events;
  events.push_back(std::move(out));
  return events;
}

void ObjectReader::Fail(const std::string& key, const std::string& reason) {
  if (status_.ok()) status_ = Invalid(FieldPath(key), reason);
}

const boost::json::value* ObjectReader::Get(const char* key, bool required, boost::json::kind kind,
                                            const char* what) {
  if (!ok()) return nullptr;
  const boost::json::value* v = obj_.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) Fail(key, "missing");
    return nullptr;
  }
  if (v->kind() != kind && !(kind == boost::json::kind::double_ && v->is_number())) {
    Fail(key, std::string("not ") + what);
    return nullptr;
  }
  return v;
}

std::optional<std::string> ObjectReader::String(const char* key, bool required, size_t max_len) {
  const boost::json::value* v = Get(key, required, boost::json::kind::string, "a string");
  if (v == nullptr) return std::nullopt;
  const boost::json::string& s = v->get_string();
  if (s.size() > max_len) {
    Fail(key, "longer than " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  if (required && s.empty()) {
    Fail(key, "empty");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<Time> ObjectReader::Timestamp(const char* key, bool required) {
  const boost::json::value* v = Get(key, required, boost::json::kind::string, "an RFC 3339 string");
  if (v == nullptr) return std::nullopt;
  std::optional<Time> t = ParseRfc3339(v->get_string());
  if (!t) Fail(key, "not RFC 3339");
  return t;
}

std::optional<double> ObjectReader::Number(const char* key, bool required) {
  const boost::json::value* v = Get(key, required, boost::json::kind::double_, "a number");
  if (v == nullptr) return std::nullopt;
  return v->to_number<double>();
}

std::optional<std::string> ObjectReader::Id(const char* key, bool required) {
  std::optional<std::string> s = String(key, required, 128);
  if (!s) return s;
  if (s->empty()) {
    Fail(key, "empty");
    return std::nullopt;
  }
  for (char c : *s) {
    bool okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '_' || c == '-' || c == ':' || c == '/';
    if (!okc) {
      Fail(key, "may hold only letters, digits and . _ - : /");
      return std::nullopt;
    }
  }
  return s;
}

const boost::json::object* ObjectReader::Object(const char* key, bool required) {
  const boost::json::value* v = Get(key, required, boost::json::kind::object, "an object");
  return v == nullptr ? nullptr : &v->get_object();
}

const boost::json::array* ObjectReader::Array(const char* key, bool required) {
  const boost::json::value* v = Get(key, required, boost::json::kind::array, "an array");
  return v == nullptr ? nullptr : &v->get_array();
}

}  // namespace debriefd::json_reader
