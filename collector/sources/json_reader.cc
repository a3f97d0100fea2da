#include "collector/sources/json_reader.h"

#include <algorithm>
#include <cmath>

namespace debriefd::json_reader {

Status Invalid(const std::string& field, const std::string& reason) {
  return Status::InvalidArgument(field, reason);
}

namespace {

// Whether `v` holds a number that is not finite (JSON has none: the parser
// makes one of a literal too large for a double). The walk builds no path,
// as it visits every value of every request; the path of the number found
// is put together on the way back, in `reversed`, last segment first.
using Segments = std::vector<std::pair<bool, std::string>>;  // (an array index, its text)

bool HasNonFinite(const boost::json::value& v, Segments& reversed) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return !std::isfinite(v.get_double());
    case boost::json::kind::object:
      for (const auto& kv : v.get_object()) {
        if (HasNonFinite(kv.value(), reversed)) {
          reversed.emplace_back(false, kv.key());
          return true;
        }
      }
      return false;
    case boost::json::kind::array: {
      const boost::json::array& a = v.get_array();
      for (size_t i = 0; i < a.size(); ++i) {
        if (HasNonFinite(a[i], reversed)) {
          std::string index = "[";  // in steps: GCC 12 warns falsely on "[" + to_string(i)
          index += std::to_string(i);
          index += ']';
          reversed.emplace_back(true, std::move(index));
          return true;
        }
      }
      return false;
    }
    default:
      return false;
  }
}

// The path of the first number that is not finite ("a.b[2].c"), or nullopt.
std::optional<std::string> NonFinite(const boost::json::value& v) {
  Segments reversed;
  if (!HasNonFinite(v, reversed)) return std::nullopt;
  std::string path;
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) {
    if (!path.empty() && !it->first) path += '.';
    path += it->second;
  }
  return path;
}

}  // namespace

Status ParseBody(std::string_view body, boost::json::value& value) {
  boost::system::error_code ec;
  value = boost::json::parse(body, ec, value.storage());
  if (ec) return Invalid("", "malformed JSON: " + ec.message());
  if (auto path = NonFinite(value)) return Invalid(*path, "a number too large for JSON");
  return Status::Ok();
}

Result<const boost::json::object*> ParseBodyObject(std::string_view body, boost::json::value& value) {
  if (Status s = ParseBody(body, value); !s.ok()) return s;
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
  asked_.emplace_back(key);
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

void ObjectReader::RejectUnknownFields() {
  if (!ok()) return;
  for (const auto& kv : obj_) {
    if (std::find(asked_.begin(), asked_.end(), std::string_view(kv.key())) == asked_.end()) {
      Fail(std::string(kv.key()), "unknown field");
      return;
    }
  }
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

std::optional<Time> ObjectReader::EndOfDate(const char* key, bool required) {
  const boost::json::value* v = Get(key, required, boost::json::kind::string, "a date like 2026-12-01");
  if (v == nullptr) return std::nullopt;
  const boost::json::string& s = v->get_string();
  std::optional<Time> midnight;
  if (s.size() == 10) {
    std::string text(s);
    text += "T00:00:00Z";
    midnight = ParseRfc3339(text);
  }
  if (!midnight) {
    Fail(key, "not a date like 2026-12-01");
    return std::nullopt;
  }
  return *midnight + std::chrono::hours(24);
}

std::optional<std::vector<std::string>> ObjectReader::Names(const char* key, const char* member, size_t max_len) {
  const boost::json::array* a = Array(key, false);
  if (a == nullptr) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(a->size());
  for (size_t i = 0; i < a->size(); ++i) {
    // The element's path, appended piece by piece (GCC 12 warns falsely on
    // a chain of string concatenations here).
    std::string element(key);
    element += '[';
    element += std::to_string(i);
    element += ']';
    const boost::json::value* name = &(*a)[i];
    if (member != nullptr) {
      if (!name->is_object()) {
        Fail(element, "not an object");
        return std::nullopt;
      }
      element += '.';
      element += member;
      name = name->get_object().if_contains(member);
      if (name == nullptr || name->is_null()) {
        Fail(element, "missing");
        return std::nullopt;
      }
    }
    if (!name->is_string()) {
      Fail(element, "not a string");
      return std::nullopt;
    }
    if (name->get_string().size() > max_len) {
      Fail(element, "longer than " + std::to_string(max_len) + " bytes");
      return std::nullopt;
    }
    out.emplace_back(name->get_string());
  }
  return out;
}

}  // namespace debriefd::json_reader
